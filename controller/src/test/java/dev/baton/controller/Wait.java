package dev.baton.controller;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, failing after a deadline: tests never sleep a fixed time. */
public final class Wait {
  private Wait() {}

  /** Why {@code f} failed (waiting up to 30 s), or "succeeded". */
  public static String failureOf(io.vertx.core.Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      return "succeeded";
    } catch (Exception e) {
      return e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
    }
  }

  public static void until(BooleanSupplier ok, int seconds) {
    until(ok, seconds, "condition");
  }

  /** @param what what is awaited, for the failure: "the first hook takes the event" */
  public static void until(BooleanSupplier ok, int seconds, String what) {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (!ok.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + " not met in " + seconds + " s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
