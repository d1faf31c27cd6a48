package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.Suggest;
import dev.baton.controller.definition.model.ActionSpec;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.ConfigManagementKind;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code controller run DIR GROUP ACTION}: an action of the platform on every node of a group, through the agents. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run an action on every node of an autoscaling group, through the nodes' agents (no SSH), a batch"
        + " at a time, and print each node's result.",
        "ACTION is one of the platform's \"actions:\" (platform.yaml) or a built-in one: puppet-run (a Puppet run now,"
            + " in the group's environment) or facts (host name, OS, memory, load, uptime, disk). Nothing else: never"
            + " free-form shell that the platform does not define.",
        "Only READY nodes are asked; others are listed as skipped."},
    footer = {"", "Exit codes: 0 every asked node succeeded, 1 a node failed or did not answer (or the action could not"
        + " start), 64 wrong usage."})
final class RunCommand extends GroupCommand {
  @Parameters(index = "2", paramLabel = "ACTION", description = "The action: one of the platform's, puppet-run or facts.")
  String actionName;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1",
      description = "Nodes that run the action at the same time (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Seconds the action may run on a node (default: the action's timeout_seconds, 300, or 1800 for"
          + " puppet-run).")
  Integer timeout;

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    if (batchSize < 1) {
      throw BatonException.invalid("--batch-size must be at least 1");
    }
    Resource group = group(platform);
    JsonObject action = action(platform, group);
    ControllerClient client = runningController();
    JsonObject body = new JsonObject().put("customer", platform.spec().customer()).put("platform", platform.name())
        .put("env", platform.env()).put("group", group.uuid()).put("action", action).put("batch_size", batchSize);
    boolean json = output == OutputFormat.JSON;
    List<JsonObject> results = new ArrayList<>();
    JsonObject[] done = new JsonObject[1];
    long t0 = System.currentTimeMillis();
    client.stream("/api/v1/actions", body, line -> {
      if (line.containsKey("nodes") && !line.containsKey("node")) {
        if (!json) {
          t().err().println("Running " + actionName + " on " + line.getInteger("nodes") + " node"
              + (line.getInteger("nodes") == 1 ? "" : "s") + " of " + group.name() + ", " + batchSize + " at a time...");
        }
      } else if (line.getBoolean("done", false)) {
        done[0] = line;
      } else {
        results.add(line);
        if (!json) {
          t().err().println("  " + line.getString("node") + ": " + line.getString("status")
              + (line.getValue("exit_code") == null ? "" : " (exit " + line.getValue("exit_code") + ")"));
        }
      }
    });
    boolean ok = done[0] != null && results.stream().allMatch(r -> List.of("ok", "skipped").contains(r.getString("status")));
    if (json) {
      t().out().println(new JsonObject().put("group", group.name()).put("action", actionName)
          .put("results", new JsonArray(new ArrayList<>(results))).put("ok", ok).encodePrettily());
    } else {
      table(results);
      long failed = results.stream().filter(r -> !List.of("ok", "skipped").contains(r.getString("status"))).count();
      String took = PlanPrinter.duration(System.currentTimeMillis() - t0);
      t().out().println(done[0] == null ? t().red("Interrupted") + ": the controller ended the answer early"
          : failed == 0 ? t().green("Done") + ": " + actionName + " on " + results.size() + " node"
              + (results.size() == 1 ? "" : "s") + " in " + took
          : t().red("Failed") + " on " + failed + " of " + results.size() + " nodes (" + took + ")");
    }
    return ok ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** The action as the controller runs it, or a clear error naming the actions there are. */
  private JsonObject action(Platform platform, Resource group) {
    AutoscalingGroupSpec g = group.spec(AutoscalingGroupSpec.class);
    JsonObject a = new JsonObject().put("name", actionName);
    if (actionName.equals("facts")) {
      return a.put("type", "facts").put("timeout_seconds", timeout == null ? 60 : timeout);
    }
    if (actionName.equals("puppet-run")) {
      if (g.handoff().configManagement() != ConfigManagementKind.PUPPET) {
        throw BatonException.invalid("group " + group.name() + " is not handed off to Puppet (config_management: "
            + g.handoff().configManagement().yaml() + "), so puppet-run does not apply");
      }
      String environment = g.handoff().puppet() == null || g.handoff().puppet().environment() == null ? "production"
          : g.handoff().puppet().environment();
      return a.put("type", "puppet_run").put("environment", environment).put("timeout_seconds", timeout == null ? 1800
          : timeout);
    }
    ActionSpec spec = platform.spec().actions().get(actionName);
    if (spec == null) {
      TreeSet<String> known = new TreeSet<>(DefinitionLoader.BUILT_IN_ACTIONS);
      known.addAll(platform.spec().actions().keySet());
      throw BatonException.invalid("no action \"" + actionName + "\" in " + dir + "/platform.yaml (actions: "
          + String.join(", ", known) + ")" + Suggest.didYouMean(actionName, known)
          + "; define it under \"actions:\" to run it");
    }
    return a.put("type", "command").put("command", spec.command()).put("timeout_seconds", timeout != null ? timeout
        : spec.timeoutSeconds() == null ? 300 : spec.timeoutSeconds());
  }

  private void table(List<JsonObject> results) {
    if (results.isEmpty()) {
      t().out().println("No nodes in the group.");
      return;
    }
    int node = Math.max(4, results.stream().mapToInt(r -> r.getString("node").length()).max().orElse(0));
    String row = "%-" + node + "s %-20s %-6s ";
    t().out().println(String.format(row + "%-12s %-6s %s", "NODE", "INSTANCE", "BATCH", "RESULT", "EXIT", "OUTPUT"));
    for (JsonObject r : results) {
      String status = r.getString("status");
      String colored = status.equals("ok") ? t().green(String.format("%-12s", status))
          : status.equals("skipped") ? String.format("%-12s", status) : t().red(String.format("%-12s", status));
      String out = Terminal.safe(r.getString("summary") != null ? r.getString("summary") : lastLine(r.getString("output")));
      t().out().println(String.format(row, r.getString("node"), r.getString("instance"),
          r.getInteger("batch") == 0 ? "-" : r.getInteger("batch").toString()) + colored + " "
          + String.format("%-6s", r.getValue("exit_code") == null ? "-" : r.getValue("exit_code").toString()) + " " + out);
    }
  }

  private static String lastLine(String s) {
    if (s == null || s.isBlank()) {
      return "";
    }
    String[] lines = s.strip().split("\n");
    String l = lines[lines.length - 1];
    return l.length() > 100 ? l.substring(0, 97) + "..." : l;
  }
}
