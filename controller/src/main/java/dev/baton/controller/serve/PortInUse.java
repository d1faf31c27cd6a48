package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.Future;
import java.net.BindException;

/** A port that is taken is the operator's to resolve: the failure says which, and what to do. */
final class PortInUse {
  private PortInUse() {}

  static <T> Future<T> said(Future<T> listening, String what, String host, int port, String option) {
    return listening.recover(e -> {
      Throwable cause = e;
      while (cause != null && !(cause instanceof BindException)) {
        cause = cause.getCause();
      }
      if (cause == null) {
        return Future.failedFuture(e);
      }
      return Future.failedFuture(new BatonException(
          ErrorCode.FAILED_PRECONDITION, "the " + what + " port " + host + ":" + port
              + " cannot be used (" + cause.getMessage() + "): another controller may be running (\"controller stop\","
              + " or \"ss -ltnp sport = :" + port + "\" shows who holds it); or choose another port with " + option));
    });
  }
}
