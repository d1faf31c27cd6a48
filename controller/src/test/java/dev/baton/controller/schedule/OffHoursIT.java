package dev.baton.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.Wait;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.provider.local.LocalInstances;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off-hours on the local cloud with real agent processes: at the environment's stop time (in its
 * time zone) the instance's process is stopped and the group goes to zero; at its start time the
 * instance runs again (its agent reconnects with the identity it kept) and the group gets its counts
 * back, whose new nodes register and become READY. The controller's clock is driven by the test;
 * a controller restarted while the environment is off still knows what to restore.
 */
class OffHoursIT {
  static final String GROUP = "5d0a3c3e-0000-4000-8000-0000000000c1";
  /** A group defined without "desired" (it runs its min), as examples/local-clusters' worker. */
  static final String WORKER = "5d0a3c3e-0000-4000-8000-0000000000c5";
  @TempDir
  Path home;
  ControllerFixture controller;
  Path platform;
  int bridgePort;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("baton.home", home.toString());
    // provision and the controller take Monday noon as now; the test drives the schedule's checks itself
    System.setProperty(ScheduleClock.PROPERTY, "2026-11-23T12:00:00Z");
    System.setProperty("baton.schedule-interval-ms", "3600000");
    bridgePort = ControllerFixture.freePort();
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), bridgePort);
    platform = home.resolve("offhours");
    Files.createDirectories(platform);
    Files.writeString(platform.resolve("platform.yaml"), """
        name: offhours
        customer: demo
        provider: local
        region: local-1
        domain: demo.baton.test
        environments:
          test:
            schedule: {stop: "0 19 * * 1-5", start: "0 7 * * 1-5", time_zone: Europe/Paris}
        """);
    Files.writeString(platform.resolve("nodes.yaml"), """
        kind: vpc
        name: main
        uuid: 5d0a3c3e-0000-4000-8000-0000000000c2
        cidr: 10.31.0.0/16
        ---
        kind: subnet
        name: app-a
        uuid: 5d0a3c3e-0000-4000-8000-0000000000c3
        vpc: main
        cidr: 10.31.1.0/24
        az: local-1a
        ---
        kind: instance
        name: db
        uuid: 5d0a3c3e-0000-4000-8000-0000000000c4
        subnet: app-a
        instance_type: t3.small
        handoff: {config_management: shell, shell: {bootstrap: "true", final: "true"}}
        ---
        kind: autoscaling_group
        name: web
        uuid: 5d0a3c3e-0000-4000-8000-0000000000c1
        cluster: test
        role: webapp
        launch: {instance_type: t3.small}
        subnets: [app-a]
        min: 1
        max: 4
        desired: 2
        handoff: {config_management: shell, shell: {bootstrap: "true", final: "true"}}
        ---
        kind: autoscaling_group
        name: worker
        uuid: 5d0a3c3e-0000-4000-8000-0000000000c5
        cluster: test
        role: worker
        launch: {instance_type: t3.small}
        subnets: [app-a]
        min: 1
        max: 3
        handoff: {config_management: shell, shell: {bootstrap: "true", final: "true"}}
        """);
  }

  @AfterEach
  void stop() {
    CliRun.of("destroy", "--yes", "--env", "test", platform.toString());
    controller.close();
    System.clearProperty("baton.home");
    System.clearProperty(ScheduleClock.PROPERTY);
    System.clearProperty("baton.schedule-interval-ms");
  }

  List<NodeRecord> web(NodeState state) {
    return group(GROUP, state);
  }

  List<NodeRecord> group(String uuid, NodeState state) {
    return controller.server.registry().all().stream().filter(n -> uuid.equals(n.uuid()) && n.state() == state).toList();
  }

  NodeRecord db() {
    return controller.server.registry().all().stream().filter(n -> n.name().equals("db")).findFirst().orElseThrow();
  }

  JsonObject groupRecord() throws Exception {
    return groupRecord(GROUP);
  }

  JsonObject groupRecord(String uuid) throws Exception {
    try (var files = Files.list(home.resolve("local-cloud/autoscaling_group"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        JsonObject o = new JsonObject(Files.readString(f));
        if (uuid.equals(o.getString("uuid"))) {
          return o;
        }
      }
    }
    throw new AssertionError("no group " + uuid);
  }

  long connections(Path root, String id) {
    try {
      return Files.readAllLines(LocalInstances.dir(root, id).resolve("agent.log")).stream()
          .filter(l -> l.contains("agent: connected to")).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  static CliRun withNow(String now, java.util.function.Supplier<CliRun> run) {
    String before = System.getProperty(ScheduleClock.PROPERTY);
    System.setProperty(ScheduleClock.PROPERTY, now);
    try {
      return run.get();
    } finally {
      System.setProperty(ScheduleClock.PROPERTY, before);
    }
  }

  @Test
  void stopsAtTheStopTimeOfItsTimeZoneAndRestoresEverythingAtTheStartTime() throws Exception {
    CliRun run = CliRun.of("provision", "--yes", "--env", "test", platform.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    Wait.until(() -> web(NodeState.READY).size() == 2 && group(WORKER, NodeState.READY).size() == 1
        && db().state() == NodeState.READY, 90);
    Path root = home.resolve("local-cloud");
    String db = db().id();
    JsonObject listed = controller.server.offHours().list(Instant.parse("2026-11-23T12:00:00Z")).getJsonObject(0);
    assertEquals("on", listed.getString("phase"));
    assertEquals("2026-11-23T18:00:00Z", listed.getString("next_stop"), "19:00 in Paris is 18:00 UTC in November");

    // Monday 18:59:30 in Paris: nothing yet
    ControllerFixture.await(controller.server.offHours().tick(Instant.parse("2026-11-23T17:59:30Z")));
    assertTrue(LocalInstances.alive(root, db));
    // Monday 19:00:30 in Paris (18:00:30 UTC): off-hours
    ControllerFixture.await(controller.server.offHours().tick(Instant.parse("2026-11-23T18:00:30Z")));
    assertFalse(LocalInstances.alive(root, db), "the instance's process is stopped");
    assertTrue(Files.exists(root.resolve("instance").resolve(db + ".json")), "stopped, not terminated");
    assertEquals(0, groupRecord().getJsonObject("attributes").getInteger("desired"));
    assertEquals(0, groupRecord().getJsonObject("attributes").getInteger("min"));
    assertEquals(0, groupRecord(WORKER).getJsonObject("attributes").getInteger("min"));
    Wait.until(() -> web(NodeState.TERMINATED).size() == 2 && group(WORKER, NodeState.TERMINATED).size() == 1, 60);
    // inside the window the environment is as intended: audit calls it in sync, provision changes nothing
    CliRun audit = withNow("2026-11-23T18:05:00Z", () -> CliRun.of("audit", "--env", "test", platform.toString()));
    assertEquals(0, audit.exitCode(), audit.out() + audit.err());
    assertTrue(audit.out().contains("off-hours: offhours/test is inside its off-hours until 2026-11-24T06:00:00Z"),
        audit.out());
    CliRun provision = withNow("2026-11-23T18:05:00Z", () -> CliRun.of("provision", "--yes", "--env", "test",
        platform.toString()));
    assertEquals(0, provision.exitCode(), provision.out() + provision.err());
    assertEquals(0, groupRecord().getJsonObject("attributes").getInteger("desired"), "provision does not wake it");
    assertFalse(LocalInstances.alive(root, db));
    assertEquals(NodeState.READY, db().state(), "a stopped node is not terminated");
    long before = connections(root, db);

    // a controller restarted during off-hours knows what to restore
    controller.close();
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), bridgePort);
    JsonObject saved = new JsonObject(Files.readString(home.resolve("controller/schedules.json")))
        .getJsonObject("demo/offhours/test");
    assertEquals("off", saved.getString("phase"));
    assertEquals(new JsonObject().put("min", 1).put("desired", 2), saved.getJsonObject("groups").getJsonObject(GROUP));

    // Tuesday 06:59 in Paris: still off; 07:00:30: on again
    ControllerFixture.await(controller.server.offHours().tick(Instant.parse("2026-11-24T05:59:00Z")));
    assertFalse(LocalInstances.alive(root, db));
    ControllerFixture.await(controller.server.offHours().tick(Instant.parse("2026-11-24T06:00:30Z")));
    assertTrue(LocalInstances.alive(root, db), "the instance runs again");
    assertEquals(2, groupRecord().getJsonObject("attributes").getInteger("desired"));
    assertEquals(1, groupRecord().getJsonObject("attributes").getInteger("min"));
    assertEquals(1, groupRecord(WORKER).getJsonObject("attributes").getInteger("min"));
    assertEquals(1, groupRecord(WORKER).getJsonObject("attributes").getInteger("desired"), "its min");
    Wait.until(() -> web(NodeState.READY).size() == 2 && group(WORKER, NodeState.READY).size() == 1, 90);
    Wait.until(() -> connections(root, db) > before, 60);
    assertEquals(NodeState.READY, db().state());
    assertEquals("on", controller.server.offHours().list(Instant.parse("2026-11-24T06:01:00Z")).getJsonObject(0)
        .getString("phase"));

    // Tuesday noon: nothing to do
    ControllerFixture.await(controller.server.offHours().tick(Instant.parse("2026-11-24T11:00:00Z")));
    assertTrue(LocalInstances.alive(root, db));
    assertEquals(0, CliRun.of("plan", "--env", "test", platform.toString()).exitCode(), "as defined again");

    // no check from Tuesday noon to Saturday noon (the controller was down): the latest time passed was
    // Friday's stop (19:00, after Friday's 07:00 start), so it stops now; Saturday and Sunday have no start
    ControllerFixture.await(controller.server.offHours().tick(Instant.parse("2026-11-28T11:00:00Z")));
    assertFalse(LocalInstances.alive(root, db), "caught up with Friday's stop");
    ControllerFixture.await(controller.server.offHours().tick(Instant.parse("2026-11-29T06:00:30Z")));
    assertFalse(LocalInstances.alive(root, db), "Sunday 07:00 is no start time (1-5)");
  }
}
