package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Parameters;

/** What the commands on one autoscaling group share: the group's definition, its live group, its nodes. */
abstract class GroupCommand extends PlatformCommand {
  @Parameters(index = "1", paramLabel = "GROUP", description = "The name of an autoscaling_group of the platform.")
  String groupName;

  /** The group's definition, or a clear error naming the groups there are. */
  Resource group(Platform platform) {
    return platform.find(ResourceKind.AUTOSCALING_GROUP, groupName).orElseThrow(() -> {
      List<String> names = platform.ofKind(ResourceKind.AUTOSCALING_GROUP).stream().map(Resource::name).toList();
      return BatonException.invalid("no autoscaling_group named \"" + groupName + "\" in " + dir + " (its groups: "
          + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
    });
  }

  /** The live group, or a clear error when it was never provisioned. */
  LiveResource live(Platform platform, CloudProvider provider, Resource group) throws Exception {
    return await(provider.findOne(ResourceKind.AUTOSCALING_GROUP, Planner.scopeOf(platform), group.uuid()))
        .orElseThrow(() -> new BatonException(ErrorCode.FAILED_PRECONDITION, "autoscaling group " + group.name()
            + " is not provisioned" + (env == null ? "" : " in environment " + env) + "; run \"controller provision "
            + dir + (env == null ? "" : " --env " + env) + "\" first"));
  }

  /** The running controller (it knows the nodes), or a clear error. */
  ControllerClient runningController() {
    return main.access().require();
  }

  /** The group's nodes as the controller knows them, by instance ID (the latest record of each). */
  Map<String, JsonObject> nodes(ControllerClient client, Platform platform, Resource group) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (Object o : client.get("/api/v1/nodes?platform=" + platform.name()).getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      if (group.uuid().equals(n.getString("uuid")) && Objects.equals(platform.env(), n.getString("environment"))) {
        out.merge(n.getString("id"), n, (a, b) -> a.getString("updated").compareTo(b.getString("updated")) >= 0 ? a : b);
      }
    }
    return out;
  }

  /** Instances on their way out (not counted, not acted on). */
  static boolean leaving(AutoscalingGroups.GroupInstance i) {
    return dev.baton.controller.groups.RollingReplacement.leaving(i);
  }
}
