package dev.baton.controller.intent;

import dev.baton.controller.definition.Scope;
import java.util.List;

/**
 * What {@code provision} registers with the controller for one platform's environment: each node's
 * intent, where its cloud nodes reach the controller, its cloud, and its off-hours schedule.
 *
 * @param schedule the environment's off-hours, or null: none (a schedule registered before is removed)
 */
public record PlatformIntents(Scope scope, List<NodeIntent> nodes, List<String> endpoints, Schedule schedule,
    CloudIntent cloud) {

  public PlatformIntents {
    nodes = List.copyOf(nodes);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** Stop and start times (cron), in a time zone (UTC when the definitions name none). */
  public record Schedule(String stop, String start, String timeZone) {
    public Schedule {
      timeZone = timeZone == null ? "UTC" : timeZone;
    }
  }

  /** Each node's intent as the controller keeps it: told its platform's cloud and endpoints. */
  public List<NodeIntent> placedNodes() {
    return nodes.stream().map(n -> n.placed(cloud, endpoints)).toList();
  }
}
