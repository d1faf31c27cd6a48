package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.plan.Action;
import dev.baton.controller.plan.AttributeDiff;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlannedChange;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Providers;
import dev.baton.controller.provider.local.NodeLauncher;
import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code controller update-launch-template DIR GROUP [--roll]}: a new launch-template version from
 * the definition, the group switched to it (nothing terminated), and optionally a rolling
 * replacement of the instances launched from older versions.
 */
@Command(name = "update-launch-template", mixinStandardHelpOptions = true,
    description = {"Make a new launch-template version of an autoscaling group from its current definition (its"
        + " \"launch\") and switch the group to it. Running instances are not touched: new ones use the new version.",
        "With --roll, replace the instances launched from older versions, a batch at a time: the group first grows"
            + " by the batch (up to its max), waits until the new nodes are READY, then removes as many old ones."
            + " At its max, it replaces in place, never taking the group below its min.",
        "Only the group's launch template changes; other differences are left to \"controller provision\"."},
    footer = {"", "Exit codes: 0 done, 1 failed (a new node FAILED or was not READY in time: the roll stops, what was"
        + " replaced stays replaced; run again to continue), 64 wrong usage."})
final class UpdateLaunchTemplateCommand extends GroupCommand {
  @Option(names = "--roll", description = "Replace the instances launched from older versions, batch by batch.")
  boolean roll;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1",
      description = "Instances replaced at a time (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--health-wait", paramLabel = "SECONDS", defaultValue = "600",
      description = "How long new nodes of a batch have to become READY (default: ${DEFAULT-VALUE}).")
  int healthWait;

  @Option(names = {"--yes", "-y"}, description = "Do not ask for confirmation on a terminal.")
  boolean yes;

  @Override
  NodeLauncher launcher(Platform platform) throws Exception {
    group(platform); // a group that is not there is said before a controller is looked for or started
    return controllerLauncher(platform); // the template's user data carries the group's token
  }

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    if (batchSize < 1) {
      throw BatonException.invalid("--batch-size must be at least 1");
    }
    if (healthWait < 1) {
      throw BatonException.invalid("--health-wait must be at least 1 second");
    }
    Resource group = group(platform);
    try (PlatformLock lock = PlatformLock.acquire(Providers.home(), Planner.scopeOf(platform), "update-launch-template "
        + group.name(), dev.baton.controller.serve.ClusterLeases.of(Providers.home()))) {
      LiveResource live = live(platform, provider, group);
      Plan full = await(new Planner(provider, retry(vertx)).plan(platform));
      PlannedChange mine = full.changes().stream().filter(c -> group.uuid().equals(c.uuid())).findFirst().orElseThrow();
      List<AttributeDiff> launch = mine.diff().stream().filter(d -> d.attribute().equals("launch")).toList();
      String before = await(provider.templateVersion(live));
      if (mine.action() == Action.UPDATE && !launch.isEmpty()) {
        if (t().interactive() && !yes && !t().confirm("Make a new launch-template version of " + group.name()
            + " (now version " + before + ")?")) {
          t().err().println("Nothing was changed.");
          return ExitCodes.FAILED;
        }
        // only the group's launch: every other resource as it is (they resolve the group's references)
        List<PlannedChange> only = new ArrayList<>();
        for (PlannedChange c : full.changes()) {
          if (c == mine) {
            only.add(c.with(Action.UPDATE, launch, "a new launch-template version"));
          } else if (c.action() != Action.CREATE && c.live() != null) {
            only.add(c.with(Action.NOOP, List.of(), null));
          }
        }
        Engine.Report report = await(new Engine(provider, retry(vertx), 1, new Engine.Listener() { }, System::currentTimeMillis,
            "ult").apply(new Plan(full.scope(), full.provider(), only, List.of(), full.calls())));
        if (!report.ok()) {
          throw new BatonException(ErrorCode.UNAVAILABLE, "the new launch-template version failed: "
              + report.outcomes().stream().filter(o -> o.status() != Engine.Status.DONE).map(Engine.Outcome::message)
                  .findFirst().orElse("?"));
        }
        live = live(platform, provider, group);
      }
      String current = await(provider.templateVersion(live));
      if (output != OutputFormat.JSON) {
        t().out().println(current.equals(before) ? group.name() + ": the launch template already matches the definition"
            + " (version " + current + ")" : group.name() + ": launch template version " + current + " (was " + before
            + "); new instances use it, none was terminated");
        if (mine.diff().stream().anyMatch(d -> !d.attribute().equals("launch") && !d.attribute().equals("tags"))) {
          t().out().println("  other differences of the group are left to \"controller provision\"");
        }
      }
      JsonObject result = new JsonObject().put("group", group.name()).put("previous_version", before)
          .put("template_version", current);
      int code = ExitCodes.OK;
      if (roll) {
        code = roll(platform, provider, group, live, current, result);
      }
      if (output == OutputFormat.JSON) {
        t().out().println(result.encodePrettily());
      }
      return code;
    }
  }

  /** Replaces, a batch at a time, every instance launched from a version other than {@code current}. */
  private int roll(Platform platform, CloudProvider provider, Resource group, LiveResource live, String current,
      JsonObject result) throws Exception {
    ControllerClient client = runningController();
    List<String> replaced = new ArrayList<>();
    int batch = 0;
    while (true) {
      live = live(platform, provider, group);
      List<CloudProvider.GroupInstance> all = await(provider.groupInstances(live)).stream().filter(i -> !leaving(i)).toList();
      List<String> outdated = all.stream().filter(i -> !current.equals(i.templateVersion())).map(CloudProvider.GroupInstance::id)
          .toList();
      if (outdated.isEmpty()) {
        break;
      }
      int min = number(live.attributes().get("min"));
      int max = number(live.attributes().get("max"));
      int desired = live.attributes().get("desired") != null ? number(live.attributes().get("desired")) : min;
      int n = Math.min(batchSize, outdated.size());
      int surge = Math.min(n, max - desired);
      batch++;
      Set<String> known = new HashSet<>(all.stream().map(CloudProvider.GroupInstance::id).toList());
      List<String> old = outdated.subList(0, surge > 0 ? surge : Math.min(n, desired - min));
      if (old.isEmpty()) {
        throw new BatonException(ErrorCode.FAILED_PRECONDITION, "group " + group.name() + " is at its max (" + max
            + ") and its min (" + min + "): it can neither grow nor shrink to replace an instance; raise max or lower min");
      }
      long t0 = System.currentTimeMillis();
      if (surge > 0) {
        progress("batch " + batch + ": launching " + surge + " (desired " + desired + " -> " + (desired + surge) + ")");
        await(provider.setCapacity(live, null, desired + surge));
        List<String> fresh = waitReady(client, platform, provider, group, known, current, surge);
        progress("batch " + batch + ": " + String.join(", ", fresh) + " READY in " + PlanPrinter.duration(
            System.currentTimeMillis() - t0) + "; terminating " + String.join(", ", old));
        for (String id : old) {
          await(provider.terminateInGroup(live, id, true));
        }
      } else {
        // at max: replace in place, never below min
        progress("batch " + batch + ": at max " + max + "; terminating " + String.join(", ", old)
            + " for replacements");
        for (String id : old) {
          await(provider.terminateInGroup(live, id, false));
        }
        List<String> fresh = waitReady(client, platform, provider, group, known, current, old.size());
        progress("batch " + batch + ": " + String.join(", ", fresh) + " READY in " + PlanPrinter.duration(
            System.currentTimeMillis() - t0));
      }
      replaced.addAll(old);
    }
    result.put("replaced", new io.vertx.core.json.JsonArray(replaced));
    LiveResource after = live(platform, provider, group);
    var rows = InstancesCommand.rows(await(provider.groupInstances(after)), nodes(client, platform, group));
    result.put("instances", rows);
    if (output != OutputFormat.JSON) {
      t().out().println(t().green("Done") + ": " + replaced.size() + " instance" + (replaced.size() == 1 ? "" : "s")
          + " replaced in " + batch + " batch" + (batch == 1 ? "" : "es") + "; every instance runs version " + current);
      InstancesCommand.table(t(), rows, current);
    }
    return ExitCodes.OK;
  }

  /** Waits for {@code count} new instances of version {@code current} whose nodes are READY; fails on a FAILED one. */
  private List<String> waitReady(ControllerClient client, Platform platform, CloudProvider provider, Resource group,
      Set<String> known, String current, int count) throws Exception {
    long deadline = System.currentTimeMillis() + healthWait * 1000L;
    while (true) {
      LiveResource live = live(platform, provider, group);
      List<String> fresh = await(provider.groupInstances(live)).stream().filter(i -> !known.contains(i.id()) && !leaving(i)
          && current.equals(i.templateVersion())).map(CloudProvider.GroupInstance::id).toList();
      Map<String, JsonObject> nodes = nodes(client, platform, group);
      List<String> ready = new ArrayList<>();
      for (String id : fresh) {
        JsonObject n = nodes.get(id);
        if (n != null && "FAILED".equals(n.getString("state"))) {
          throw new BatonException(ErrorCode.FAILED_PRECONDITION, "new instance " + id + " (" + n.getString("name")
              + ") FAILED: " + Terminal.safe(n.getString("reason")) + "; the roll stopped (instances replaced so far stay replaced)");
        }
        if (n != null && "READY".equals(n.getString("state"))) {
          ready.add(id);
        }
      }
      if (ready.size() >= count) {
        return ready.subList(0, count);
      }
      if (System.currentTimeMillis() > deadline) {
        throw new BatonException(ErrorCode.DEADLINE_EXCEEDED, count + " new node" + (count == 1 ? " was" : "s were")
            + " not READY within " + healthWait + " s (" + ready.size() + " READY of " + fresh.size()
            + " launched); the roll stopped; see \"controller instances " + dir + " " + group.name() + "\"");
      }
      Thread.sleep(1000);
    }
  }

  private void progress(String line) {
    if (output != OutputFormat.JSON) {
      t().err().println("  " + line);
    }
  }

  private static int number(Object o) {
    return o instanceof Number n ? n.intValue() : 0;
  }
}
