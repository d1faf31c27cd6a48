package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.AutoscalingGroups.GroupInstance;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code controller instances DIR GROUP}: a group's instances as the cloud sees them, with their nodes. */
@Command(name = "instances", mixinStandardHelpOptions = true,
    description = {"List the instances of an autoscaling group: the cloud's view (lifecycle state, health, the"
        + " launch-template version each was launched from, * when it is not the group's current one) next to the"
        + " controller's (node name and state). Nothing is changed."},
    footer = {"", "Exit codes: 0 listed, 1 failed (no such group, not provisioned, cloud unreachable), 64 wrong usage."})
final class InstancesCommand extends GroupCommand {

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    Resource group = group(platform);
    LiveResource live = live(platform, provider, group);
    AutoscalingGroups groups = await(provider.require(AutoscalingGroups.class, "launch templates"));
    String current = await(groups.templateVersion(live));
    List<GroupInstance> instances = await(groups.groupInstances(live));
    Map<String, JsonObject> nodes = nodes(runningController(), platform, group);
    JsonArray rows = rows(instances, nodes);
    if (output == OutputFormat.JSON) {
      t().out().println(new JsonObject().put("group", group.name()).put("template_version", current)
          .put("min", live.attributes().get("min")).put("max", live.attributes().get("max"))
          .put("desired", live.attributes().get("desired") != null ? live.attributes().get("desired")
              : live.attributes().get("min")).put("instances", rows).encodePrettily());
      return ExitCodes.OK;
    }
    Object desired = live.attributes().get("desired") != null ? live.attributes().get("desired") : live.attributes().get("min");
    t().out().println(t().bold(group.name()) + ": " + instances.size() + " instance" + (instances.size() == 1 ? "" : "s")
        + " (min " + live.attributes().get("min") + ", desired " + desired + ", max " + live.attributes().get("max")
        + "), launch template version " + current);
    table(t(), rows, current);
    return ExitCodes.OK;
  }

  /** One row per instance: the cloud's view and the node's. */
  static JsonArray rows(List<GroupInstance> instances, Map<String, JsonObject> nodes) {
    JsonArray rows = new JsonArray();
    for (GroupInstance i : instances) {
      JsonObject n = nodes.get(i.id());
      rows.add(new JsonObject().put("instance", i.id()).put("state", i.state()).put("health", i.health())
          .put("template_version", i.templateVersion()).put("zone", i.zone())
          .put("node", n == null ? null : n.getString("name")).put("node_state", n == null ? null
              : dev.baton.controller.registry.NodeRecord.phaseOf(n))
          .put("reason", n == null ? null : n.getString("reason")));
    }
    return rows;
  }

  static void table(Terminal t, JsonArray rows, String current) {
    if (rows.isEmpty()) {
      t.out().println("No instances.");
      return;
    }
    int node = Math.max(4, rows.stream().mapToInt(o -> String.valueOf(((JsonObject) o).getString("node")).length()).max()
        .orElse(0));
    String row = "%-22s %-16s %-10s %-8s %-" + node + "s ";
    t.out().println(String.format(row + "%s", "INSTANCE", "STATE", "HEALTH", "VERSION", "NODE", "NODE STATE"));
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      String v = r.getString("template_version");
      String state = r.getString("node_state") == null ? "not registered" : r.getString("node_state");
      String colored = "READY".equals(state) ? t.green(state) : "FAILED".equals(state) ? t.red(state) : state;
      t.out().println(String.format(row, r.getString("instance"), r.getString("state"),
          r.getString("health"), (v == null ? "-" : v) + (v != null && !v.equals(current) ? "*" : ""),
          r.getString("node") == null ? "-" : r.getString("node")) + colored);
      if (r.getString("reason") != null && "FAILED".equals(state)) {
        t.out().println("    why: " + Terminal.safe(r.getString("reason")));
      }
    }
  }
}
