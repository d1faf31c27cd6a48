package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controller deploy DIR APP --revision REV}: one revision of an application onto its nodes, through the agents. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = {"Release a revision of an application onto the nodes of its groups and instances, through the nodes'"
        + " agents (no SSH), a batch at a time, and print each node's result.",
        "The controller fetches the revision's archive once from the application's source, checks its SHA-256 and"
            + " serves it to the nodes over its TLS. Each node unpacks it into releases/REV, runs the hooks, switches"
            + " current and validates. The first node that fails stops the deployment: it goes back to its previous"
            + " release on its own, and every node already on the new revision is sent back too (rolled_back).",
        "One deployment of an application and environment at a time, in the whole cluster: a second is refused with"
            + " the holder."},
    footer = {"", "Exit codes: 0 every node runs the revision, 1 the deployment failed or was rolled back (or was"
        + " refused before any node changed), 64 wrong usage."})
final class DeployCommand extends ApplicationCommand {
  @picocli.CommandLine.Parameters(index = "1", paramLabel = "APP", description = "The name of an application of the platform.")
  void app(String name) {
    appName = name;
  }

  @Option(names = "--revision", paramLabel = "REV", required = true,
      description = "The revision: the name of its archive in the source ({revision} in source.url or source.s3), a git commit, tag or branch.")
  String revision;

  @Option(names = "--batch", paramLabel = "N|P%",
      description = "Nodes changed at a time: a number, or a share of the nodes such as 25%% (default: the application's batch).")
  String batch;

  @Option(names = "--sha256", paramLabel = "HEX",
      description = "The archive's SHA-256, when the source has no sha256_url or its S3 object no SHA-256 checksum of its"
          + " own (an archive that differs is refused).")
  String sha256;

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) {
    Resource app = application(platform);
    return deploy(platform, app, revision, batch, sha256, "Deploying");
  }

  /** Deploys and prints; shared with rollback. */
  int deploy(Platform platform, Resource app, String rev, String batchSize, String digest, String verb) {
    ControllerClient client = runningController();
    JsonObject body = request(platform, app, rev, batchSize, digest);
    boolean json = output == OutputFormat.JSON;
    List<JsonObject> results = new ArrayList<>();
    JsonObject[] done = new JsonObject[1];
    String[] id = new String[1];
    long t0 = System.currentTimeMillis();
    client.stream("/api/v1/deployments", body, line -> {
      if (line.getBoolean("started", false)) {
        id[0] = line.getString("deployment");
      } else if (line.containsKey("batches")) {
        id[0] = line.getString("deployment");
        if (!json) {
          t().err().println(verb + " " + app.name() + " " + rev + " to " + line.getInteger("nodes") + " node"
              + (line.getInteger("nodes") == 1 ? "" : "s") + ", " + line.getInteger("batch_size") + " at a time ("
              + line.getInteger("batches") + " batch" + (line.getInteger("batches") == 1 ? "" : "es") + ")...");
        }
      } else if (line.getBoolean("rollback", false)) {
        if (!json) {
          t().err().println(t().red("A node failed") + ": " + Terminal.safeLines(line.getString("reason"), 300, "    ")
              + "\n  " + (line.getInteger("nodes", 0) == 0 ? "no other node had changed yet"
              : "sending " + line.getInteger("nodes") + " node" + (line.getInteger("nodes") == 1 ? "" : "s")
                  + " back to the release before..."));
        }
      } else if (line.getBoolean("done", false)) {
        done[0] = line;
      } else if (line.containsKey("node")) {
        results.removeIf(r -> r.getString("instance").equals(line.getString("instance")));
        results.add(line);
        if (!json) {
          t().err().println("  batch " + line.getValue("batch") + " " + line.getString("node") + ": "
              + line.getString("status") + (line.getString("release") == null ? "" : ", runs " + line.getString("release")));
        }
      }
    });
    String status = done[0] == null ? "interrupted" : done[0].getString("status");
    boolean ok = "succeeded".equals(status);
    if (json) {
      t().out().println(new JsonObject().put("deployment", id[0]).put("application", app.name()).put("revision", rev)
          .put("status", status).put("reason", done[0] == null ? null : done[0].getString("reason"))
          .put("nodes", new JsonArray(new ArrayList<>(results))).encodePrettily());
    } else {
      table(t(), results);
      String took = PlanPrinter.duration(System.currentTimeMillis() - t0);
      t().out().println(done[0] == null ? t().red("Interrupted") + ": the controller ended the answer early; the"
          + " deployment goes on when a controller runs again (follow it with: controller deployments " + dir + " "
          + app.name() + ")"
          : ok ? t().green("Done") + ": " + app.name() + " " + rev + " runs on " + results.size() + " node"
              + (results.size() == 1 ? "" : "s") + " (" + took + ", deployment " + id[0] + ")"
          : t().red(status.equals("rolled_back") ? "Rolled back" : "Failed") + ": "
              + Terminal.safeLines(done[0].getString("reason"), 600, "    ") + "\n  (" + took + ", deployment " + id[0] + ")");
    }
    return ok ? ExitCodes.OK : ExitCodes.FAILED;
  }

  static void table(Terminal t, List<JsonObject> results) {
    if (results.isEmpty()) {
      t.out().println("No READY node runs the application's groups or instances.");
      return;
    }
    int node = Math.max(4, results.stream().mapToInt(r -> r.getString("node").length()).max().orElse(0));
    String row = "%-" + node + "s %-20s %-5s ";
    t.out().println(String.format(row + "%-14s %-10s %s", "NODE", "INSTANCE", "BATCH", "RESULT", "RELEASE", "OUTPUT"));
    for (JsonObject r : results) {
      String status = r.getString("status");
      String colored = status.equals("ok") ? t.green(String.format("%-14s", status)) : t.red(String.format("%-14s", status));
      String out = r.getString("output") == null ? "" : r.getString("output").strip();
      out = out.contains("\n") ? out.substring(out.lastIndexOf('\n') + 1) : out;
      t.out().println(String.format(row, r.getString("node"), r.getString("instance"), String.valueOf(r.getValue("batch")))
          + colored + " " + String.format("%-10s", r.getString("release") == null ? "-" : r.getString("release")) + " "
          + Terminal.safe(out, 120));
    }
  }
}
