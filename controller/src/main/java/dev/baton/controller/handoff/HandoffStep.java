package dev.baton.controller.handoff;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * One named step of a hand-off: what it runs, how long it may keep being retried, and what a
 * failed attempt means. The orchestrator records the step in the node's timeline under its name,
 * so names are upper-case words ({@code SIGN}, {@code FINAL_RUN}) and unique within a
 * configuration manager.
 *
 * @param name the step's name in the node's timeline, its metrics and the hand-off's saved state
 * @param deadline how long after the step's first attempt a retry may still start
 * @param run one attempt (a failed future is a failed attempt)
 * @param recovery what a failed attempt means; may block (it is called on a worker)
 */
public record HandoffStep(String name, Duration deadline, Run run, Recovery recovery) {

  /** One attempt of a step. */
  @FunctionalInterface
  public interface Run {
    Future<Void> attempt(Handoff h);
  }

  /** What follows a failed attempt. */
  public enum Next {
    /** Try the step again after a backoff, while its deadline allows. */
    RETRY,
    /** Start the hand-off over from its first step (for Puppet: the node's master was lost). */
    RESTART,
    /** End the hand-off: the node is FAILED with the failure's message. */
    FAIL
  }

  /** Decides what a failed attempt means; may block. */
  @FunctionalInterface
  public interface Recovery {
    Next after(Handoff h, Throwable failure);
  }

  /** The usual meaning: a passing failure ({@code UNAVAILABLE}) is retried, any other ends the hand-off. */
  public static final Recovery RETRY_UNAVAILABLE = (h, failure) -> retryable(failure) ? Next.RETRY : Next.FAIL;

  public HandoffStep {
    if (name == null || !name.matches("[A-Z][A-Z0-9_]*")) {
      throw new IllegalArgumentException("a hand-off step's name is upper-case words: " + name);
    }
  }

  /** A step whose passing failures are retried and whose other failures end the hand-off. */
  public static HandoffStep of(String name, Duration deadline, Run run) {
    return new HandoffStep(name, deadline, run, RETRY_UNAVAILABLE);
  }

  /** The same step with another meaning of its failures. */
  public HandoffStep recovering(Recovery r) {
    return new HandoffStep(name, deadline, run, r);
  }

  /** True for a failure that may pass: the agent or a master did not answer. */
  public static boolean retryable(Throwable failure) {
    return failure instanceof BatonException b && b.code() == ErrorCode.UNAVAILABLE;
  }
}
