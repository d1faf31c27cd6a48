package dev.baton.common.error;

/**
 * The one unchecked exception of Baton: a code, a user-facing message (lowercase, no trailing
 * period, prefixed with the component that raised it) and whether retrying may help.
 */
public class BatonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final boolean retryable;

  public BatonException(ErrorCode code, String message) {
    this(code, message, code == ErrorCode.UNAVAILABLE || code == ErrorCode.DEADLINE_EXCEEDED, null);
  }

  public BatonException(ErrorCode code, String message, Throwable cause) {
    this(code, message, code == ErrorCode.UNAVAILABLE || code == ErrorCode.DEADLINE_EXCEEDED, cause);
  }

  public BatonException(ErrorCode code, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  public static BatonException invalid(String message) {
    return new BatonException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static BatonException notFound(String message) {
    return new BatonException(ErrorCode.NOT_FOUND, message);
  }

  public static BatonException denied(String message) {
    return new BatonException(ErrorCode.PERMISSION_DENIED, message);
  }
}
