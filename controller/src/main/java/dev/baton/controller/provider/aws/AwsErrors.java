package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * AWS errors as Baton's, one mapping for every service: throttling and 5xx are retryable
 * ({@code UNAVAILABLE}); "not found" right after a create is retryable ({@code NOT_FOUND}: AWS is
 * eventually consistent); a refusal of access is {@code PERMISSION_DENIED}; anything else is final
 * for the resource ({@code FAILED_PRECONDITION}). Every message names the call and AWS's code.
 */
final class AwsErrors {
  private AwsErrors() {}

  private static final Set<String> THROTTLED = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException",
      "PriorRequestNotComplete", "ResourceContention");
  private static final Set<String> DENIED = Set.of("AccessDenied", "UnauthorizedOperation", "AuthFailure");

  static <T> T call(String what, Supplier<T> c) {
    try {
      return c.get();
    } catch (AwsServiceException e) {
      throw translate(what, e);
    }
  }

  static BatonException translate(String what, AwsServiceException e) {
    String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
    String detail = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
        : e.awsErrorDetails().errorMessage();
    String msg = "aws: " + what + ": " + code + ": " + detail;
    if (THROTTLED.contains(code) || e.statusCode() >= 500) {
      return new BatonException(ErrorCode.UNAVAILABLE, msg, true, e);
    }
    if (code.endsWith("NotFound") || code.equals("NoSuchEntity")) {
      return new BatonException(ErrorCode.NOT_FOUND, msg, true, e); // maybe not visible yet
    }
    if (code.startsWith("NoSuch") || code.equals("ValidationError") && detail != null && detail.contains("not found")) {
      return new BatonException(ErrorCode.NOT_FOUND, msg, false, e);
    }
    if (DENIED.contains(code) || e.statusCode() == 403) {
      return new BatonException(ErrorCode.PERMISSION_DENIED, msg, false, e);
    }
    if (code.equals("EntityAlreadyExists")) {
      return new BatonException(ErrorCode.FAILED_PRECONDITION, msg + " (an IAM name is unique in the account:"
          + " rename the resource, or remove the one that is not Baton's)", false, e);
    }
    return new BatonException(ErrorCode.FAILED_PRECONDITION, msg, false, e);
  }

  /**
   * Runs an SDK call on a worker, its failures as {@link BatonException}s: a client-side one is
   * UNAVAILABLE (retryable), a service one translated like every other (also when it comes from a
   * paginator's later pages, read outside the call that made it).
   */
  static <T> io.vertx.core.Future<T> blocking(io.vertx.core.Vertx vertx, java.util.concurrent.Callable<T> c) {
    return vertx.executeBlocking(() -> {
      try {
        return c.call();
      } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
        throw new BatonException(ErrorCode.UNAVAILABLE, "aws: " + e.getMessage(), true, e);
      } catch (AwsServiceException e) {
        throw translate(e.awsErrorDetails() == null ? "AWS" : e.awsErrorDetails().serviceName(), e);
      }
    }, false);
  }
}
