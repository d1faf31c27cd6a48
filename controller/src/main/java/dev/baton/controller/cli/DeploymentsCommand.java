package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.provider.CloudProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code controller deployments DIR [APP]}: the history of the platform's deployments. */
@Command(name = "deployments", mixinStandardHelpOptions = true,
    description = {"List the deployments of the platform's applications, newest first: who, when, which revision,"
        + " the outcome; with --node-results, each node's result."},
    footer = {"", "Exit codes: 0 listed, 1 no controller runs, 64 wrong usage."})
final class DeploymentsCommand extends ApplicationCommand {
  @Parameters(index = "1", arity = "0..1", paramLabel = "APP", description = "Only this application.")
  String onlyApp;

  @Option(names = "--node-results", description = "Each node's result under each deployment.")
  boolean nodes;

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) {
    if (onlyApp != null) {
      appName = onlyApp;
      application(platform);
    }
    List<JsonObject> all = history(runningController(), platform, onlyApp);
    if (output == OutputFormat.JSON) {
      t().out().println(new JsonObject().put("deployments", new JsonArray(new ArrayList<>(all))).encodePrettily());
      return ExitCodes.OK;
    }
    if (all.isEmpty()) {
      t().out().println("No deployments of " + (onlyApp == null ? platform.qualifiedName() : onlyApp) + " yet.");
      return ExitCodes.OK;
    }
    String row = "%-24s %-12s %-12s %-12s %-20s %-22s %s";
    t().out().println(String.format(row, "DEPLOYMENT", "APPLICATION", "REVISION", "STATUS", "BY", "STARTED", "NODES"));
    for (JsonObject d : all) {
      JsonObject r = d.getJsonObject("request");
      JsonObject n = d.getJsonObject("nodes", new JsonObject());
      long ok = n.stream().filter(e -> "ok".equals(((JsonObject) e.getValue()).getString("status"))).count();
      String status = d.getString("status");
      String colored = status.equals("succeeded") ? t().green(String.format("%-12s", status))
          : status.equals("running") || status.equals("rolling_back") ? String.format("%-12s", status)
          : t().red(String.format("%-12s", status));
      t().out().println(String.format("%-24s %-12s %-12s ", d.getString("id"), r.getJsonObject("application")
          .getString("name"), r.getString("revision")) + colored + String.format(" %-20s %-22s %s",
          Terminal.safe(d.getString("by"), 20), started(d.getString("started")), ok + "/" + n.size() + " ok"));
      if (d.getString("reason") != null) {
        t().out().println("    reason: " + Terminal.safe(dev.baton.common.text.NodeText.oneLine(d.getString("reason"), 300)));
      }
      if (nodes) {
        List<JsonObject> lines = new ArrayList<>();
        n.forEach(e -> lines.add(((JsonObject) e.getValue()).copy().put("node", ((JsonObject) e.getValue())
            .getString("name")).put("instance", e.getKey())));
        DeployCommand.table(t(), lines);
      }
    }
    return ExitCodes.OK;
  }

  /** A start time to the second (the store keeps it to the nanosecond). */
  /** An instant as the CLI's tables show it: to the second ({@code -} for none). */
  static String started(String instant) {
    if (instant == null) {
      return "-";
    }
    try {
      return java.time.Instant.parse(instant).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    } catch (RuntimeException e) {
      return String.valueOf(instant);
    }
  }
}
