package dev.baton.controller.plan;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/** At most N asynchronous operations at once; the rest wait in order. Thread-safe. */
final class Limiter {
  private final int permits;
  private int inUse;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();

  Limiter(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.permits = permits;
  }

  <T> Future<T> run(Supplier<Future<T>> op) {
    return acquire().compose(v -> {
      Future<T> f;
      try {
        f = op.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      return f.andThen(ar -> release());
    });
  }

  private synchronized Future<Void> acquire() {
    if (inUse < permits) {
      inUse++;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiting.add(p);
    return p.future();
  }

  private void release() {
    Promise<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inUse--;
      }
    }
    if (next != null) {
      next.complete();
    }
  }
}
