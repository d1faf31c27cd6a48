package dev.baton.controller.cli;

import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code controller nodes [NAME]}: nodes and their phases, from the controller's API. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
    description = {"List the nodes the controller knows, with their state and phase timings; with NAME, one node's"
        + " whole timeline. A failed node says why in one line."})
final class NodesCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "A node's name or instance ID.")
  String name;

  @Option(names = "--platform", paramLabel = "NAME", description = "Only this platform's nodes.")
  String platform;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
  OutputFormat output;

  @Override
  public Integer call() {
    ControllerClient client = main.access().require();
    Terminal t = main.terminal;
    if (name != null) {
      JsonObject n = client.get("/api/v1/nodes/" + name);
      if (output == OutputFormat.JSON) {
        t.out().println(n.encodePrettily());
      } else {
        printOne(t, n);
      }
      return ExitCodes.OK;
    }
    JsonArray nodes = client.get("/api/v1/nodes" + (platform == null ? "" : "?platform=" + platform))
        .getJsonArray("nodes");
    if (output == OutputFormat.JSON) {
      t.out().println(new JsonObject().put("nodes", nodes).encodePrettily());
    } else {
      table(t, nodes.stream().map(JsonObject.class::cast).toList());
    }
    return ExitCodes.OK;
  }

  /** The table provision prints at the end too. */
  static void table(Terminal t, List<JsonObject> nodes) {
    if (nodes.isEmpty()) {
      t.out().println("No nodes.");
      return;
    }
    int name = Math.max(14, nodes.stream().mapToInt(n -> n.getString("name").length()).max().orElse(0));
    int instance = Math.max(22, nodes.stream().mapToInt(n -> n.getString("id").length()).max().orElse(0));
    int platform = Math.max(18, nodes.stream().mapToInt(n -> (n.getString("platform") + (n.getString("environment") == null ? ""
        : "/" + n.getString("environment"))).length()).max().orElse(0));
    String row = "%-" + name + "s %-" + instance + "s %-" + platform + "s ";
    t.out().println(String.format(row + "%-11s %s", "NODE", "INSTANCE", "PLATFORM", "STATE", "PHASES"));
    for (JsonObject n : nodes) {
      String state = n.getString("state");
      String colored = state.equals("READY") ? t.green(pad(state)) : state.equals("FAILED") ? t.red(pad(state)) : pad(state);
      StringBuilder phases = new StringBuilder();
      for (Object o : n.getJsonArray("timeline", new JsonArray())) {
        JsonObject p = (JsonObject) o;
        if (p.getValue("millis") != null && !p.getString("phase").equals(state)) {
          phases.append(p.getString("phase").toLowerCase()).append(' ').append(PlanPrinter.duration(p.getLong("millis")))
              .append("  ");
        } else if (p.getValue("end") == null && p.getString("start") != null) {
          // the phase under way: for how long (a node LAUNCHED for minutes has not registered)
          long ms = java.time.Duration.between(java.time.Instant.parse(p.getString("start")), java.time.Instant.now())
              .toMillis();
          phases.append(p.getString("phase").toLowerCase()).append(" for ").append(PlanPrinter.duration(Math.max(0, ms)))
              .append("  ");
        }
      }
      String env = n.getString("environment");
      t.out().println(String.format(row, n.getString("name"), n.getString("id"),
          n.getString("platform") + (env == null ? "" : "/" + env)) + colored + " " + phases.toString().trim());
      if (n.getString("reason") != null) {
        t.out().println(" ".repeat(name + 1) + "why: " + Terminal.safe(n.getString("reason")));
      }
    }
  }

  private static String pad(String s) {
    return String.format("%-11s", s); // HANDING_OFF
  }

  private static void printOne(Terminal t, JsonObject n) {
    t.out().println(t.bold(n.getString("name")) + " (" + n.getString("id") + ") of " + n.getString("platform") + ": "
        + n.getString("state") + (n.getString("step") == null ? "" : " (" + n.getString("step") + ")"));
    if (n.getString("reason") != null) {
      t.out().println("  why: " + Terminal.safe(n.getString("reason")));
    }
    for (Object o : n.getJsonArray("timeline", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      Long ms = p.getLong("millis");
      t.out().println(String.format("  %-15s %s  %s%s", p.getString("phase"), p.getString("start"),
          ms == null ? "running" : PlanPrinter.duration(ms), p.getString("outcome") == null ? "" : "  " + p.getString("outcome")));
    }
    JsonObject h = n.getJsonObject("handoff");
    if (h != null) {
      if (h.getString("master") != null) {
        t.out().println("  master: " + h.getString("master") + "   certname: " + h.getString("certname"));
      }
      JsonObject runs = h.getJsonObject("runs", new JsonObject());
      for (String phase : runs.fieldNames()) {
        JsonObject r = runs.getJsonObject(phase);
        t.out().println(String.format("  %-15s exit %d in %s on %s: %s", phase, r.getInteger("exit_code"), r.getString(
            "environment"), r.getString("master"), Terminal.safe(r.getString("summary"))));
      }
      if (!h.getJsonArray("deferred_clean", new JsonArray()).isEmpty()) {
        t.out().println("  to clean once back up: " + h.getJsonArray("deferred_clean").encode());
      }
    }
  }
}
