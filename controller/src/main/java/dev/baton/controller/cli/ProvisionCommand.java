package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.plan.SavedPlan;
import dev.baton.controller.plan.SavedPlanCheck;
import dev.baton.controller.plan.Targets;
import java.nio.file.Path;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.provider.local.NodeLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controller provision DIR}: makes the live platform match its definition. */
@Command(name = "provision", mixinStandardHelpOptions = true,
    description = {"Create, update, replace and delete resources until the live platform matches its definition.",
        "Idempotent: a second run changes nothing. Safe to re-run after a crash: it converges, never duplicates.",
        "One provisioning of a platform at a time; a second one is refused with who holds the lock.",
        "On the local provider, instances are agent processes: a controller is started in the background if none"
            + " runs, and provision waits until every node is READY (or FAILED), then prints them.",
        "With --plan, applies exactly a plan saved by 'plan --out' (DIR may be left out: the plan records it), and"
            + " refuses, changing nothing, when the definitions or the live resources it changes have moved since."},
    footer = {"", "Exit codes: 0 done (every node READY), 1 failed or refused, 64 wrong usage (an unknown --target too)."})
final class ProvisionCommand extends PlatformCommand {
  @Option(names = {"--yes", "-y"}, description = "Do not ask for confirmation on a terminal.")
  boolean yes;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "10",
      description = "Resources applied at the same time (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "300",
      description = "How long to wait for nodes to be READY (default: ${DEFAULT-VALUE}; 0: do not wait).")
  int waitSeconds;

  @Option(names = "--plan", paramLabel = "PLAN",
      description = "Apply exactly the plan saved in PLAN by 'plan --out', and no other change; refused if the"
          + " definitions, or the live resources it changes, are no longer what it was computed from.")
  Path planFile;

  @Option(names = "--target", paramLabel = "KIND/NAME|FILE",
      description = "Apply only this resource, or every resource of this definition file, and what it depends on;"
          + " then list the other changes, still pending. Repeatable.")
  List<String> targets = new ArrayList<>();

  private boolean willWait;

  /** The plan of --plan, read before the definitions (it may say where they are). */
  private SavedPlan saved;

  /**
   * DIR may be left out when --plan names the plan (it records its directory): the platform
   * commands share DIR as a required parameter, so provision's is relaxed when the CLI is built.
   */
  static void dirOptional(picocli.CommandLine cmd) {
    var spec = cmd.getCommandSpec();
    var dir = spec.positionalParameters().get(0);
    spec.remove(dir);
    // a new spec, not a copy: a copy keeps the old one's capacity, and the synopsis would still say DIR is required
    spec.addPositional(picocli.CommandLine.Model.PositionalParamSpec.builder().index("0").arity("0..1")
        .paramLabel(dir.paramLabel()).type(String.class).getter(dir.getter()).setter(dir.setter())
        .description("The platform directory (holds platform.yaml); with --plan it may be left out.").build());
  }

  @Override
  void prepare() {
    var cmd = spec.commandLine();
    if (planFile == null) {
      if (dir == null) {
        throw new picocli.CommandLine.ParameterException(cmd, "Missing required parameter: 'DIR' (or --plan PLAN)");
      }
      return;
    }
    if (!targets.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(cmd, "--target cannot be given with --plan: a saved plan"
          + " applies the targets it was computed for");
    }
    saved = SavedPlan.read(planFile, planFile.toString());
    if (dir == null) {
      dir = saved.directory();
    } else if (!samePlace(Path.of(dir), Path.of(saved.directory()))) {
      throw new picocli.CommandLine.ParameterException(cmd, planFile + " is a plan of " + saved.directory() + " ("
          + saved.scope() + "), not of " + dir);
    }
    if (env == null) {
      env = saved.scope().env();
    } else if (!env.equals(saved.scope().env())) {
      throw new picocli.CommandLine.ParameterException(cmd, planFile + " is a plan of " + saved.scope()
          + ", not of environment " + env);
    }
  }

  private static boolean samePlace(Path a, Path b) {
    try {
      return a.toRealPath().equals(b.toRealPath());
    } catch (java.io.IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }

  /** With nodes to wait for, the JSON answer waits too: one object with the apply report and the nodes. */
  @Override
  void printJsonResult() {
    if (!willWait) {
      super.printJsonResult();
    }
  }

  @Override
  NodeLauncher launcher(Platform platform) throws Exception {
    return controllerLauncher(platform);
  }

  private String offHoursNote;

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    int code;
    try (PlatformLock lock = PlatformLock.acquire(Providers.home(), Planner.scopeOf(platform), "provision",
        main.access().leases())) {
      if (lock.previousHolder() != null && main.debug) {
        t().err().println("took over a stale lock (" + lock.previousHolder() + ")");
      }
      Targets chosen = Planning.targets(platform, saved != null ? saved.targets() : targets, spec.commandLine());
      if (saved != null && !saved.scope().equals(Planner.scopeOf(platform))) {
        throw dev.baton.common.error.BatonException.invalid(planFile + " is a plan of " + saved.scope() + " (customer "
            + saved.scope().customer() + "), not of " + Planner.scopeOf(platform) + "; nothing was changed");
      }
      Plan observed = await(new Planner(provider, retry(vertx)).plan(platform));
      Planning.Result computed = Planning.of(platform, observed, chosen);
      Plan plan = computed.plan();
      if (saved != null) {
        List<String> moved = SavedPlanCheck.moved(saved, computed.saved(), observed);
        if (!moved.isEmpty()) {
          return refuse(moved);
        }
      }
      String digest = saved != null ? saved.digest() : computed.saved().digest();
      appliedDigest = digest;
      jsonExtra.put("plan_digest", digest).put("targets", new JsonArray(new ArrayList<>(computed.saved().targets())))
          .put("pending", Planning.pendingJson(computed.pending()));
      if (saved != null && output != OutputFormat.JSON) {
        t().out().println("Applying the saved plan " + planFile + " (" + digest + "): it still holds.");
      }
      pending = computed.pending();
      if (!plan.notChecked().isEmpty()) {
        // what could not be read may exist: creating it could make a second one
        if (output == OutputFormat.JSON) {
          t().out().println(JsonErrors.of(new dev.baton.common.error.BatonException(
              dev.baton.common.error.ErrorCode.PERMISSION_DENIED, plan.notChecked().size() + " resources of the"
              + " definitions could not be read from the cloud (" + String.join(", ", plan.unchecked().keySet().stream()
              .map(k -> k.yaml()).toList()) + "); nothing was changed")).encodePrettily());
        } else {
          new PlanPrinter(plan).printPlan(t(), plan, "Provisioning");
        }
        t().err().println("provision: " + t().red("error") + ": " + plan.notChecked().size() + " resource"
            + (plan.notChecked().size() == 1 ? "" : "s") + " of the definitions could not be read from the cloud ("
            + String.join(", ", plan.unchecked().keySet().stream().map(k -> k.yaml()).toList()) + "); give the"
            + " credentials the read permissions docs/aws.md lists, then run again. Nothing was changed.");
        return ExitCodes.FAILED;
      }
      // inside off-hours the nodes are stopped (or soon are) and the groups at zero: nothing to wait for
      willWait = controller != null && waitSeconds > 0 && plan.offHours() == null;
      if (controller != null && waitSeconds > 0 && plan.offHours() != null && output != OutputFormat.JSON) {
        offHoursNote = "Not waiting for the nodes: " + plan.scope() + " is " + plan.offHours().substring(0,
            plan.offHours().indexOf(':')) + ".";
      }
      code = confirmAndApply(vertx, provider, plan, "Provisioning", yes, parallelism, "Apply these changes?",
          
          "Nothing to change.", r -> r.count(Engine.Status.DONE) + (r.count(Engine.Status.DONE) == 1 ? " change"
              : " changes") + " applied");
    }
    if (output != OutputFormat.JSON) {
      Planning.printPending(t(), pending);
    }
    if (offHoursNote != null) {
      t().err().println(offHoursNote);
    }
    if (code == ExitCodes.OK) {
      announce(platform, "platform.provisioned", new JsonObject().put("summary", "the platform matches its definition"));
    }
    if (code != ExitCodes.OK || !willWait) {
      if (willWait && output == OutputFormat.JSON) {
        t().out().println(jsonResult != null ? jsonResult.encodePrettily() : JsonErrors.of(new dev.baton.common.error
            .BatonException(dev.baton.common.error.ErrorCode.FAILED_PRECONDITION, "not confirmed; nothing was changed"))
            .encodePrettily());
      }
      return code;
    }
    return waitForNodes(platform, provider);
  }

  /** The digest of the plan this run applies: the saved plan's, or that of the plan it computed. */
  private String appliedDigest;

  @Override
  String planDigest(Plan plan) {
    return appliedDigest;
  }

  /** Not before the saved plan is checked, the token allowed and the changes confirmed: a refusal changes nothing. */
  @Override
  boolean intentsAtLaunch() {
    return false;
  }

  @Override
  String historyTarget() {
    List<String> t = saved != null ? saved.targets() : targets;
    return t == null || t.isEmpty() ? null : "--target " + String.join(" --target ", t);
  }

  /** What --target leaves for later: listed after the result, and not waited for. */
  private List<dev.baton.controller.plan.PlannedChange> pending = List.of();

  /** The saved plan no longer holds: what moved, and that nothing was changed. */
  private int refuse(List<String> moved) {
    String head = planFile + " (" + saved.digest() + ") no longer holds: " + moved.size() + " thing"
        + (moved.size() == 1 ? "" : "s") + " moved since it was computed";
    if (output == OutputFormat.JSON) {
      JsonObject e = JsonErrors.of(new dev.baton.common.error.BatonException(
          dev.baton.common.error.ErrorCode.FAILED_PRECONDITION, head + "; nothing was changed"));
      e.getJsonObject("error").put("moved", new JsonArray(new ArrayList<>(moved))).put("plan_digest", saved.digest());
      t().out().println(e.encodePrettily());
    }
    t().err().println("provision: " + t().red("error") + ": " + head + ":");
    moved.forEach(m -> t().err().println("  - " + m));
    recordHistory(saved.scope(), "refused", saved.digest(), head + ": " + String.join("; ", moved));
    t().err().println("Nothing was changed. Compute the plan again (\"controller plan " + dir + (env == null ? ""
        : " --env " + env) + saved.targets().stream().map(x -> " --target " + x).collect(Collectors.joining())
        + " --out " + planFile + "\"), review it, and apply that one.");
    return ExitCodes.FAILED;
  }

  /**
   * Follows the platform's nodes until each is READY or FAILED — its instances, and as many nodes
   * of each group as the group wants — printing each change, then a table.
   */
  private int waitForNodes(Platform platform, CloudProvider provider) throws Exception {
    Set<String> uuids = new java.util.HashSet<>(platform.ofKind(ResourceKind.INSTANCE).stream().map(Resource::uuid)
        .collect(Collectors.toSet()));
    Map<String, Integer> groups = new HashMap<>();
    for (Resource g : platform.ofKind(ResourceKind.AUTOSCALING_GROUP)) {
      var spec = g.spec(dev.baton.controller.definition.model.AutoscalingGroupSpec.class);
      groups.put(g.uuid(), spec.desired() != null ? spec.desired() : spec.min());
    }
    // what --target left pending is not waited for: its nodes may not even exist
    for (var p : pending) {
      uuids.remove(p.uuid());
      groups.remove(p.uuid());
    }
    int expected = uuids.size() + groups.values().stream().mapToInt(Integer::intValue).sum();
    long deadline = System.currentTimeMillis() + waitSeconds * 1000L;
    Map<String, String> seen = new HashMap<>();
    List<JsonObject> mine = List.of();
    if (output != OutputFormat.JSON) {
      t().err().println("Waiting for " + expected + " node" + (expected == 1 ? "" : "s") + " to be READY...");
    }
    boolean allReady = false;
    Set<String> inGroups = new java.util.HashSet<>();
    long listed = 0;
    while (System.currentTimeMillis() < deadline) {
      if (!groups.isEmpty() && System.currentTimeMillis() - listed > 3000) {
        // a node counts for its group only while the cloud has its instance in the group
        inGroups.clear();
        for (Resource g : platform.ofKind(ResourceKind.AUTOSCALING_GROUP)) {
          var live = await(provider.findOne(ResourceKind.AUTOSCALING_GROUP, Planner.scopeOf(platform), g.uuid()));
          if (live.isPresent()) {
            await(provider.require(AutoscalingGroups.class, "listing a group's instances")
                .compose(asg -> asg.groupInstances(live.get()))).stream().filter(i -> !GroupCommand.leaving(i))
                .forEach(i -> inGroups.add(i.id()));
          }
        }
        listed = System.currentTimeMillis();
      }
      JsonArray all = controller.get("/api/v1/nodes?platform=" + platform.name()).getJsonArray("nodes");
      Map<String, JsonObject> latest = new HashMap<>();
      List<JsonObject> members = new ArrayList<>();
      for (Object o : all) {
        JsonObject n = (JsonObject) o;
        if (!java.util.Objects.equals(platform.env(), n.getString("environment")) || n.getString("state").equals("TERMINATED")) {
          continue;
        }
        if (uuids.contains(n.getString("uuid"))) {
          latest.merge(n.getString("uuid"), n, (x, y) -> x.getString("updated").compareTo(y.getString("updated")) >= 0 ? x : y);
        } else if (groups.containsKey(n.getString("uuid")) && inGroups.contains(n.getString("id"))) {
          members.add(n);
        }
      }
      mine = new ArrayList<>(latest.values());
      mine.addAll(members);
      mine.sort((x, y) -> x.getString("name").compareTo(y.getString("name")));
      for (JsonObject n : mine) {
        String key = n.getString("id");
        String phase = dev.baton.controller.registry.NodeRecord.phaseOf(n); // each hand-off step too
        if (!phase.equals(seen.put(key, phase)) && output != OutputFormat.JSON) {
          t().err().println("  " + n.getString("name") + " (" + key + "): " + phase
              + (n.getString("reason") == null ? "" : " - " + Terminal.safe(n.getString("reason"))));
        }
      }
      Set<String> terminal = Set.of("READY", "FAILED");
      boolean instancesDone = latest.size() == uuids.size() && latest.values().stream().allMatch(n -> terminal.contains(
          n.getString("state")));
      boolean groupsDone = groups.entrySet().stream().allMatch(g -> members.stream().filter(n -> g.getKey().equals(
          n.getString("uuid")) && terminal.contains(n.getString("state"))).count() >= g.getValue())
          && members.stream().allMatch(n -> terminal.contains(n.getString("state")));
      allReady = instancesDone && groupsDone && mine.stream().allMatch(n -> n.getString("state").equals("READY"));
      if (instancesDone && groupsDone) {
        break;
      }
      Thread.sleep(300);
    }
    if (output == OutputFormat.JSON) {
      t().out().println(jsonResult.put("nodes", new JsonArray(new ArrayList<>(mine))).put("ready", allReady)
          .encodePrettily());
    } else {
      NodesCommand.table(t(), mine);
      if (!allReady) {
        t().out().println(t().red("Not every node is READY") + (System.currentTimeMillis() >= deadline
            ? " after " + waitSeconds + " s" : "") + "; \"controller nodes NAME\" shows a node's timeline.");
      }
    }
    return allReady ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
