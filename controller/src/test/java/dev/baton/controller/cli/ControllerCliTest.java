package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: help, version, usage errors, output formats. */
class ControllerCliTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "validate", "plan", "provision", "audit", "destroy", "serve", "stop", "nodes", "new",
      "schema", "dashboard", "hooks", "puppet-ca", "instances", "update-launch-template", "run", "deploy", "deployments",
      "rollback"})
  void everyCommandHasHelp(String command) {
    java.io.PrintStream err = System.err;
    var warnings = new java.io.ByteArrayOutputStream();
    CliRun run;
    try {
      System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
      run = command.isEmpty() ? CliRun.of("--help") : CliRun.of(command, "--help");
    } finally {
      System.setErr(err);
    }
    assertEquals(0, run.exitCode());
    assertTrue(run.out().startsWith("Usage: controller"), run.out());
    // picocli formats descriptions: a lone % (such as "25%") prints a warning and the raw text
    assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8), "help printed without warnings");
  }

  @Test
  void versionIsPrinted() {
    CliRun run = CliRun.of("--version");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().matches("(?s)baton controller \\d+\\.\\d+\\.\\d+.*"), run.out());
  }

  @Test
  void everySubcommandPrintsTheVersion() {
    for (String sub : List.of("plan", "serve", "hooks", "puppet-ca")) {
      CliRun run = CliRun.of(sub, "--version");
      assertEquals(0, run.exitCode(), sub);
      assertTrue(run.out().startsWith("baton controller "), sub + ": " + run.out());
    }
  }

  @Test
  void aMistypedOptionIsTheOnlyThingReportedWithTheNearestOption() {
    CliRun run = CliRun.of("plan", "--evn", "dev", "examples/local-demo");
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertEquals("controller: unknown option '--evn'; did you mean --env?\nRun 'controller plan --help' for usage.\n",
        run.err());
    assertTrue(CliRun.of("provision", "--outptu=json", "x").err().contains("unknown option '--outptu'; did you mean"
        + " --output?"));
    assertEquals("controller: unknown option '--zzzzzz'\nRun 'controller plan --help' for usage.\n",
        CliRun.of("plan", "--zzzzzz", "x").err());
    CliRun json = CliRun.of("plan", "--output", "json", "--evn", "dev", "x");
    assertEquals(ExitCodes.USAGE, json.exitCode());
    assertEquals("unknown option '--evn'; did you mean --env?", new io.vertx.core.json.JsonObject(json.out())
        .getJsonObject("error").getString("message"), "with --output json a usage error is JSON too");
  }

  @Test
  void wrongUsageExitsWith64AndSaysWhatToRun() {
    CliRun run = CliRun.of("validat", "x");
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertTrue(run.err().contains("validate"), "suggests the right command: " + run.err());
    CliRun missing = CliRun.of("validate");
    assertEquals(ExitCodes.USAGE, missing.exitCode());
    assertTrue(missing.err().contains("Missing required parameter"), missing.err());
    assertTrue(missing.err().contains("controller validate --help"), missing.err());
  }

  @Test
  void noColourWhenNotATerminal(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("platform.yaml"), "name: x\n");
    CliRun run = CliRun.of("validate", tmp.toString());
    assertFalse(run.err().contains("\u001b["), run.err());
  }

  @Test
  void stackTracesOnlyWithDebug(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("platform.yaml");
    Files.writeString(file, "x");
    // a directory where the file must go makes writing fail with an I/O error
    Path blocked = tmp.resolve("blocked");
    Files.writeString(blocked, "a file, not a folder");
    CliRun plain = CliRun.of("new", "vpc", "main", "--in", blocked.toString());
    assertEquals(1, plain.exitCode());
    assertFalse(plain.err().contains("\tat "), plain.err());
    assertTrue(plain.err().contains("--debug"), plain.err());
    CliRun debug = CliRun.of("--debug", "new", "vpc", "main", "--in", blocked.toString());
    assertTrue(debug.err().contains("\tat "), debug.err());
  }

  @Test
  void validateJsonOutputListsEveryError(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("platform.yaml"), "name: x\ncustomer: c\nprovider: local\nregion: local-1\n");
    Files.writeString(tmp.resolve("a.yaml"), "kind: vpc\nname: main\ncidr: 10.0.0.0/8\n");
    CliRun run = CliRun.of("validate", "--output", "json", tmp.toString());
    assertEquals(1, run.exitCode());
    JsonObject o = new JsonObject(run.out());
    assertEquals(false, o.getBoolean("valid"));
    assertEquals(2, o.getInteger("errors"));
    JsonObject first = o.getJsonArray("platforms").getJsonObject(0).getJsonArray("errors").getJsonObject(0);
    assertEquals(tmp.resolve("a.yaml").toString(), first.getString("file"));
    assertEquals(1, first.getInteger("line"));
  }

  @Test
  void withoutEnvEveryEnvironmentIsCheckedAndEnvironmentOnlyErrorsSaySo(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("platform.yaml"), "name: x\ncustomer: c\nprovider: local\nregion: local-1\n"
        + "environments:\n  dev: {variables: {cidr: 10.0.0.0/16}}\n  prod: {variables: {cidr: 10.0.0.0/8}}\n");
    Files.writeString(tmp.resolve("a.yaml"), "kind: vpc\nname: main\nuuid: 00000000-0000-4000-8000-000000000001\n"
        + "cidr: ${cidr}\n");
    CliRun all = CliRun.of("validate", tmp.toString());
    assertEquals(1, all.exitCode());
    assertTrue(all.err().contains("a.yaml:4:7: error: a VPC's range must be from /16 to /28, not /8 (in environment prod)"),
        all.err());
    assertEquals(0, CliRun.of("validate", "--env", "dev", tmp.toString()).exitCode());
  }

  @Test
  void severalDirectoriesAreCheckedInOneRun(@TempDir Path tmp) throws IOException {
    Path good = Files.createDirectories(tmp.resolve("good"));
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(good.resolve("platform.yaml"), "name: x\ncustomer: c\nprovider: local\nregion: local-1\n");
    CliRun run = CliRun.of("validate", good.toString(), bad.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.out().contains("valid: " + good), run.out());
    assertTrue(run.err().contains(bad + ": error: no platform.yaml here"), run.err());
  }
}
