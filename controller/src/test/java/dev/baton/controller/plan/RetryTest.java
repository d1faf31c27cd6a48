package dev.baton.controller.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** "Not found" is "not visible yet" for a short window only; throttling is retried to the deadline. Clock injected. */
@ExtendWith(VertxExtension.class)
class RetryTest {
  final AtomicLong now = new AtomicLong(1_000_000);

  /** Every attempt costs 10 s of the injected clock; the backoffs themselves are 1 ms. Every attempt fails. */
  Future<Object> alwaysFailing(Vertx vertx, ErrorCode code, AtomicInteger attempts) {
    Retry r = new Retry(vertx, new Retry.Policy(1, 1, 15 * 60_000, 60_000, 30_000), new Random(1), now::get);
    return r.run(() -> {
      attempts.incrementAndGet();
      now.addAndGet(10_000);
      return Future.failedFuture(new BatonException(code, "aws: RunInstances: InvalidAMIID.NotFound", true, null));
    }, (n, why) -> { });
  }

  @Test
  void notFoundIsRetriedForItsWindowOnlyThenSaidToNotExist(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger attempts = new AtomicInteger();
    alwaysFailing(vertx, ErrorCode.NOT_FOUND, attempts).onComplete(ctx.failing(t -> ctx.verify(() -> {
      assertEquals(5, attempts.get(), "the 30 s window of the clock (and the attempt that passed it), not the 15-minute deadline");
      assertTrue(t.getMessage().endsWith("(still not found after 40 s: it does not exist)"), t.getMessage());
      assertFalse(((BatonException) t).retryable());
      ctx.completeNow();
    })));
  }

  @Test
  void throttlingIsRetriedUntilTheDeadline(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger attempts = new AtomicInteger();
    alwaysFailing(vertx, ErrorCode.UNAVAILABLE, attempts).onComplete(ctx.failing(t -> ctx.verify(() -> {
      assertEquals(91, attempts.get(), "15 minutes of 10-second attempts, and the one past it");
      assertEquals(ErrorCode.UNAVAILABLE, ((BatonException) t).code());
      ctx.completeNow();
    })));
  }
}
