package dev.baton.controller.provider;

import dev.baton.controller.definition.Scope;
import io.vertx.core.Future;

/**
 * The A records of a group's nodes, which the controller writes when a node is READY and removes
 * when it is terminated. They are not resources of the platform: plans never list them. Optional: a
 * provider implements it when its cloud has DNS; callers ask for it with {@link CloudProvider#require}.
 */
public interface NodeDns {

  /**
   * Writes the A record of a group's node ({@code name} to {@code address}) in {@code zone}, marked as
   * the node's so that nothing else is ever removed in its name, and that plans do not list it.
   */
  Future<Void> upsertNodeRecord(Scope scope, String zone, String name, String address, String instanceId);

  /** Removes the A record of a node, if it is the node's; succeeds when there is none. */
  Future<Void> deleteNodeRecord(Scope scope, String zone, String name, String instanceId);
}
