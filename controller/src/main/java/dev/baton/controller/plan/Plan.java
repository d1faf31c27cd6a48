package dev.baton.controller.plan;

import dev.baton.controller.provider.Scope;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What provisioning would change, in a stable order (creation order for creates and updates,
 * then deletes). {@code changes} holds every resource, unchanged ones included.
 *
 * @param kept live resources that would be deleted but are protected (kept unless --force)
 * @param calls cloud calls made to build the plan, by operation
 */
public record Plan(Scope scope, String provider, List<PlannedChange> changes, List<PlannedChange> kept,
    Map<String, Long> calls) {

  public List<PlannedChange> effective() {
    return changes.stream().filter(c -> c.action() != Action.NOOP).toList();
  }

  public boolean hasChanges() {
    return !effective().isEmpty();
  }

  public Map<Action, Integer> summary() {
    Map<Action, Integer> m = new EnumMap<>(Action.class);
    for (Action a : Action.values()) {
      m.put(a, 0);
    }
    changes.forEach(c -> m.merge(c.action(), 1, Integer::sum));
    return m;
  }
}
