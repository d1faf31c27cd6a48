package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.Wait;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application deploys on the local cloud, with real agent processes: a group of 4 gets v1, then
 * v2 in batches of 2; v3 whose validate fails in the second batch is rolled back everywhere; an
 * archive whose SHA-256 differs is refused before any node changes; a second deployment while one
 * runs is refused; a hook that hangs hits its timeout; a group that names a target group leaves it
 * before each node's release and joins it again after; a node added during a deployment ends on its
 * revision; a controller stopped mid-deployment and started again completes it. What each node
 * runs is read on the node itself (an action that prints current/VERSION).
 */
class DeployIT {
  private static final String GROUP = "5d0a3c3e-0000-4000-8000-0000000000d1";
  @TempDir
  Path home;
  ControllerFixture controller;
  int bridgePort;
  Path platform;
  Path artifacts;
  com.sun.net.httpserver.HttpServer receiver;
  /** The deploy events a webhook received: type, then the body. */
  final List<Map.Entry<String, JsonObject>> events = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    System.setProperty("baton.home", home.toString());
    receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", ex -> {
      events.add(Map.entry(ex.getRequestHeaders().getFirst("X-Baton-Event"),
          new JsonObject(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    Files.createDirectories(home.resolve("controller"));
    Files.writeString(home.resolve("controller/hooks.yaml"), "hooks:\n  - {name: deploys, type: webhook, url: 'http://127.0.0.1:"
        + receiver.getAddress().getPort() + "/', events: [deploy.started, deploy.succeeded, deploy.failed,"
        + " deploy.rolled_back]}\n");
    bridgePort = ControllerFixture.freePort();
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), bridgePort);
    platform = home.resolve("shop");
    artifacts = platform.resolve("artifacts");
    Files.createDirectories(artifacts);
    Files.writeString(platform.resolve("platform.yaml"), """
        name: shop
        customer: demo
        provider: local
        region: local-1
        domain: demo.baton.test
        actions:
          version: {command: "cat apps/webapp/current/VERSION", description: the release the node runs}
        """);
    Files.writeString(platform.resolve("network.yaml"), """
        kind: vpc
        name: main
        uuid: 5d0a3c3e-0000-4000-8000-0000000000c1
        cidr: 10.40.0.0/16
        ---
        kind: subnet
        name: app-a
        uuid: 5d0a3c3e-0000-4000-8000-0000000000c2
        vpc: main
        cidr: 10.40.1.0/24
        az: local-1a
        """);
    group(4);
    application(30);
    for (String v : List.of("v1", "v2")) {
      archive(v, "exit 0", "exit 0");
    }
    CliRun run = CliRun.of("provision", "--yes", platform.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    Wait.until(() -> ready().size() == 4, 120, "4 READY nodes");
  }

  void group(int desired) throws Exception {
    Files.writeString(platform.resolve("web.yaml"), """
        kind: autoscaling_group
        name: web
        uuid: %s
        cluster: staging
        role: web
        launch: {instance_type: t3.small}
        subnets: [app-a]
        min: 0
        max: 8
        desired: %d
        handoff:
          config_management: shell
          shell: {bootstrap: "echo web > role", final: "grep -q web role"}
        """.formatted(GROUP, desired));
  }

  void application(int hookTimeout) throws Exception {
    Files.writeString(platform.resolve("webapp.yaml"), """
        kind: application
        name: webapp
        uuid: 5d0a3c3e-0000-4000-8000-0000000000e1
        source: {directory: artifacts}
        groups: [web]
        batch: "2"
        hook_timeout_seconds: %d
        hooks:
          stop: ./bin/stop
          start: ./bin/start
          validate: ./bin/validate
        """.formatted(hookTimeout));
  }

  /** An archive of {@code rev}: VERSION, and bin/start and bin/validate running the given shell. */
  void archive(String rev, String start, String validate) throws Exception {
    Path src = home.resolve("src-" + rev);
    Files.createDirectories(src.resolve("bin"));
    Files.writeString(src.resolve("VERSION"), rev + "\n");
    Files.writeString(src.resolve("bin/start"), "#!/bin/sh\n" + start + "\n");
    Files.writeString(src.resolve("bin/validate"), "#!/bin/sh\n" + validate + "\n");
    Files.writeString(src.resolve("bin/stop"), "#!/bin/sh\nexit 0\n");
    for (String f : List.of("bin/start", "bin/validate", "bin/stop")) {
      src.resolve(f).toFile().setExecutable(true);
    }
    Process p = new ProcessBuilder("tar", "-czf", artifacts.resolve(rev + ".tar.gz").toString(), "-C", src.toString(), ".")
        .inheritIO().start();
    assertEquals(0, p.waitFor());
  }

  @AfterEach
  void stop() {
    CliRun.of("destroy", "--yes", platform.toString());
    if (controller != null) {
      controller.close();
    }
    receiver.stop(0);
    System.clearProperty("baton.home");
  }

  List<NodeRecord> ready() {
    return controller.server.registry().all().stream().filter(n -> GROUP.equals(n.uuid()) && n.state() == NodeState.READY)
        .toList();
  }

  /** What each READY node of the group runs, as the node itself says (its current/VERSION). */
  Map<String, String> versions() {
    CliRun run = CliRun.of("run", platform.toString(), "web", "version", "--output", "json");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    Map<String, String> out = new TreeMap<>();
    new JsonObject(run.out()).getJsonArray("results").forEach(o -> {
      JsonObject r = (JsonObject) o;
      out.put(r.getString("node"), r.getString("output").strip());
    });
    return out;
  }

  CliRun deploy(String rev, String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "deploy";
    args[1] = platform.toString();
    args[2] = "webapp";
    args[3] = "--revision=" + rev;
    System.arraycopy(more, 0, args, 4, more.length);
    return CliRun.of(args);
  }

  void allRun(String rev) {
    Map<String, String> v = versions();
    assertEquals(ready().size(), v.size(), "every READY node answered: " + v);
    assertTrue(v.values().stream().allMatch(rev::equals), "every node runs " + rev + ": " + v);
  }

  /** The status of a GET of the archive on the download port, over the controller's TLS. */
  int fetchArchive(String sha256, String token) throws Exception {
    var cf = java.security.cert.CertificateFactory.getInstance("X.509");
    var ca = cf.generateCertificate(new java.io.ByteArrayInputStream(controller.server.ca().certificatePem()
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    var ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca);
    var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    var http = java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + controller.started.downloadPort()
        + "/deploy/artifacts/" + sha256));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void deploysInBatchesRollsBackEverywhereAndRefusesWhatWouldHarm() throws Exception {
    CliRun v1 = deploy("v1");
    assertEquals(0, v1.exitCode(), v1.out() + v1.err());
    allRun("v1");
    // the archive came from its source once and went to each of the 4 nodes
    long size = Files.size(artifacts.resolve("v1.tar.gz"));
    String scrape = controller.server.metrics().scrape();
    assertTrue(scrape.contains("baton_artifact_bytes_total{direction=\"fetched\"} " + (double) size), scrape);
    assertTrue(scrape.contains("baton_artifact_bytes_total{direction=\"served\"} " + (double) (4 * size)), scrape);
    assertTrue(scrape.contains("baton_artifacts_served_total 4.0"), scrape);

    CliRun v2 = deploy("v2", "--batch", "2", "--output", "json");
    assertEquals(0, v2.exitCode(), v2.out() + v2.err());
    JsonObject r2 = new JsonObject(v2.out());
    assertEquals("succeeded", r2.getString("status"));
    assertEquals(List.of(1, 1, 2, 2), r2.getJsonArray("nodes").stream().map(o -> ((JsonObject) o).getInteger("batch"))
        .sorted().toList(), "4 nodes in 2 batches of 2");
    allRun("v2");

    // v3 validates on the first two nodes only: the second batch fails, and every node goes back to v2
    Path seen = home.resolve("v3-validated");
    Files.createDirectories(seen);
    archive("v3", "exit 0", "n=$(ls " + seen + " | wc -l); touch " + seen + "/$$; if [ \"$n\" -ge 2 ]; then echo"
        + " 'health check failed: 503'; exit 1; fi");
    CliRun v3 = deploy("v3", "--output", "json");
    assertEquals(1, v3.exitCode(), v3.out() + v3.err());
    JsonObject r3 = new JsonObject(v3.out());
    assertEquals("rolled_back", r3.getString("status"), r3.encodePrettily());
    assertTrue(r3.getString("reason").contains("validate") && r3.getString("reason").contains("health check failed"),
        "the reason is the failing node's hook output: " + r3.getString("reason"));
    allRun("v2");
    // the hooks heard each deployment begin and end; a node's words reach them as one line
    Wait.until(() -> events.stream().filter(e -> e.getKey().equals("deploy.rolled_back")).count() == 1, 30,
        "the rolled_back event delivered");
    // a node's failure is heard at once (deploy.failed), the end of the way back after it; the outbox delivers
    // several at once, so the order of arrival is not the order of the events
    Wait.until(() -> events.size() == 7, 30, "every event delivered");
    assertEquals(List.of("deploy.failed", "deploy.rolled_back", "deploy.started", "deploy.started", "deploy.started",
        "deploy.succeeded", "deploy.succeeded"), events.stream().map(Map.Entry::getKey).sorted().toList());
    JsonObject said = events.stream().filter(e -> e.getKey().equals("deploy.rolled_back")).findFirst().orElseThrow()
        .getValue().getJsonObject("data");
    assertEquals("v3", said.getString("revision"));
    assertEquals("webapp", said.getString("application"));
    assertTrue(said.getString("reason").contains("health check failed") && !said.getString("reason").contains("\n"),
        said.encode());

    // an archive that is not the one expected: refused before any node changes
    CliRun bad = deploy("v2", "--sha256", "0".repeat(64));
    assertEquals(1, bad.exitCode(), bad.out() + bad.err());
    assertTrue(bad.err().contains("SHA-256") && bad.err().contains("before any node"), bad.err());
    allRun("v2");

    // a second deployment while one runs is refused, naming the one that runs
    for (NodeRecord n : ready()) {
      List<String> steps = n.timeline().stream().map(NodeRecord.Phase::name).toList();
      assertTrue(steps.containsAll(List.of("deploy webapp v1", "deploy webapp v2")), "the timeline shows the deploys: " + steps);
    }
    archive("v4", "sleep 2", "exit 0");
    CompletableFuture<CliRun> slow = CompletableFuture.supplyAsync(() -> deploy("v4", "--batch", "1"));
    Wait.until(() -> controller.server.deployments().store().deployments(d -> "running".equals(d.getString("status")))
        .size() == 1, 30, "the v4 deployment runs");
    JsonObject running = controller.server.deployments().store().deployments(d -> "running".equals(d.getString("status")))
        .get(0);
    String sha = running.getJsonObject("artifact").getString("sha256");
    assertEquals(401, fetchArchive(sha, "not-the-token"), "an archive is served only with its deployment's token");
    assertEquals(401, fetchArchive(sha, null));
    assertEquals(200, fetchArchive(sha, running.getString("token")));
    assertEquals(2, controller.server.refusals().count("artifact_token"), "each refusal is counted");
    CliRun second = deploy("v2");
    assertNotEquals(0, second.exitCode());
    assertTrue(second.err().contains("refused") && second.err().contains("is running"), second.err());
    // a node the group launches meanwhile ends on v4 too
    group(5);
    assertEquals(0, CliRun.of("provision", "--yes", platform.toString()).exitCode());
    CliRun v4 = slow.get();
    assertEquals(0, v4.exitCode(), v4.out() + v4.err());
    Wait.until(() -> ready().size() == 5, 120, "the fifth node is READY");
    allRun("v4");
    assertEquals(1, ready().stream().filter(n -> n.timeline().stream().anyMatch(p -> p.name().equals("DEPLOY"))).count(),
        "the node launched during the deployment got its revision as the last step of its hand-off");

    // a hook that hangs is stopped at its timeout, and the node goes back
    application(3);
    archive("v5", "sleep 600", "exit 0");
    CliRun v5 = deploy("v5", "--output", "json");
    assertEquals(1, v5.exitCode(), v5.out() + v5.err());
    assertTrue(new JsonObject(v5.out()).getString("reason").contains("start"), v5.out());
    allRun("v4");

    CliRun history = CliRun.of("deployments", platform.toString(), "webapp");
    assertEquals(0, history.exitCode(), history.err());
    for (String s : List.of("v1", "v2", "v3", "v4", "v5", "succeeded", "rolled_back")) {
      assertTrue(history.out().contains(s), s + " in the history:\n" + history.out());
    }
    CliRun back = CliRun.of("rollback", platform.toString(), "webapp");
    assertEquals(0, back.exitCode(), back.out() + back.err());
    allRun("v2");
  }

  /** The local cloud's target group {@code name}: its targets and when each left and joined. */
  JsonObject targetGroup(String name) throws Exception {
    return new JsonObject(Files.readString(home.resolve("local-cloud/target-groups/" + name + ".json")));
  }

  @Test
  void eachNodeLeavesItsTargetGroupBeforeItsReleaseAndJoinsItAgainAfter() throws Exception {
    // named after the nodes were provisioned: not an attribute of the group, what deploy reads
    Files.writeString(platform.resolve("web.yaml"), Files.readString(platform.resolve("web.yaml"))
        + "target_groups: [web-443]\n");
    CliRun v1 = deploy("v1", "--batch", "2");
    assertEquals(0, v1.exitCode(), v1.out() + v1.err());
    List<String> ids = ready().stream().map(NodeRecord::id).sorted().toList();
    JsonObject tg = targetGroup("web-443");
    assertEquals(ids, tg.getJsonArray("targets").stream().map(String::valueOf).sorted().toList());
    // not in it before (nothing to take out): each joined once it ran v1
    assertEquals(List.of("registered", "registered", "registered", "registered"), tg.getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("action")).toList());

    CliRun v2 = deploy("v2", "--batch", "2");
    assertEquals(0, v2.exitCode(), v2.out() + v2.err());
    allRun("v2");
    List<JsonObject> events = targetGroup("web-443").getJsonArray("events").stream().skip(4).map(e -> (JsonObject) e)
        .toList();
    assertEquals(8, events.size(), "each node left and joined once: " + events);
    for (NodeRecord n : ready()) {
      List<JsonObject> mine = events.stream().filter(e -> n.id().equals(e.getString("instance"))).toList();
      assertEquals(List.of("deregistered", "registered"), mine.stream().map(e -> e.getString("action")).toList());
      NodeRecord.Phase deploy = n.timeline().stream().filter(p -> p.name().equals("deploy webapp v2")).reduce((a, b) -> b)
          .orElseThrow();
      // out before the agent began its release, back only once it answered
      assertTrue(!java.time.Instant.parse(mine.get(0).getString("at")).isAfter(deploy.start()), mine + " " + deploy);
      assertTrue(!java.time.Instant.parse(mine.get(1).getString("at")).isBefore(deploy.end()), mine + " " + deploy);
    }
    assertEquals(ids, targetGroup("web-443").getJsonArray("targets").stream().map(String::valueOf).sorted().toList());
  }

  @Test
  void aDeploymentWhoseControllerStoppedIsCompletedWhenItStartsAgain() throws Exception {
    archive("v6", "sleep 3", "exit 0");
    CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> deploy("v6", "--batch", "1"));
    Wait.until(() -> controller.server.deployments().store().deployments(d -> d.getJsonObject("nodes", new JsonObject())
        .stream().anyMatch(e -> "ok".equals(((JsonObject) e.getValue()).getString("status")))).size() == 1, 60,
        "the first node has v6");
    controller.close();
    controller = null;
    CliRun cut = run.get();
    assertNotEquals(0, cut.exitCode(), "the deploy command says it was cut off: " + cut.out());
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), bridgePort);
    Wait.until(() -> controller.server.deployments().store().deployments(d -> "succeeded".equals(d.getString("status")))
        .size() == 1, 120, "the deployment completed after the restart");
    Wait.until(() -> ready().size() == 4, 60, "the agents reconnected");
    allRun("v6");
  }
}
