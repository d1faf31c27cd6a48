package dev.baton.controller.notify;

import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import java.util.Map;

/** Which changes of a node the hooks announce: reaching REGISTERED, READY, FAILED or TERMINATED. */
public final class NodeEvents {
  private static final Map<NodeState, String> TYPES = Map.of(NodeState.REGISTERED, Event.NODE_REGISTERED,
      NodeState.READY, Event.NODE_READY, NodeState.FAILED, Event.NODE_FAILED, NodeState.TERMINATED, Event.NODE_TERMINATED);

  private NodeEvents() {}

  /** The event of the change from {@code before} (null: a new node) to {@code after}, or null when none is announced. */
  public static Event of(NodeRecord before, NodeRecord after) {
    String type = TYPES.get(after.state());
    if (type == null || before != null && before.state() == after.state()) {
      return null;
    }
    return Event.of(type, after.platform(), after.customer(), after.env(), after.toJson());
  }

  /** True when the change makes the node {@code state} (it was not before). */
  public static boolean entered(NodeRecord before, NodeRecord after, NodeState state) {
    return after.state() == state && (before == null || before.state() != state);
  }
}
