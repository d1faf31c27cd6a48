package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.provider.local.LocalInstances;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default end to end: the real CLI provisions examples/local-demo; its three
 * instances are real agent processes that register over TLS, are attested, run their shell
 * hand-off and become READY. Then: provisioning again changes nothing; an agent killed with
 * -9 and restarted comes back with the identity it kept (its token is never presented again);
 * a restarted controller keeps every node; destroy stops every process.
 */
class LocalDemoIT {
  static final Path DEMO = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/local-demo");

  @TempDir
  Path home;
  ControllerFixture controller;
  int bridgePort;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("baton.home", home.toString());
    // a command hook that records every event the controller announces
    Files.createDirectories(home.resolve("controller"));
    Files.writeString(home.resolve("controller/hooks.yaml"), """
        hooks:
          - name: record
            type: command
            command: [/bin/sh, -c, "cat >> %s; echo >> %s"]
        """.formatted(home.resolve("events.jsonl"), home.resolve("events.jsonl")));
    bridgePort = ControllerFixture.freePort();
    System.setProperty("baton.reconcile-interval-ms", "1000");
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), bridgePort);
  }

  @AfterEach
  void stop() throws Exception {
    CliRun.of("destroy", "--yes", DEMO.toString());
    if (controller != null) {
      controller.close();
    }
    System.clearProperty("baton.home");
    System.clearProperty("baton.reconcile-interval-ms");
  }

  List<NodeRecord> nodes() {
    return controller.server.registry().all().stream().filter(n -> n.state() != NodeState.TERMINATED).toList();
  }

  Path instanceRoot() {
    return home.resolve("local-cloud");
  }

  List<String> instanceIds() throws Exception {
    try (Stream<Path> s = Files.list(instanceRoot().resolve("instance-data"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theLocalDemoComesUpReadyAndSurvivesRestarts() throws Exception {
    CliRun run = CliRun.of("provision", DEMO.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertEquals(3, run.out().lines().filter(l -> l.contains(" READY ")).count(), run.out());
    List<NodeRecord> nodes = nodes();
    assertEquals(3, nodes.size());
    for (NodeRecord n : nodes) {
      assertEquals(NodeState.READY, n.state(), n.toString());
      assertEquals(List.of("LAUNCHED", "REGISTERED", "ATTESTED", "BOOTSTRAP_RUN", "FINAL_RUN", "READY"),
          n.timeline().stream().map(NodeRecord.Phase::name).toList());
      assertTrue(LocalInstances.alive(instanceRoot(), n.id()), "the agent of " + n.name() + " runs");
      // the bootstrap command ran on the node, in its own directory
      String role = Files.readString(LocalInstances.dir(instanceRoot(), n.id()).resolve("state/node-role")).trim();
      assertEquals(n.name().startsWith("web") ? "role=web" : "role=app", role);
    }

    waitFor(() -> count(home.resolve("events.jsonl"), "\"node.ready\"") == 3
        && count(home.resolve("events.jsonl"), "\"platform.provisioned\"") == 1);
    assertEquals(3, count(home.resolve("events.jsonl"), "\"node.registered\""), "every new node is announced");

    // what /metrics says of it (Prometheus text; a token of every customer sees every series)
    String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + controller.started.apiPort() + "/metrics")).header("Authorization", "Bearer "
        + controller.server.home().operatorToken()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    for (String line : List.of("baton_registrations_total{outcome=\"attested\"} 3.0",
        "baton_handoffs_total{outcome=\"ready\"} 3.0", "baton_nodes{state=\"READY\"} 3.0",
        "baton_phase_duration_seconds_count{outcome=\"ok\",phase=\"BOOTSTRAP_RUN\"} 3",
        "baton_hook_deliveries_total{outcome=\"delivered\"}")) {
      assertTrue(metrics.contains(line), line + " in:\n" + metrics);
    }
    assertTrue(metrics.contains("baton_cloud_calls_total{operation=\"DescribeInstances\"}"), "the cloud confirmations: "
        + metrics);

    CliRun again = CliRun.of("provision", "--output", "json", DEMO.toString());
    assertEquals(0, again.exitCode(), again.err());
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(again.out()); // one JSON object
    assertEquals(7, json.getJsonObject("summary").getInteger("unchanged"), "nothing to change");
    assertEquals(true, json.getBoolean("ready"));
    assertEquals(3, json.getJsonArray("nodes").size());

    // kill -9 an agent, then start it again as systemd would: it comes back with its own key
    String id = instanceIds().get(0);
    ProcessHandle agent = LocalInstances.process(instanceRoot(), id).orElseThrow();
    agent.destroyForcibly();
    agent.onExit().get();
    Path dir = LocalInstances.dir(instanceRoot(), id);
    LocalInstances.launch(instanceRoot(), id, Files.readString(dir.resolve("agent.json")), Path.of(
        System.getProperty("baton.agent.jar")));
    waitFor(() -> logHas(dir, 2, "connected to"));
    assertEquals(0, controller.server.refusals().count("replayed_token"), "the restarted agent did not replay its token");
    assertEquals(NodeState.READY, controller.server.registry().get(id).orElseThrow().state());

    // restart the controller on the same home and port: every node and the CA are kept
    String fingerprint = controller.server.ca().fingerprint();
    controller.close();
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), bridgePort);
    assertEquals(fingerprint, controller.server.ca().fingerprint());
    assertEquals(3, nodes().size());
    assertTrue(nodes().stream().allMatch(n -> n.state() == NodeState.READY));
    waitFor(() -> logHas(dir, 3, "connected to"));

    CliRun destroy = CliRun.of("destroy", "--yes", DEMO.toString());
    assertEquals(0, destroy.exitCode(), destroy.err());
    for (NodeRecord n : controller.server.registry().all()) {
      assertFalse(LocalInstances.alive(instanceRoot(), n.id()));
      assertEquals(NodeState.TERMINATED, n.state());
    }
  }

  @Test
  void anInstanceTheCloudNoLongerHasIsTerminatedAndAnnounced() throws Exception {
    CliRun run = CliRun.of("provision", DEMO.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    NodeRecord gone = nodes().stream().filter(n -> n.name().equals("web-2")).findFirst().orElseThrow();
    // the cloud terminates it behind Baton's back: its process and its record are gone
    LocalInstances.terminate(instanceRoot(), gone.id());
    Files.delete(instanceRoot().resolve("instance").resolve(gone.id() + ".json"));
    waitFor(() -> controller.server.registry().get(gone.id()).map(n -> n.state() == NodeState.TERMINATED).orElse(false));
    assertEquals("the cloud no longer has instance " + gone.id(), controller.server.registry().get(gone.id()).orElseThrow().reason());
    waitFor(() -> count(home.resolve("events.jsonl"), "\"node.terminated\"") == 1);
    Thread.sleep(2500); // two more reconciliations: the others, whose instances run, stay READY
    assertEquals(2, nodes().stream().filter(n -> n.state() == NodeState.READY).count(), nodes().toString());
  }

  /** Occurrences of {@code text} in the file (deliveries run concurrently and may share a line). */
  static long count(Path file, String text) {
    try {
      return Files.readString(file).split(java.util.regex.Pattern.quote(text), -1).length - 1;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  static boolean logHas(Path dir, int times, String text) {
    try {
      return Files.readString(dir.resolve("agent.log")).split(text, -1).length - 1 >= times;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void aTargetedProvisionWaitsForTheNodesItAppliedOnly() throws Exception {
    CliRun one = CliRun.of("provision", DEMO.toString(), "--target", "instance/web-1", "--wait", "120");
    assertEquals(0, one.exitCode(), one.out() + one.err());
    assertTrue(one.err().contains("Waiting for 1 node to be READY..."), one.err());
    assertEquals(1, one.out().lines().filter(l -> l.contains(" READY ")).count(), one.out());
    assertTrue(one.out().contains("3 other changes pending (not targeted):"), one.out());
    assertEquals(1, instanceIds().size(), "web-2 and app-1 were not created");
    assertEquals(List.of("web-1"), nodes().stream().map(NodeRecord::name).toList());
  }

  static void waitFor(java.util.function.BooleanSupplier ok) {
    dev.baton.controller.Wait.until(ok, 60);
  }

}
