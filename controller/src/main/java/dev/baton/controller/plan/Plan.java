package dev.baton.controller.plan;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.Scope;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What provisioning would change, in a stable order (creation order for creates and updates,
 * then deletes). {@code changes} holds every resource, unchanged ones included.
 *
 * @param kept live resources that would be deleted but are protected (kept unless --force)
 * @param calls cloud calls made to build the plan, by operation
 * @param unchecked kinds the cloud would not list (permission denied, an API not available), with why:
 *     nothing of theirs is known, so nothing of theirs is planned
 * @param offHours when the environment is inside its off-hours (its groups planned at zero): until when and
 *     what that means; null otherwise
 */
public record Plan(Scope scope, String provider, List<PlannedChange> changes, List<PlannedChange> kept,
    Map<String, Long> calls, Map<ResourceKind, String> unchecked, String offHours) {

  public Plan(Scope scope, String provider, List<PlannedChange> changes, List<PlannedChange> kept,
      Map<String, Long> calls) {
    this(scope, provider, changes, kept, calls, Map.of(), null);
  }

  public Plan(Scope scope, String provider, List<PlannedChange> changes, List<PlannedChange> kept,
      Map<String, Long> calls, Map<ResourceKind, String> unchecked) {
    this(scope, provider, changes, kept, calls, unchecked, null);
  }

  /** The resources of the definitions whose kind could not be read: not checked, and left as they are. */
  public List<PlannedChange> notChecked() {
    return changes.stream().filter(c -> c.resource() != null && unchecked.containsKey(c.kind())).toList();
  }

  public List<PlannedChange> effective() {
    return changes.stream().filter(c -> c.action() != Action.NOOP).toList();
  }

  public boolean fullyChecked() {
    return unchecked.isEmpty();
  }

  public boolean hasChanges() {
    return !effective().isEmpty();
  }

  public Map<Action, Integer> summary() {
    Map<Action, Integer> m = new EnumMap<>(Action.class);
    for (Action a : Action.values()) {
      m.put(a, 0);
    }
    // what was not checked is not "unchanged": it is counted by notChecked()
    changes.stream().filter(c -> !(c.resource() != null && unchecked.containsKey(c.kind())))
        .forEach(c -> m.merge(c.action(), 1, Integer::sum));
    return m;
  }
}
