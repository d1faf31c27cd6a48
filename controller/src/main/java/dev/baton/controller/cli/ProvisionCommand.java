package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.Providers;
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
            + " runs, and provision waits until every node is READY (or FAILED), then prints them."},
    footer = {"", "Exit codes: 0 done (every node READY), 1 failed or refused, 64 wrong usage."})
final class ProvisionCommand extends PlatformCommand {
  @Option(names = {"--yes", "-y"}, description = "Do not ask for confirmation on a terminal.")
  boolean yes;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "10",
      description = "Resources applied at the same time (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "300",
      description = "How long to wait for nodes to be READY (default: ${DEFAULT-VALUE}; 0: do not wait).")
  int waitSeconds;

  private boolean willWait;

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

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    int code;
    try (PlatformLock lock = PlatformLock.acquire(Providers.home(), Planner.scopeOf(platform), "provision")) {
      if (lock.previousHolder() != null && main.debug) {
        t().err().println("took over a stale lock (" + lock.previousHolder() + ")");
      }
      Plan plan = await(new Planner(provider, retry(vertx)).plan(platform));
      willWait = controller != null && waitSeconds > 0;
      code = confirmAndApply(vertx, provider, plan, "Provisioning", yes, parallelism, "Apply these changes?",
          "Nothing to change.", r -> r.count(Engine.Status.DONE) + " changes applied");
    }
    if (code == ExitCodes.OK) {
      announce(platform, "platform.provisioned", new JsonObject().put("summary", "the platform matches its definition"));
    }
    if (code != ExitCodes.OK || !willWait) {
      if (willWait && output == OutputFormat.JSON) {
        t().out().println(jsonResult.encodePrettily());
      }
      return code;
    }
    return waitForNodes(platform);
  }

  /** Follows the platform's nodes until each is READY or FAILED; prints changes, then a table. */
  private int waitForNodes(Platform platform) throws InterruptedException {
    Set<String> uuids = platform.ofKind(ResourceKind.INSTANCE).stream().map(Resource::uuid).collect(Collectors.toSet());
    long deadline = System.currentTimeMillis() + waitSeconds * 1000L;
    Map<String, String> seen = new HashMap<>();
    List<JsonObject> mine = List.of();
    if (output != OutputFormat.JSON) {
      t().err().println("Waiting for " + uuids.size() + " node" + (uuids.size() == 1 ? "" : "s") + " to be READY...");
    }
    while (System.currentTimeMillis() < deadline) {
      JsonArray all = controller.get("/api/v1/nodes?platform=" + platform.name()).getJsonArray("nodes");
      Map<String, JsonObject> latest = new HashMap<>();
      for (Object o : all) {
        JsonObject n = (JsonObject) o;
        if (uuids.contains(n.getString("uuid")) && java.util.Objects.equals(platform.env(), n.getString("environment"))
            && !n.getString("state").equals("TERMINATED")) {
          latest.merge(n.getString("uuid"), n, (a, b) -> a.getString("updated").compareTo(b.getString("updated")) >= 0 ? a : b);
        }
      }
      mine = new ArrayList<>(latest.values());
      mine.sort((a, b) -> a.getString("name").compareTo(b.getString("name")));
      for (JsonObject n : mine) {
        String key = n.getString("id");
        if (!n.getString("state").equals(seen.put(key, n.getString("state"))) && output != OutputFormat.JSON) {
          t().err().println("  " + n.getString("name") + " (" + key + "): " + n.getString("state")
              + (n.getString("reason") == null ? "" : " - " + n.getString("reason")));
        }
      }
      boolean done = mine.size() == uuids.size() && mine.stream().allMatch(n -> Set.of("READY", "FAILED")
          .contains(n.getString("state")));
      if (done) {
        break;
      }
      Thread.sleep(300);
    }
    boolean allReady = mine.size() == uuids.size() && mine.stream().allMatch(n -> n.getString("state").equals("READY"));
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
