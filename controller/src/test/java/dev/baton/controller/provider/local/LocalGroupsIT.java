package dev.baton.controller.provider.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.Wait;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Autoscaling groups on the local cloud: the group launches real agent processes from its launch
 * template (the group's token); each registers itself, is confirmed as the group's, is named by
 * the group's certname pattern and handed off. Scaling up and in; a group's token refused for an
 * instance of another group.
 */
class LocalGroupsIT {
  @TempDir
  Path home;
  ControllerFixture controller;
  Path platform;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("baton.home", home.toString());
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), ControllerFixture.freePort());
    platform = home.resolve("groups");
    Files.createDirectories(platform);
    Files.writeString(platform.resolve("platform.yaml"), """
        name: groups
        customer: demo
        provider: local
        region: local-1
        domain: demo.baton.test
        actions:
          whoami: {command: "echo node $(cat role) in $(pwd | xargs basename)", description: what the node is}
          fails: {command: "echo about to fail; exit 3"}
        """);
    Files.writeString(platform.resolve("network.yaml"), """
        kind: vpc
        name: main
        uuid: 5d0a3c3e-0000-4000-8000-000000000001
        cidr: 10.30.0.0/16
        ---
        kind: subnet
        name: app-a
        uuid: 5d0a3c3e-0000-4000-8000-000000000002
        vpc: main
        cidr: 10.30.1.0/24
        az: local-1a
        """);
    groups(0, 1);
  }

  void groups(int web, int worker) throws Exception {
    groups(web, worker, 0, 5, "t3.small");
  }

  void groups(int web, int worker, int webMin, int webMax, String webType) throws Exception {
    String g = """
        kind: autoscaling_group
        name: %s
        uuid: %s
        cluster: staging
        role: %s
        launch: {instance_type: %s}
        subnets: [app-a]
        min: %d
        max: %d
        desired: %d
        handoff:
          config_management: shell
          shell: {bootstrap: "echo %s > role", final: "grep -q %s role"}
        """;
    Files.writeString(platform.resolve("groups.yaml"), g.formatted("web", "5d0a3c3e-0000-4000-8000-0000000000a1", "webapp",
        webType, webMin, webMax, web, "webapp", "webapp") + "---\n" + g.formatted("worker", "5d0a3c3e-0000-4000-8000-0000000000b1",
        "worker", "t3.small", 0, 5, worker, "worker", "worker"));
  }

  @AfterEach
  void stop() {
    CliRun.of("destroy", "--yes", platform.toString());
    controller.close();
    System.clearProperty("baton.home");
  }

  List<NodeRecord> ready(String role) {
    return controller.server.registry().all().stream().filter(n -> n.name().startsWith(role + "-i-") && n.state() == NodeState.READY)
        .toList();
  }

  long of(String role, NodeState state) {
    return controller.server.registry().all().stream().filter(n -> n.name().startsWith(role + "-i-") && n.state() == state).count();
  }

  @Test
  void groupsLaunchNodesThatRegisterThemselvesScaleUpAndIn() throws Exception {
    CliRun run = CliRun.of("provision", "--yes", platform.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    Wait.until(() -> ready("worker").size() == 1, 90);
    assertEquals(0, ready("webapp").size(), "the web group starts empty");

    groups(5, 1); // 0 -> 5
    run = CliRun.of("provision", "--yes", platform.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    Wait.until(() -> ready("webapp").size() == 5, 120);
    for (NodeRecord n : ready("webapp")) {
      assertTrue(n.name().matches("webapp-i-[0-9a-f]{16}\\.demo\\.baton\\.test"), n.name());
      assertEquals(n.id(), n.name().substring("webapp-".length(), n.name().indexOf('.')), "named by the certname pattern");
      assertEquals("5d0a3c3e-0000-4000-8000-0000000000a1", n.uuid(), "a node of the group");
      // a node a group launched has its launch in its timeline, whether the controller's listing or its
      // registration told the controller of it first
      assertEquals(List.of("LAUNCHED", "REGISTERED", "ATTESTED", "BOOTSTRAP_RUN", "FINAL_RUN", "READY"),
          n.timeline().stream().map(NodeRecord.Phase::name).toList());
    }
    assertEquals(0, controller.server.refusals().count("replayed_token"), "the group's token is for every instance it launches");

    groups(2, 1);
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Wait.until(() -> of("webapp", NodeState.TERMINATED) == 3, 60);
    assertEquals(2, ready("webapp").size(), "scaled in to two");
    CliRun plan = CliRun.of("plan", platform.toString());
    assertEquals(0, plan.exitCode(), "the group's instances are not resources of the platform: " + plan.out());
  }

  @Test
  void aGroupsTokenIsRefusedForAnInstanceOfAnotherGroup() throws Exception {
    groups(3, 1);
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Wait.until(() -> ready("webapp").size() == 3 && ready("worker").size() == 1, 90);
    Path root = home.resolve("local-cloud");
    // an instance of the worker group booted with the web group's launch template (its token)
    String webTemplate = Files.readString(root.resolve("launch-templates/5d0a3c3e-0000-4000-8000-0000000000a1.json"));
    LiveResource worker = readAny(root, "5d0a3c3e-0000-4000-8000-0000000000b1");
    String id = "i-00000000000000ee";
    JsonObject file = new JsonObject(Files.readString(root.resolve("instance").resolve(worker.id().id() + ".json")));
    file.put("id", id);
    Files.writeString(root.resolve("instance").resolve(id + ".json"), file.encode());
    String webConfig = dev.baton.cloudinit.UserData.agentConfigOf(dev.baton.cloudinit.UserData.Rendered.fromJson(
        new JsonObject(webTemplate)).cloudConfig());
    LocalInstances.launch(root, id, webConfig, Path.of(System.getProperty("baton.agent.jar")));
    try {
      Wait.until(() -> controller.server.refusals().count("instance_outside_group") >= 1, 60);
      assertTrue(controller.server.registry().get(id).isEmpty(), "never registered");
    } finally {
      LocalInstances.terminate(root, id);
      Files.deleteIfExists(root.resolve("instance").resolve(id + ".json"));
    }
  }

  /** The web group's instances alive now (processes), and its READY nodes among them. */
  int[] webNow() throws Exception {
    Path root = home.resolve("local-cloud");
    java.util.Set<String> alive = new java.util.HashSet<>();
    try (var files = Files.list(root.resolve("instance"))) {
      for (Path f : files.filter(x -> x.toString().endsWith(".json")).toList()) {
        JsonObject o;
        try {
          o = new JsonObject(Files.readString(f));
        } catch (java.io.IOException e) {
          continue; // removed while listed
        }
        if ("5d0a3c3e-0000-4000-8000-0000000000a1".equals(o.getJsonObject("tags").getString("baton:group"))
            && LocalInstances.alive(root, o.getString("id"))) {
          alive.add(o.getString("id"));
        }
      }
    }
    int readyAlive = (int) ready("webapp").stream().filter(n -> alive.contains(n.id())).count();
    return new int[] {alive.size(), readyAlive};
  }

  @Test
  void rollingUpdateReplacesEveryNodeABatchAtATimeNeverBelowMin() throws Exception {
    groups(2, 0, 2, 3, "t3.small");
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Wait.until(() -> ready("webapp").size() == 2, 90);
    java.util.Set<String> before = new java.util.HashSet<>(ready("webapp").stream().map(NodeRecord::id).toList());

    CliRun same = CliRun.of("update-launch-template", platform.toString(), "web");
    assertEquals(0, same.exitCode(), same.out() + same.err());
    assertTrue(same.out().contains("already matches the definition (version 1)"), same.out());

    groups(2, 0, 2, 3, "t3.large"); // a new launch: version 2
    java.util.concurrent.atomic.AtomicInteger lowestAlive = new java.util.concurrent.atomic.AtomicInteger(99);
    java.util.concurrent.atomic.AtomicInteger lowestReady = new java.util.concurrent.atomic.AtomicInteger(99);
    java.util.concurrent.atomic.AtomicBoolean rolling = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread watch = new Thread(() -> {
      while (rolling.get()) {
        try {
          int[] now = webNow();
          lowestAlive.accumulateAndGet(now[0], Math::min);
          lowestReady.accumulateAndGet(now[1], Math::min);
          Thread.sleep(100);
        } catch (Exception e) {
          // keep watching
        }
      }
    });
    watch.start();
    CliRun roll;
    try {
      roll = CliRun.of("update-launch-template", platform.toString(), "web", "--roll", "--batch-size", "1",
          "--health-wait", "120");
    } finally {
      rolling.set(false);
      watch.join();
    }
    assertEquals(0, roll.exitCode(), roll.out() + roll.err());
    assertTrue(roll.out().contains("launch template version 2 (was 1)"), roll.out());
    assertTrue(roll.out().contains("2 instances replaced in 2 batches"), roll.out());
    assertTrue(roll.err().contains("batch 1: launching 1 (desired 2 -> 3)"), roll.err());
    assertTrue(lowestAlive.get() >= 2, "the group never went below its min of 2 instances: lowest " + lowestAlive.get());
    assertTrue(lowestReady.get() >= 2, "never fewer than 2 READY nodes: lowest " + lowestReady.get());
    List<NodeRecord> now = ready("webapp");
    assertEquals(2, now.size());
    assertTrue(now.stream().noneMatch(n -> before.contains(n.id())), "every node was replaced");
    Wait.until(() -> before.stream().allMatch(id -> controller.server.registry().get(id).map(n -> n.state() == NodeState.TERMINATED)
        .orElse(false)), 60);

    CliRun list = CliRun.of("instances", platform.toString(), "web", "--output", "json");
    assertEquals(0, list.exitCode(), list.err());
    JsonObject l = new JsonObject(list.out());
    assertEquals("2", l.getString("template_version"));
    assertEquals(2, l.getJsonArray("instances").size());
    for (Object o : l.getJsonArray("instances")) {
      JsonObject i = (JsonObject) o;
      assertEquals("2", i.getString("template_version"));
      assertEquals("READY", i.getString("node_state"));
    }
    assertEquals(0, CliRun.of("plan", platform.toString()).exitCode(), "the definition and the group agree again");
  }

  @Test
  void runAnActionOnEveryNodeOfAGroupThroughTheAgents() throws Exception {
    groups(3, 1);
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Wait.until(() -> ready("webapp").size() == 3 && ready("worker").size() == 1, 90);

    CliRun who = CliRun.of("run", platform.toString(), "web", "whoami", "--batch-size", "2");
    assertEquals(0, who.exitCode(), who.out() + who.err());
    for (NodeRecord n : ready("webapp")) {
      String row = who.out().lines().filter(x -> x.startsWith(n.name())).findFirst().orElseThrow(() -> new AssertionError(
          "no row for " + n.name() + ":\n" + who.out()));
      assertTrue(row.contains("ok") && row.contains("node webapp in state"), row);
    }
    assertTrue(who.out().contains("Done: whoami on 3 nodes"), who.out());
    assertTrue(who.err().contains("Running whoami on 3 nodes of web, 2 at a time"), who.err());
    assertTrue(who.out().lines().noneMatch(x -> x.startsWith("worker-")), "only the group's nodes");

    CliRun facts = CliRun.of("run", platform.toString(), "worker", "facts", "--output", "json");
    assertEquals(0, facts.exitCode(), facts.err());
    JsonObject f = new JsonObject(facts.out()).getJsonArray("results").getJsonObject(0);
    assertEquals("ok", f.getString("status"));
    assertTrue(f.getJsonObject("facts").getInteger("processors") >= 1, f.encode());
    assertTrue(f.getJsonObject("facts").getLong("memory_total_mb") > 0, f.encode());

    CliRun fails = CliRun.of("run", platform.toString(), "web", "fails", "--batch-size", "3");
    assertEquals(1, fails.exitCode(), fails.out());
    assertEquals(3, fails.out().lines().filter(x -> x.contains("failed") && x.contains(" 3 ") && x.contains("about to fail"))
        .count(), fails.out());

    CliRun unknown = CliRun.of("run", platform.toString(), "web", "rm -rf /");
    assertEquals(1, unknown.exitCode());
    assertTrue(unknown.err().contains("no action \"rm -rf /\"") && unknown.err().contains("facts, fails, puppet-run, whoami"),
        unknown.err());
    CliRun puppet = CliRun.of("run", platform.toString(), "web", "puppet-run");
    assertEquals(1, puppet.exitCode());
    assertTrue(puppet.err().contains("not handed off to Puppet"), puppet.err());
  }

  @Test
  void aLifecycleHookHoldsRemovedInstancesUntilTheirNodesAreCleanedUpAndTheirDnsRecordsGo() throws Exception {
    Files.writeString(platform.resolve("groups.yaml"), """
        kind: autoscaling_group
        name: web
        uuid: 5d0a3c3e-0000-4000-8000-0000000000a1
        cluster: staging
        role: webapp
        launch: {instance_type: t3.small}
        subnets: [app-a]
        min: 0
        max: 5
        desired: 3
        lifecycle_hook: {heartbeat_seconds: 600}
        dns_zone: demo.baton.test
        handoff:
          config_management: shell
          shell: {bootstrap: "true", final: "true"}
        """);
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Wait.until(() -> ready("webapp").size() == 3, 90);
    Path records = home.resolve("local-cloud/dns_record");
    Wait.until(() -> ready("webapp").stream().allMatch(n -> Files.exists(records.resolve("rrset-" + n.id() + ".json"))), 30);
    for (NodeRecord n : ready("webapp")) {
      JsonObject r = new JsonObject(Files.readString(records.resolve("rrset-" + n.id() + ".json")));
      assertEquals(n.name(), r.getJsonObject("attributes").getString("record"));
      assertTrue(r.getJsonObject("attributes").getJsonArray("values").getString(0).matches("10\\.30\\.1\\.\\d+"), r.encode());
    }
    assertEquals(0, CliRun.of("plan", platform.toString()).exitCode(), "a node's record is not a resource of the platform");

    Files.writeString(platform.resolve("groups.yaml"), Files.readString(platform.resolve("groups.yaml"))
        .replace("desired: 3", "desired: 1"));
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Path root = home.resolve("local-cloud");
    List<NodeRecord> leaving = ready("webapp").stream().filter(n -> {
      try {
        return new JsonObject(Files.readString(root.resolve("instance").resolve(n.id() + ".json"))).getString("state")
            .equals(LocalCloudProvider.TERMINATING_WAIT);
      } catch (java.io.IOException e) {
        return false;
      }
    }).toList();
    assertEquals(2, leaving.size(), "two instances held by the hook");
    for (NodeRecord n : leaving) {
      assertTrue(LocalInstances.alive(root, n.id()), "still running until the controller lets it go");
    }
    controller.server.reconcileNow();
    Wait.until(() -> leaving.stream().allMatch(n -> !LocalInstances.alive(root, n.id())
        && !Files.exists(root.resolve("instance").resolve(n.id() + ".json"))), 60);
    for (NodeRecord n : leaving) {
      assertEquals(NodeState.TERMINATED, controller.server.registry().get(n.id()).orElseThrow().state());
      assertTrue(Files.notExists(records.resolve("rrset-" + n.id() + ".json")), "its DNS record is gone");
    }
    assertEquals(1, ready("webapp").size());
    assertTrue(Files.exists(records.resolve("rrset-" + ready("webapp").get(0).id() + ".json")), "the remaining node keeps its");
    assertEquals(0, CliRun.of("plan", platform.toString()).exitCode());
  }

  /** One of a group's instances. */
  static LiveResource readAny(Path root, String group) throws Exception {
    try (var files = Files.list(root.resolve("instance"))) {
      for (Path f : files.toList()) {
        JsonObject o = new JsonObject(Files.readString(f));
        if (group.equals(o.getJsonObject("tags").getString("baton:group"))) {
          return new LiveResource(dev.baton.controller.definition.model.ResourceKind.INSTANCE, null, new CloudId(o.getString("id")),
              java.util.Map.of(), java.util.Map.of(), "");
        }
      }
    }
    throw new AssertionError("no instance of group " + group);
  }
}
