package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.groups.RollingReplacement;
import dev.baton.controller.plan.Action;
import dev.baton.controller.plan.AttributeDiff;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlannedChange;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.provider.local.NodeLauncher;
import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
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
        + group.name(), main.access().leases())) {
      LiveResource live = live(platform, provider, group);
      Plan full = await(new Planner(provider, retry(vertx)).plan(platform));
      PlannedChange mine = full.changes().stream().filter(c -> group.uuid().equals(c.uuid())).findFirst().orElseThrow();
      List<AttributeDiff> launch = mine.diff().stream().filter(d -> d.attribute().equals("launch")).toList();
      AutoscalingGroups groups = await(provider.require(AutoscalingGroups.class, "launch templates"));
      String before = await(groups.templateVersion(live));
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
      String current = await(groups.templateVersion(live));
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
        code = roll(platform, provider, groups, group, current, result);
      }
      if (output == OutputFormat.JSON) {
        t().out().println(result.encodePrettily());
      }
      return code;
    }
  }

  /** Replaces, a batch at a time, every instance launched from a version other than {@code current}. */
  private int roll(Platform platform, CloudProvider provider, AutoscalingGroups groups, Resource group, String current,
      JsonObject result) throws Exception {
    ControllerClient client = runningController();
    RollingReplacement.Outcome done;
    try {
      done = new RollingReplacement(groups, group.name(), () -> live(platform, provider, group),
          () -> nodes(client, platform, group), this::progress, batchSize, java.time.Duration.ofSeconds(healthWait),
          System::currentTimeMillis, Thread::sleep).roll(current);
    } catch (BatonException e) {
      throw e.code() == ErrorCode.DEADLINE_EXCEEDED ? new BatonException(e.code(), e.getMessage() + "; see \"controller"
          + " instances " + dir + " " + group.name() + "\"") : e;
    }
    result.put("replaced", new io.vertx.core.json.JsonArray(done.replaced()));
    LiveResource after = live(platform, provider, group);
    var rows = InstancesCommand.rows(await(groups.groupInstances(after)), nodes(client, platform, group));
    result.put("instances", rows);
    if (output != OutputFormat.JSON) {
      int n = done.replaced().size();
      t().out().println(t().green("Done") + ": " + n + " instance" + (n == 1 ? "" : "s") + " replaced in "
          + done.batches() + " batch" + (done.batches() == 1 ? "" : "es") + "; every instance runs version " + current);
      InstancesCommand.table(t(), rows, current);
    }
    return ExitCodes.OK;
  }

  private void progress(String line) {
    if (output != OutputFormat.JSON) {
      t().err().println("  " + line);
    }
  }


}
