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
    groups(3, 1);
  }

  void groups(int web, int worker) throws Exception {
    String g = """
        kind: autoscaling_group
        name: %s
        uuid: %s
        cluster: staging
        role: %s
        launch: {instance_type: t3.small}
        subnets: [app-a]
        min: 0
        max: 5
        desired: %d
        handoff:
          config_management: shell
          shell: {bootstrap: "echo %s > role", final: "grep -q %s role"}
        """;
    Files.writeString(platform.resolve("groups.yaml"), g.formatted("web", "5d0a3c3e-0000-4000-8000-0000000000a1", "webapp", web,
        "webapp", "webapp") + "---\n" + g.formatted("worker", "5d0a3c3e-0000-4000-8000-0000000000b1", "worker", worker,
        "worker", "worker"));
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
    Wait.until(() -> ready("webapp").size() == 3 && ready("worker").size() == 1, 90);
    for (NodeRecord n : ready("webapp")) {
      assertTrue(n.name().matches("webapp-i-[0-9a-f]{16}\\.demo\\.baton\\.test"), n.name());
      assertEquals(n.id(), n.name().substring("webapp-".length(), n.name().indexOf('.')), "named by the certname pattern");
      assertEquals("5d0a3c3e-0000-4000-8000-0000000000a1", n.uuid(), "a node of the group");
      // the controller learns of a node a group launched when it registers: its timeline starts there
      assertEquals(List.of("REGISTERED", "ATTESTED", "BOOTSTRAP_RUN", "FINAL_RUN", "READY"),
          n.timeline().stream().map(NodeRecord.Phase::name).toList());
    }
    assertEquals(0, controller.server.refusals().count("replayed_token"), "the group's token is for every instance it launches");

    groups(5, 1);
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Wait.until(() -> ready("webapp").size() == 5, 90);

    groups(2, 1);
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    Wait.until(() -> of("webapp", NodeState.TERMINATED) == 3, 60);
    assertEquals(2, ready("webapp").size(), "scaled in to two");
    CliRun plan = CliRun.of("plan", platform.toString());
    assertEquals(0, plan.exitCode(), "the group's instances are not resources of the platform: " + plan.out());
  }

  @Test
  void aGroupsTokenIsRefusedForAnInstanceOfAnotherGroup() throws Exception {
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
    LocalInstances.launch(root, id, new JsonObject(webTemplate).put("instance_id", id).encode(),
        Path.of(System.getProperty("baton.agent.jar")));
    try {
      Wait.until(() -> controller.server.refusals().count("instance_outside_group") >= 1, 60);
      assertTrue(controller.server.registry().get(id).isEmpty(), "never registered");
    } finally {
      LocalInstances.terminate(root, id);
      Files.deleteIfExists(root.resolve("instance").resolve(id + ".json"));
    }
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
