package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code controller tokens create|list|revoke}: the operator tokens of the API, by name. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
    description = {"Operator tokens of the controller's API, issued and revoked by name (needs an admin token).",
        "  create NAME --role read|operate|admin [--customer C] [--expires-in 90d]",
        "              prints the new token once; only its SHA-256 is kept",
        "  list        every token: customer, role, created, expires, revoked (never the secret)",
        "  revoke NAME the token opens nothing from now on, on every controller of the cluster",
        "read sees; operate also provisions, destroys, deploys and runs; admin also manages tokens and the Puppet"
            + " masters' certificates. A token with --customer sees and changes that customer's platforms only.",
        "The token made at first start (BATON_HOME/controller/operator-token) is the built-in admin."},
    footer = {"", "Exit codes: 0 done, 1 refused or failed, 64 wrong usage."})
final class TokensCommand implements Callable<Integer> {
  private static final Pattern TTL = Pattern.compile("(\\d+)([smhd])");

  @ParentCommand
  ControllerMain main;

  @Parameters(index = "0", paramLabel = "ACTION", description = "create, list or revoke")
  String action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The token's name (create, revoke).")
  String name;

  @Option(names = "--role", paramLabel = "ROLE", description = "read, operate or admin (create).")
  String role;

  @Option(names = "--customer", paramLabel = "CUSTOMER",
      description = "Limit the token to this customer's platforms (create; default: every customer).")
  String customer;

  @Option(names = "--expires-in", paramLabel = "DURATION", defaultValue = "90d",
      description = "How long the token opens the API: 30d, 12h, 45m (create; default: ${DEFAULT-VALUE}).")
  String expiresIn;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
  OutputFormat output;

  @Override
  public Integer call() {
    Terminal t = main.terminal;
    switch (action) {
      case "create" -> {
        if (name == null || role == null) {
          throw BatonException.invalid("tokens create needs a NAME and --role read|operate|admin");
        }
        JsonObject made = main.access().require().post("/api/v1/operator-tokens", new JsonObject().put("name", name)
            .put("role", role).put("customer", customer).put("ttl_seconds", ttl(expiresIn).toSeconds()));
        if (output == OutputFormat.JSON) {
          t.out().println(made.encodePrettily());
        } else {
          t.err().println("Token " + name + " (" + made.getString("role") + ", " + scope(made) + ", expires "
              + DeploymentsCommand.started(made.getString("expires")) + "); shown once, keep it now:");
          t.out().println(made.getString("token"));
        }
        return ExitCodes.OK;
      }
      case "list" -> {
        JsonArray all = main.access().require().get("/api/v1/operator-tokens").getJsonArray("tokens");
        if (output == OutputFormat.JSON) {
          t.out().println(new JsonObject().put("tokens", all).encodePrettily());
          return ExitCodes.OK;
        }
        String row = "%-24s %-8s %-16s %-22s %-22s %s";
        t.out().println(String.format(row, "NAME", "ROLE", "CUSTOMER", "CREATED", "EXPIRES", "STATE"));
        for (Object o : all) {
          JsonObject e = (JsonObject) o;
          String state = e.getString("revoked") != null ? "revoked " + DeploymentsCommand.started(e.getString("revoked"))
              : java.time.Instant.parse(e.getString("expires")).isBefore(java.time.Instant.now()) ? "expired" : "active";
          t.out().println(String.format(row, e.getString("name"), e.getString("role"), scope(e),
              DeploymentsCommand.started(e.getString("created")), DeploymentsCommand.started(e.getString("expires")), state));
        }
        return ExitCodes.OK;
      }
      case "revoke" -> {
        if (name == null) {
          throw BatonException.invalid("tokens revoke needs the NAME of a token");
        }
        JsonObject e = main.access().require().post("/api/v1/operator-tokens/" + name + "/revoke", new JsonObject());
        if (output == OutputFormat.JSON) {
          t.out().println(e.encodePrettily());
        } else {
          t.out().println("Token " + name + " revoked (" + DeploymentsCommand.started(e.getString("revoked")) + ").");
        }
        return ExitCodes.OK;
      }
      default -> throw BatonException.invalid("unknown action \"" + action + "\"; expected create, list or revoke");
    }
  }

  private static String scope(JsonObject e) {
    return e.getString("customer") == null ? "every customer" : e.getString("customer");
  }

  /** {@code 90d}, {@code 12h}, {@code 45m}, {@code 30s}. */
  static Duration ttl(String s) {
    Matcher m = TTL.matcher(s == null ? "" : s.trim());
    if (!m.matches()) {
      throw BatonException.invalid("--expires-in takes a number and a unit: 90d, 12h, 45m or 30s (got \"" + s + "\")");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
