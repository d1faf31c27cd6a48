package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code controller tokens} and {@code controller history} as an operator runs them against a
 * running controller: a provision and a destroy are in the history with who ran them; tokens are
 * made, listed without their secret, and revoked; bad input is a usage error that changes nothing.
 */
class AccessCliIT {
  static final Path SOURCE = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/local-demo");
  @TempDir
  Path home;
  @TempDir
  Path demo;
  ControllerFixture controller;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("baton.home", home.toString());
    Files.copy(SOURCE.resolve("platform.yaml"), demo.resolve("platform.yaml"));
    Files.copy(SOURCE.resolve("network.yaml"), demo.resolve("network.yaml")); // no instances: no nodes to wait for
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults());
  }

  @AfterEach
  void stop() {
    controller.close();
    System.clearProperty("baton.home");
  }

  @Test
  void provisionAndDestroyAreInTheHistoryAndTokensAreMadeListedAndRevoked() {
    assertEquals(0, CliRun.of("provision", "--yes", demo.toString()).exitCode());
    assertEquals(0, CliRun.of("provision", "--yes", demo.toString()).exitCode(), "nothing to change: not a change");
    CliRun made = CliRun.of("tokens", "create", "demo-ci", "--role", "operate", "--customer", "demo", "--expires-in", "30d");
    assertEquals(0, made.exitCode(), made.err());
    String secret = made.out().strip();
    assertTrue(secret.startsWith("bt_") && !secret.contains("\n"), "only the token on standard output: " + made.out());
    assertTrue(made.err().contains("Token demo-ci (operate, demo, expires "), made.err());
    CliRun list = CliRun.of("tokens", "list");
    assertEquals(0, list.exitCode());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("demo-ci") && l.contains("operate") && l.contains("demo")
        && l.endsWith("active")), list.out());
    assertFalse(list.out().contains(secret));
    CliRun revoke = CliRun.of("tokens", "revoke", "demo-ci");
    assertEquals(0, revoke.exitCode(), revoke.err());
    assertTrue(CliRun.of("tokens", "list").out().lines().anyMatch(l -> l.startsWith("demo-ci") && l.contains("revoked")));
    assertEquals(0, CliRun.of("destroy", "--yes", demo.toString()).exitCode());

    CliRun history = CliRun.of("history", "--output", "json");
    assertEquals(0, history.exitCode(), history.err());
    JsonArray entries = new JsonObject(history.out()).getJsonArray("entries");
    var kinds = entries.stream().map(JsonObject.class::cast).map(e -> e.getString("what") + ":" + e.getString("who")
        + ":" + e.getString("outcome")).toList();
    assertEquals(java.util.List.of("provision:admin:ok", "tokens.create:admin:ok", "tokens.revoke:admin:ok",
        "destroy:admin:ok"), kinds);
    JsonObject provision = entries.getJsonObject(0);
    assertEquals("demo", provision.getString("customer"));
    assertEquals("local-demo", provision.getString("platform"));
    assertTrue(provision.getString("detail").matches("\\d+ applied, 0 failed, 0 skipped"), provision.encode());
    CliRun text = CliRun.of("history", "--customer", "demo", "--since", "1h");
    assertEquals(0, text.exitCode());
    assertTrue(text.out().lines().anyMatch(l -> l.contains(" admin ") && l.contains("provision")
        && l.contains("demo/local-demo")), text.out());
    assertTrue(text.out().contains("tokens.create") && text.out().contains("tokens.revoke"), "a token of the customer"
        + " is the customer's: " + text.out());
    assertTrue(CliRun.of("history", "--customer", "globex").out().contains("No changes recorded that match."));
  }

  @Test
  void aNamedTokenOnTheControllersHostActsAsItselfAndIsHeldToItsRole() throws Exception {
    assertEquals(0, CliRun.of("provision", "--yes", demo.toString()).exitCode());
    Path file = home.resolve("auditor.token");
    Files.writeString(file, CliRun.of("tokens", "create", "auditor", "--role", "read", "--customer", "demo").out());
    String token = "--token-file=" + file;
    CliRun dashboard = CliRun.of(token, "dashboard");
    assertTrue(dashboard.out().strip().endsWith("#token=" + Files.readString(file).strip()), "the given token, never"
        + " the built-in admin's: " + dashboard.out());
    CliRun destroy = CliRun.of(token, "destroy", "--yes", demo.toString());
    assertEquals(1, destroy.exitCode());
    assertTrue(destroy.err().contains("token auditor has the role read") && destroy.err().contains("Nothing was changed"),
        destroy.err());
    assertEquals(0, CliRun.of("audit", demo.toString()).exitCode(), "every resource still there");
    CliRun make = CliRun.of(token, "tokens", "create", "mine", "--role", "admin", "--customer", "demo");
    assertEquals(1, make.exitCode());
    assertTrue(make.err().contains("needs admin"), make.err());
    CliRun history = CliRun.of(token, "history", "--output", "json");
    assertEquals(0, history.exitCode(), history.err());
    assertTrue(new JsonObject(history.out()).getJsonArray("entries").stream().map(JsonObject.class::cast)
        .anyMatch(e -> "auditor".equals(e.getString("who")) && "tokens.create".equals(e.getString("what"))
            && "refused".equals(e.getString("outcome"))), history.out());
    assertTrue(new JsonObject(history.out()).getJsonArray("entries").stream().map(JsonObject.class::cast)
        .anyMatch(e -> "auditor".equals(e.getString("who")) && "destroy".equals(e.getString("what"))
            && "refused".equals(e.getString("outcome"))), history.out());
    assertEquals(0, CliRun.of("destroy", "--yes", demo.toString()).exitCode(), "the built-in admin may");
  }

  @Test
  void badInputIsAUsageErrorAndChangesNothing() {
    CliRun noRole = CliRun.of("tokens", "create", "x");
    assertEquals(1, noRole.exitCode());
    assertTrue(noRole.err().contains("--role read|operate|admin"), noRole.err());
    CliRun badRole = CliRun.of("tokens", "create", "x", "--role", "root");
    assertTrue(badRole.err().contains("the roles are read, operate and admin"), badRole.err());
    CliRun badTtl = CliRun.of("tokens", "create", "x", "--role", "read", "--expires-in", "soon");
    assertTrue(badTtl.err().contains("--expires-in takes a number and a unit"), badTtl.err());
    CliRun badName = CliRun.of("tokens", "create", "Bad Name", "--role", "read");
    assertTrue(badName.err().contains("a token name is"), badName.err());
    CliRun unknown = CliRun.of("tokens", "revoke", "nobody");
    assertEquals(1, unknown.exitCode());
    assertTrue(unknown.err().contains("no token named \"nobody\""), unknown.err());
    CliRun since = CliRun.of("history", "--since", "yesterday");
    assertEquals(1, since.exitCode());
    assertTrue(since.err().contains("--since takes an instant"), since.err());
    assertTrue(CliRun.of("tokens", "list").out().lines().count() == 1, "no token was made");
  }
}
