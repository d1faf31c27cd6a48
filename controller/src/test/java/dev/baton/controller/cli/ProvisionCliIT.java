package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plan, provision, audit and destroy on the local provider, as a user runs them, on the local
 * demo's network (its instances, which are agent processes, are exercised by LocalDemoIT).
 */
class ProvisionCliIT {
  static final Path SOURCE = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/local-demo");

  @TempDir
  Path home;
  @TempDir
  Path DEMO;

  @BeforeEach
  void useTemporaryHome() throws IOException {
    System.setProperty("baton.home", home.toString());
    Files.copy(SOURCE.resolve("platform.yaml"), DEMO.resolve("platform.yaml"));
    Files.copy(SOURCE.resolve("network.yaml"), DEMO.resolve("network.yaml"));
    Files.writeString(DEMO.resolve("storage.yaml"), """
        kind: volume
        name: data
        uuid: 00000000-0000-4000-8000-0000000000d1
        az: local-1a
        size_gb: 10
        ---
        kind: elastic_ip
        name: web
        uuid: 00000000-0000-4000-8000-0000000000d2
        ---
        kind: elastic_ip
        name: app
        uuid: 00000000-0000-4000-8000-0000000000d3
        """);
  }

  @AfterEach
  void clear() {
    System.clearProperty("baton.home");
  }

  long liveFiles() throws IOException {
    Path root = home.resolve("local-cloud");
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".json")).count();
    }
  }

  Path liveFile(String kind) throws IOException {
    try (Stream<Path> s = Files.list(home.resolve("local-cloud").resolve(kind))) {
      return s.sorted().findFirst().orElseThrow();
    }
  }

  @Test
  void planProvisionPlanAgainAuditDestroy() throws IOException {
    CliRun plan = CliRun.of("plan", DEMO.toString());
    assertEquals(ExitCodes.CHANGES, plan.exitCode(), plan.err());
    assertTrue(plan.out().contains("7 to create"), plan.out());
    assertEquals(0, liveFiles(), "plan changes nothing");

    CliRun provision = CliRun.of("provision", DEMO.toString());
    assertEquals(0, provision.exitCode(), provision.err());
    assertTrue(provision.out().contains("Done: 7 changes applied"), provision.out());
    assertTrue(provision.err().contains("+ create vpc/main done"), provision.err());
    assertEquals(7, liveFiles());

    CliRun again = CliRun.of("provision", DEMO.toString());
    assertEquals(0, again.exitCode());
    assertTrue(again.out().contains("Nothing to change."), again.out());
    assertEquals(0, CliRun.of("plan", DEMO.toString()).exitCode());
    assertEquals(0, CliRun.of("audit", DEMO.toString()).exitCode());

    CliRun destroy = CliRun.of("destroy", "--yes", DEMO.toString());
    assertEquals(0, destroy.exitCode(), destroy.err());
    assertEquals(0, liveFiles());
  }

  @Test
  void planJsonIsStable() {
    CliRun run = CliRun.of("plan", "--output", "json", DEMO.toString());
    assertEquals(ExitCodes.CHANGES, run.exitCode());
    JsonObject o = new JsonObject(run.out());
    assertEquals("local-demo", o.getString("platform"));
    assertEquals(new JsonObject().put("create", 7).put("update", 0).put("replace", 0).put("delete", 0).put("unchanged", 0)
        .put("not_checked", 0), o.getJsonObject("summary"));
    assertEquals(new JsonObject(), o.getJsonObject("not_checked"), "every kind was read");
    JsonObject first = o.getJsonArray("changes").getJsonObject(0);
    assertEquals("create", first.getString("action"));
    assertEquals("vpc", first.getString("kind"));
    assertEquals("main", first.getString("name"));
    assertTrue(first.getString("file").endsWith("network.yaml"));
    assertEquals(13, o.getJsonObject("calls").getInteger("total"), "one listing per kind: " + o.getJsonObject("calls"));
  }

  @Test
  void auditReportsEachKindOfDriftWithExitCode2() throws IOException {
    assertEquals(0, CliRun.of("provision", DEMO.toString()).exitCode());
    Files.delete(liveFile("security_group"));
    Path vpc = liveFile("vpc");
    Files.writeString(vpc, Files.readString(vpc).replace("10.10.0.0/16", "10.99.0.0/16"));
    Path stray = home.resolve("local-cloud/subnet/subnet-0000000000000000.json");
    Files.writeString(stray, Files.readString(liveFile("subnet")).replaceAll("\"uuid\" : \"[^\"]+\"",
        "\"uuid\" : \"00000000-0000-4000-8000-00000000abcd\"").replaceAll("\"baton:uuid\" : \"[^\"]+\"",
        "\"baton:uuid\" : \"00000000-0000-4000-8000-00000000abcd\"").replace("\"Name\" : \"app-a\"", "\"Name\" : \"stray\"")
        .replace("\"Name\" : \"web-a\"", "\"Name\" : \"stray\""));
    CliRun audit = CliRun.of("audit", "--output", "json", DEMO.toString());
    assertEquals(ExitCodes.CHANGES, audit.exitCode(), audit.err());
    JsonObject o = new JsonObject(audit.out());
    assertFalse(o.getBoolean("in_sync"));
    assertEquals("security_group", o.getJsonArray("missing").getJsonObject(0).getString("kind"));
    JsonObject vpcDiff = o.getJsonArray("modified").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("kind").equals("vpc")).findFirst().orElseThrow().getJsonObject("diff").getJsonObject("cidr");
    assertEquals("10.10.0.0/16", vpcDiff.getString("expected"));
    assertEquals("10.99.0.0/16", vpcDiff.getString("actual"));
    assertEquals("stray", o.getJsonArray("unmanaged").getJsonObject(0).getString("name"));

    CliRun text = CliRun.of("audit", DEMO.toString());
    assertTrue(text.out().contains("cidr: expected 10.10.0.0/16, actual 10.99.0.0/16"), text.out());

    assertEquals(0, CliRun.of("provision", DEMO.toString()).exitCode(), "provision repairs the drift");
    assertEquals(0, CliRun.of("audit", DEMO.toString()).exitCode());
  }

  /** The demo in {@code dir}, with a subnet that names no VPC (broken.yaml line 3). */
  void brokenCopy(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(DEMO)) {
      for (Path p : s.toList()) {
        Files.copy(p, dir.resolve(p.getFileName()));
      }
    }
    Files.writeString(dir.resolve("broken.yaml"), "kind: subnet\nname: bad\nvpc: nowhere\n");
  }

  @Test
  void invalidDefinitionsChangeNothing(@TempDir Path dir) throws IOException {
    brokenCopy(dir);
    CliRun run = CliRun.of("provision", "--yes", dir.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("broken.yaml:3:6: error: no vpc named \"nowhere\""), run.err());
    assertEquals(0, liveFiles());
  }

  @Test
  void withOutputJsonEveryFailureIsOneJsonObjectOnStandardOutput(@TempDir Path dir) throws IOException {
    brokenCopy(dir);
    CliRun broken = CliRun.of("provision", "--yes", "--output", "json", dir.toString());
    assertEquals(1, broken.exitCode());
    io.vertx.core.json.JsonObject e = new io.vertx.core.json.JsonObject(broken.out()).getJsonObject("error");
    assertTrue(e.getString("message").endsWith("; nothing was changed"), broken.out());
    assertTrue(e.getJsonArray("diagnostics").stream().map(io.vertx.core.json.JsonObject.class::cast).anyMatch(d ->
        d.getString("file").endsWith("broken.yaml") && d.getInteger("line") == 3), broken.out());
    assertTrue(broken.err().contains("broken.yaml:3:6: error: no vpc named"), "stderr as without json: " + broken.err());

    Path clusters = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/local-clusters");
    CliRun noGroup = CliRun.of("update-launch-template", "--output", "json", clusters.toString(), "nosuch", "--env",
        "staging");
    assertEquals(1, noGroup.exitCode());
    io.vertx.core.json.JsonObject ng = new io.vertx.core.json.JsonObject(noGroup.out()).getJsonObject("error");
    assertTrue(ng.getString("message").startsWith("no autoscaling_group named \"nosuch\""), noGroup.out());
    assertEquals("INVALID_ARGUMENT", ng.getString("code"));
    assertTrue(noGroup.err().contains(ng.getString("message")), noGroup.err());
  }

  @Test
  void onATerminalProvisionAsksAndNoMeansNothingChanges() throws IOException {
    CliRun no = CliRun.withInput("n\n", "provision", DEMO.toString());
    assertEquals(1, no.exitCode());
    assertTrue(no.err().contains("Apply these changes? [y/N]"), no.err());
    assertEquals(0, liveFiles());
    CliRun yes = CliRun.withInput("y\n", "provision", DEMO.toString());
    assertEquals(0, yes.exitCode(), yes.err());
    assertEquals(7, liveFiles());
  }

  @Test
  void destroyNeedsYesOutsideATerminalAndKeepsProtectedResourcesUnlessForced(@TempDir Path dir) throws IOException {
    try (Stream<Path> s = Files.list(DEMO)) {
      for (Path p : s.toList()) {
        Files.copy(p, dir.resolve(p.getFileName()));
      }
    }
    Files.writeString(dir.resolve("network.yaml"), Files.readString(dir.resolve("network.yaml"))
        .replace("cidr: 10.10.0.0/16", "cidr: 10.10.0.0/16\nprotect: true"));
    assertEquals(0, CliRun.of("provision", dir.toString()).exitCode());
    CliRun refused = CliRun.of("destroy", dir.toString());
    assertEquals(1, refused.exitCode());
    assertTrue(refused.err().contains("confirm with --yes"), refused.err());
    assertEquals(7, liveFiles());
    CliRun kept = CliRun.of("destroy", "--yes", dir.toString());
    assertEquals(0, kept.exitCode(), kept.err());
    assertTrue(kept.out().contains("1 protected kept"), kept.out());
    assertEquals(1, liveFiles());
    assertEquals(0, CliRun.of("destroy", "--yes", "--force", dir.toString()).exitCode());
    assertEquals(0, liveFiles());
  }

  @Test
  void aSecondProvisionIsRefusedWhileAnotherProcessHoldsTheLockAndAKilledHolderReleasesIt() throws Exception {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LockHolder.class.getName(), home.toString(), "local-demo", "demo")
        .redirectErrorStream(true).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream()));
      assertEquals("locked", r.readLine());
      CliRun refused = CliRun.of("provision", DEMO.toString());
      assertEquals(1, refused.exitCode());
      assertTrue(refused.err().contains("refused: provision of local-demo is held by pid " + holder.pid()), refused.err());
      assertTrue(refused.err().contains(" since 20"), refused.err());
      assertEquals(0, liveFiles());
    } finally {
      holder.destroyForcibly().waitFor();
    }
    CliRun after = CliRun.of("provision", DEMO.toString());
    assertEquals(0, after.exitCode(), "the lock of a killed holder is taken over: " + after.err());
    assertEquals(List.of(), List.of());
  }
}
