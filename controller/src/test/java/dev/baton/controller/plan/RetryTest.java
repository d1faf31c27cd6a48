package dev.baton.controller.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** "Not found" is "not visible yet" for a short window only; throttling is retried to the deadline. Clock injected. */
class RetryTest {
  final Vertx vertx = Vertx.vertx();
  final AtomicLong now = new AtomicLong(1_000_000);

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Every attempt costs 10 s of the injected clock; the backoffs themselves are 1 ms. */
  Throwable failureOf(ErrorCode code, AtomicInteger attempts) throws Exception {
    Retry r = new Retry(vertx, new Retry.Policy(1, 1, 15 * 60_000, 60_000, 30_000), new Random(1), now::get);
    Future<Object> f = r.run(() -> {
      attempts.incrementAndGet();
      now.addAndGet(10_000);
      return Future.failedFuture(new BatonException(code, "aws: RunInstances: InvalidAMIID.NotFound", true, null));
    }, (n, why) -> { });
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      throw new AssertionError("no failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void notFoundIsRetriedForItsWindowOnlyThenSaidToNotExist() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Throwable t = failureOf(ErrorCode.NOT_FOUND, attempts);
    assertEquals(5, attempts.get(), "the 30 s window of the clock (and the attempt that passed it), not the 15-minute deadline");
    assertTrue(t.getMessage().endsWith("(still not found after 40 s: it does not exist)"), t.getMessage());
    assertFalse(((BatonException) t).retryable());
  }

  @Test
  void throttlingIsRetriedUntilTheDeadline() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Throwable t = failureOf(ErrorCode.UNAVAILABLE, attempts);
    assertEquals(91, attempts.get(), "15 minutes of 10-second attempts, and the one past it");
    assertEquals(ErrorCode.UNAVAILABLE, ((BatonException) t).code());
  }
}
