package dev.baton.controller.plan;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Retries an asynchronous operation that failed in a retryable way (throttling, "not found
 * yet", a timed-out attempt) with exponential backoff and full jitter, within a deadline.
 * The clock and the randomness are injected so that tests are exact and never slow.
 */
public final class Retry {
  /**
   * @param baseMillis first backoff ceiling
   * @param maxMillis largest backoff ceiling
   * @param deadlineMillis no new attempt starts after this much time
   * @param attemptTimeoutMillis one attempt that takes longer fails as DEADLINE_EXCEEDED (retryable)
   * @param notFoundMillis how long "not found" is taken to mean "not visible yet": AWS's eventual
   *     consistency right after a create lasts seconds; what is still not found after this does not exist
   */
  public record Policy(long baseMillis, long maxMillis, long deadlineMillis, long attemptTimeoutMillis,
      long notFoundMillis) {
    public Policy(long baseMillis, long maxMillis, long deadlineMillis, long attemptTimeoutMillis) {
      this(baseMillis, maxMillis, deadlineMillis, attemptTimeoutMillis, Math.min(deadlineMillis, NOT_FOUND_WINDOW_MILLIS));
    }

    public static Policy defaults() {
      return new Policy(250, 20_000, 15 * 60_000, 10 * 60_000, NOT_FOUND_WINDOW_MILLIS);
    }
  }

  /** {@code -Dbaton.not-found-window-seconds}, 30 by default. */
  static final long NOT_FOUND_WINDOW_MILLIS = dev.baton.common.settings.Settings.NOT_FOUND_WINDOW_SECONDS.get() * 1000;

  private final Vertx vertx;
  private final Policy policy;
  private final Random random;
  private final LongSupplier clock;

  public Retry(Vertx vertx, Policy policy, Random random, LongSupplier clock) {
    this.vertx = vertx;
    this.policy = policy;
    this.random = random;
    this.clock = clock;
  }

  public Policy policy() {
    return policy;
  }

  public static boolean retryable(Throwable t) {
    return t instanceof BatonException b && b.retryable();
  }

  /** Runs {@code op} until it succeeds, fails for good, or the deadline passes. */
  public <T> Future<T> run(Supplier<Future<T>> op, BiConsumer<Integer, Throwable> onRetry) {
    Promise<T> result = Promise.promise();
    attempt(op, onRetry, 0, clock.getAsLong() + policy.deadlineMillis, -1, result);
    return result.future();
  }

  /** @param notFoundSince when the operation first met "not found", or -1 */
  private <T> void attempt(Supplier<Future<T>> op, BiConsumer<Integer, Throwable> onRetry, int n, long deadline,
      long notFoundSince, Promise<T> result) {
    withTimeout(op).onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
        return;
      }
      Throwable cause = ar.cause();
      long delay = backoff(n);
      long now = clock.getAsLong();
      boolean notFound = cause instanceof BatonException b && b.code() == ErrorCode.NOT_FOUND;
      long since = notFound ? (notFoundSince < 0 ? now : notFoundSince) : -1;
      if (notFound && now + delay - since > policy.notFoundMillis) {
        // not "not visible yet" any more: it does not exist, said now, not after the 15-minute deadline
        result.fail(new BatonException(ErrorCode.NOT_FOUND, cause.getMessage() + " (still not found after "
            + (now - since) / 1000 + " s: it does not exist)", false, cause));
        return;
      }
      if (!retryable(cause) || now + delay > deadline) {
        result.fail(cause);
        return;
      }
      onRetry.accept(n + 1, cause);
      vertx.setTimer(Math.max(1, delay), id -> attempt(op, onRetry, n + 1, deadline, since, result));
    });
  }

  /** Full jitter: uniform in [0, min(max, base * 2^n)]. */
  long backoff(int n) {
    return dev.baton.common.time.Backoff.jittered(policy.baseMillis, policy.maxMillis).delay(n, random::nextDouble);
  }

  private <T> Future<T> withTimeout(Supplier<Future<T>> op) {
    Future<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(policy.attemptTimeoutMillis, id -> p.tryFail(new BatonException(
        ErrorCode.DEADLINE_EXCEEDED, "no answer from the cloud within " + policy.attemptTimeoutMillis + " ms")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }
}
