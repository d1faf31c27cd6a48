package dev.baton.common.error;

/**
 * The one set of error codes Baton uses on every surface. Each surface maps a code once:
 * the CLI to an exit code, the HTTP API to a status, the event bus to a failure code.
 */
public enum ErrorCode {
  /** The input is wrong; retrying the same input fails the same way. */
  INVALID_ARGUMENT(400),
  /** The thing asked for does not exist. */
  NOT_FOUND(404),
  /** The thing to create exists already. */
  ALREADY_EXISTS(409),
  /** The caller is not allowed to do this; the reason is in the message. */
  PERMISSION_DENIED(403),
  /** The caller could not be identified. */
  UNAUTHENTICATED(401),
  /** The state does not allow it now (a lock is held, a node is in the wrong phase). */
  FAILED_PRECONDITION(412),
  /** A dependency is down or throttling; retrying later may work. */
  UNAVAILABLE(503),
  /** A deadline passed. */
  DEADLINE_EXCEEDED(504),
  /** A bug or an unexpected answer. */
  INTERNAL(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The code used as an event-bus failure code. */
  public int busFailureCode() {
    return httpStatus;
  }
}
