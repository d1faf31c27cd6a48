package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code controller history}: who changed what through the controller. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = {"Who changed what through the controller, oldest first: when, the operator token's name, from"
        + " which address, what (provision, destroy, deploy, run, intents, join_token, node.terminate, tokens.create,"
        + " tokens.revoke, puppet.master, hooks.test), its target, the outcome, and the plan applied.",
        "Kept across restarts and on every controller of a cluster; entries are appended, never rewritten.",
        "A token limited to a customer sees that customer's entries only."},
    footer = {"", "Exit codes: 0 listed, 1 refused or no controller runs, 64 wrong usage."})
final class HistoryCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Option(names = "--customer", paramLabel = "CUSTOMER", description = "Only this customer's entries.")
  String customer;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only entries from then on: an instant (2026-12-01T09:00:00Z), a date (2026-12-01) or an age (7d, 12h).")
  String since;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
      description = "At most the N newest entries (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
  OutputFormat output;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw BatonException.invalid("--limit must be at least 1");
    }
    StringBuilder q = new StringBuilder("/api/v1/history?limit=" + limit);
    if (customer != null) {
      q.append("&customer=").append(URLEncoder.encode(customer, StandardCharsets.UTF_8));
    }
    if (since != null) {
      q.append("&since=").append(sinceInstant(since, Instant.now()));
    }
    JsonArray entries = main.access().require().get(q.toString()).getJsonArray("entries");
    Terminal t = main.terminal;
    if (output == OutputFormat.JSON) {
      t.out().println(new JsonObject().put("entries", entries).encodePrettily());
      return ExitCodes.OK;
    }
    if (entries.isEmpty()) {
      t.out().println("No changes recorded" + (customer != null || since != null ? " that match." : " yet."));
      return ExitCodes.OK;
    }
    String row = "%-20s %-16s %-15s %-15s %-28s %-8s %s";
    t.out().println(String.format(row, "WHEN", "WHO", "FROM", "WHAT", "PLATFORM", "OUTCOME", "TARGET"));
    for (Object o : entries) {
      JsonObject e = (JsonObject) o;
      String platform = e.getString("platform") == null ? "-" : e.getString("customer") + "/" + e.getString("platform")
          + (e.getString("env") == null ? "" : "/" + e.getString("env"));
      String outcome = e.getString("outcome");
      String shown = String.format("%-8s", outcome);
      t.out().println(String.format("%-20s %-16s %-15s %-15s %-28s ", e.getString("at").substring(0, 19).replace('T', ' '),
          Terminal.safe(e.getString("who"), 16), Terminal.safe(e.getString("from"), 15), e.getString("what"),
          Terminal.safe(platform, 28)) + ("ok".equals(outcome) ? t.green(shown) : t.red(shown)) + " " + rest(e));
    }
    return ExitCodes.OK;
  }

  /** The target, the plan a provision applied, and a word on how it went. */
  private static String rest(JsonObject e) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (e.getString("target") != null) {
      parts.add(Terminal.safe(e.getString("target"), 60));
    }
    String plan = e.getString("plan_digest");
    if (plan != null) {
      parts.add("plan " + Terminal.safe(plan.substring(0, Math.min(19, plan.length()))));
    }
    if (e.getString("detail") != null) {
      parts.add("(" + Terminal.safe(e.getString("detail"), 80) + ")");
    }
    return String.join(" ", parts);
  }

  /** An instant, a date (midnight UTC) or an age back from {@code now}. */
  static Instant sinceInstant(String s, Instant now) {
    try {
      if (s.matches("\\d+[smhd]")) {
        return now.minus(TokensCommand.ttl(s));
      }
      if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
        return java.time.LocalDate.parse(s).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw BatonException.invalid("--since takes an instant (2026-12-01T09:00:00Z), a date (2026-12-01) or an age"
          + " (7d, 12h); got \"" + s + "\"");
    }
  }
}
