package dev.baton.controller.handoff;

import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * A configuration-management tool that attested nodes are handed off to: the phases a node goes
 * through and how each is run. The orchestrator records each phase in the node's timeline,
 * retries a phase that failed with {@code UNAVAILABLE} until its deadline, ends the hand-off on
 * any other failure (a refusal, a failed run), skips the phases a node has completed (a restarted
 * controller resumes), and starts over from the first phase when {@link #restart} says so.
 *
 * <p>Shipped: {@code puppet} (a Puppet master's CA signs; see {@code handoff.puppet}),
 * {@code shell} (bootstrap and final commands from the definitions) and {@code none}.
 */
public interface ConfigManagement {
  /** The name in the definitions' {@code config_management}. */
  String kind();

  /** The node's phases, in order, between ATTESTED and READY. */
  List<NodeState> phases(Handoff h);

  /**
   * Runs one phase. A failed future carrying a {@code BatonException} with code
   * {@code UNAVAILABLE} is retried; any other failure ends the hand-off with its message.
   */
  Future<Void> run(NodeState phase, Handoff h);

  /** How long a phase may keep being retried. */
  default Duration deadline(NodeState phase) {
    return Duration.ofMinutes(10);
  }

  /**
   * After a failed attempt: whether the hand-off starts over from its first phase (for Puppet,
   * when the node's master is no longer healthy and another is to be chosen). May block.
   */
  default boolean restart(NodeState phase, Handoff h, Throwable failure) {
    return false;
  }

  /** The hand-off ended, READY or not. */
  default void finished(Handoff h, boolean ready) {}
}
