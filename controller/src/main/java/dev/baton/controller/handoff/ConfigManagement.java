package dev.baton.controller.handoff;

import java.nio.file.Path;
import java.util.List;

/**
 * A configuration-management tool that attested nodes are handed off to: the named steps a node
 * goes through ({@link HandoffStep}), and its care of nodes over their lives. The orchestrator
 * records each step in the node's timeline, retries, restarts or fails as the step's recovery
 * says, skips the steps a node has completed (a restarted controller resumes), and marks the node
 * READY after the last.
 *
 * <p>Configuration managers are found with {@link java.util.ServiceLoader} through their
 * {@link Factory}: a new one (Salt, say) is a package of its own with a
 * {@code META-INF/services/dev.baton.controller.handoff.ConfigManagement$Factory} line, and needs no
 * change elsewhere. Shipped: {@code puppet} (a Puppet master's CA signs; see {@code handoff.puppet}),
 * {@code shell} (bootstrap and final commands from the definitions) and {@code none}.
 */
public interface ConfigManagement {
  /** The name in the definitions' {@code config_management}. */
  String kind();

  /** The node's steps, in order, between ATTESTED and READY. May block. */
  List<HandoffStep> steps(Handoff h);

  /** The hand-off ended, READY or not. Blocking. */
  default void finished(Handoff h, boolean ready) {}

  /** A node is gone for good: whatever this tool keeps of it is removed. Blocking. */
  default void forget(String nodeId) {}

  /**
   * Periodic care (health checks, work deferred while a server was down), every health interval.
   * Blocking.
   *
   * @param leader true on the one controller of a cluster that does the cluster-wide work
   */
  default void upkeep(boolean leader) {}

  /** What a configuration manager is made from on a controller. */
  record Context(io.vertx.core.Vertx vertx, Path home, HandoffStore store) {}

  /** Makes a configuration manager; listed in {@code META-INF/services} to be found. */
  interface Factory {
    ConfigManagement create(Context context);
  }
}
