package dev.baton.controller.plan;

import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.LiveResource;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One step of a plan.
 *
 * @param resource the definition, or null for a live resource that is no longer defined
 * @param live the live resource, or null when there is none
 * @param desired desired attributes (references as Refs), or null for a delete
 * @param dependsOn UUIDs this resource needs to exist first (strong references, depends_on)
 * @param weakDependsOn UUIDs named by rules that may point back (security groups)
 * @param reason why, in words, when the diff alone does not say it
 */
public record PlannedChange(Action action, ResourceKind kind, String name, String uuid, Resource resource,
    LiveResource live, Map<String, Object> desired, List<AttributeDiff> diff, Set<String> dependsOn,
    Set<String> weakDependsOn, String reason) {

  public String address() {
    return kind.yaml() + "/" + name;
  }

  public PlannedChange with(Action a, List<AttributeDiff> d, String why) {
    return new PlannedChange(a, kind, name, uuid, resource, live, desired, d, dependsOn, weakDependsOn, why);
  }
}
