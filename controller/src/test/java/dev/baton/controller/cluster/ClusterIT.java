package dev.baton.controller.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.Wait;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controller processes on loopback, clustered with Hazelcast, and 100 agent processes of
 * the local cloud given every controller's endpoint. One controller is killed with kill -9 while
 * hand-offs are under way: every node still reaches READY, none twice; a provision through
 * another member is refused while the cluster's lock is held; a restart of the whole cluster
 * keeps every node record and certificate (the agents reconnect with the identities they hold).
 */
class ClusterIT {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", ".."));
  static final int NODES = Integer.getInteger("baton.cluster-it.nodes", 100);

  @TempDir
  Path dir;
  final List<Member> members = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  Path cloud;

  /** One controller process. */
  final class Member {
    final int index;
    final Path home;
    final int hazelcast;
    final int bridge;
    final int api;
    final int download;
    Process process;

    Member(int index) {
      this.index = index;
      this.home = dir.resolve("home-" + index);
      this.hazelcast = ControllerFixture.freePort();
      this.bridge = ControllerFixture.freePort();
      this.api = ControllerFixture.freePort();
      this.download = ControllerFixture.freePort();
    }

    void start(String membersList) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dbaton.reconcile-interval-ms=5000", "-jar",
          ROOT.resolve("controller/target/baton-controller.jar").toString(), "serve", "--cluster",
          "--cluster-members", membersList, "--cluster-port", String.valueOf(hazelcast), "--bridge-port",
          String.valueOf(bridge), "--api-port", String.valueOf(api), "--download-port", String.valueOf(download)));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("member-" + index + ".log").toFile()));
      pb.environment().put("BATON_HOME", home.toString());
      pb.environment().put("BATON_LOCAL_CLOUD", cloud.toString());
      process = pb.start();
    }

    String token() throws IOException {
      return Files.readString(home.resolve("controller/operator-token")).trim();
    }

    JsonObject get(String path) {
      try {
        return getAs(token(), path);
      } catch (IOException e) {
        return null;
      }
    }

    /** GET with an operator token; null unless 200. */
    JsonObject getAs(String operatorToken, String path) {
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
            .timeout(Duration.ofSeconds(10));
        if (path.startsWith("/api/")) {
          b.header("Authorization", "Bearer " + operatorToken);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    HttpResponse<String> post(String path, JsonObject body) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
          .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    int clusterSize() {
      JsonObject h = get("/healthz");
      return h == null || h.getJsonObject("cluster") == null ? 0 : h.getJsonObject("cluster").getInteger("members");
    }

    /** The nodes this member knows, by instance ID. */
    Map<String, JsonObject> nodes() {
      JsonObject o = get("/api/v1/nodes");
      Map<String, JsonObject> out = new HashMap<>();
      if (o != null) {
        o.getJsonArray("nodes").forEach(n -> out.put(((JsonObject) n).getString("id"), (JsonObject) n));
      }
      return out;
    }

    long ready() {
      return nodes().values().stream().filter(n -> n.getString("state").equals("READY")).count();
    }

    void stop() throws Exception {
      if (process != null && process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    }
  }

  String membersList() {
    return String.join(",", members.stream().map(m -> "127.0.0.1:" + m.hazelcast).toList());
  }

  void startAll(boolean copyCa) throws Exception {
    String list = membersList();
    members.get(0).start(list);
    Wait.until(() -> members.get(0).clusterSize() >= 1, 90);
    for (Member m : members.subList(1, members.size())) {
      if (copyCa) {
        // every member has the cluster's CA, as an operator copies it when adding a controller
        copyTree(members.get(0).home.resolve("controller/ca"), m.home.resolve("controller/ca"));
      }
      m.start(list);
    }
    Wait.until(() -> members.stream().allMatch(m -> m.clusterSize() == members.size()), 120);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Member m : members) {
      if (m.process != null) {
        m.process.destroyForcibly().waitFor();
      }
    }
    if (cloud != null) {
      // the agents of the local cloud
      try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
        all.filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(cloud.toString())).orElse(false))
            .forEach(ProcessHandle::destroyForcibly);
      }
    }
    System.clearProperty("baton.home");
    System.clearProperty("baton.local-cloud");
  }

  @Test
  void aClusterLosesNothingWhenAControllerIsKilledOrTheWholeClusterRestarts() throws Exception {
    cloud = dir.resolve("cloud");
    Files.createDirectories(cloud);
    for (int i = 0; i < 3; i++) {
      members.add(new Member(i + 1));
    }
    startAll(true);
    Member first = members.get(0);
    Path platform = platform();

    // the instances, provisioned through the first member; their agents are given every member's endpoint
    System.setProperty("baton.home", first.home.toString());
    System.setProperty("baton.local-cloud", cloud.toString());
    long t0 = System.currentTimeMillis();
    CliRun run = CliRun.of("provision", "--yes", "--wait", "0", "--parallelism", "20", platform.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());

    // kill -9 the member most agents are connected to, once some nodes are READY and others are mid-way
    Wait.until(() -> first.ready() >= NODES / 5, 600);
    Member victim = members.stream().max(java.util.Comparator.comparingLong(m -> connectedTo(m.bridge))).orElseThrow();
    long onVictim = connectedTo(victim.bridge);
    long notReady = NODES - victim.ready();
    victim.process.destroyForcibly(); // SIGKILL
    victim.process.waitFor();
    long killedAt = System.currentTimeMillis();
    List<Member> alive = members.stream().filter(m -> m != victim).toList();
    Wait.until(() -> alive.stream().allMatch(m -> m.clusterSize() == 2), 60);
    Wait.until(() -> alive.stream().allMatch(m -> m.ready() == NODES), 600);
    long allReady = System.currentTimeMillis();
    for (Member m : alive) {
      Map<String, JsonObject> all = m.nodes();
      // a boot that failed leaves no instance (as a failed RunInstances) and provision launches it again: the
      // first instance's record, which never registered, is TERMINATED once reconciliation finds it gone
      List<JsonObject> retried = all.values().stream().filter(n -> "TERMINATED".equals(n.getString("state"))).toList();
      for (JsonObject n : retried) {
        assertEquals(List.of("LAUNCHED", "TERMINATED"), n.getJsonArray("timeline").stream()
            .map(p -> ((JsonObject) p).getString("phase")).toList(), "only a boot that never registered: " + n.encode());
      }
      if (!retried.isEmpty()) {
        System.out.println("cluster-it: member " + m.index + ": " + retried.size() + " boots failed and were launched"
            + " again; provision said: " + (run.out() + run.err()).lines()
                .filter(l -> l.matches("(?i).*(retr|fail|error|refus).*")).limit(20).toList());
      }
      Map<String, JsonObject> nodes = new HashMap<>(all);
      nodes.values().removeAll(retried);
      assertEquals(NODES, nodes.size(), "one live record per instance on member " + m.index);
      assertEquals(NODES, nodes.values().stream().map(n -> n.getString("name")).distinct().count(),
          "one live node per name on member " + m.index);
      for (JsonObject n : nodes.values()) {
        long readies = n.getJsonArray("timeline").stream().filter(p -> ((JsonObject) p).getString("phase").equals("READY"))
            .count();
        assertEquals(1, readies, "READY once: " + n.encode());
      }
    }
    Map<String, Integer> bootstraps = bootstrapRuns();
    assertEquals(NODES, bootstraps.size());
    assertTrue(bootstraps.values().stream().allMatch(c -> c >= 1), "every node bootstrapped: " + bootstraps);
    System.out.printf("cluster-it: %d nodes; member %d killed with %d agents connected to it and %d nodes not READY;"
        + " all READY %.1f s after the kill (%.1f s after provision began); bootstraps run again (the phase in flight,"
        + " resumed elsewhere): %d%n", NODES, victim.index, onVictim, notReady, (allReady - killedAt) / 1000.0,
        (allReady - t0) / 1000.0, bootstraps.values().stream().filter(c -> c > 1).count());

    // any member reaches any agent: the same node's facts asked through each surviving member
    for (Member m : alive) {
      HttpResponse<String> facts = m.post("/api/v1/actions", new JsonObject().put("customer", "demo")
          .put("platform", "cluster-it").put("group", "7b000000-0000-4000-8000-000000001000")
          .put("action", new JsonObject().put("name", "facts").put("type", "facts")).put("batch_size", 1));
      assertEquals(200, facts.statusCode());
      JsonObject result = new JsonObject(facts.body().lines().toList().get(1));
      assertEquals("ok", result.getString("status"), "through member " + m.index + ": " + facts.body());
      assertTrue(result.getJsonObject("facts").getInteger("processors") >= 1);
    }

    // the provisioning lock is the cluster's: held through one member, a provision through another is refused
    Member holder = alive.get(0);
    Member other = alive.get(1);
    HttpResponse<String> lock = holder.post("/api/v1/locks", new JsonObject().put("scope", "demo/cluster-it/-")
        .put("holder", new JsonObject().put("command", "provision").put("pid", 4242).put("host", "ops-1")
            .put("user", "alice").put("since", "2026-11-22T05:00:00Z")).put("ttl_seconds", 60));
    assertEquals(201, lock.statusCode(), lock.body());
    System.setProperty("baton.home", other.home.toString());
    CliRun refused = CliRun.of("provision", "--yes", "--wait", "0", platform.toString());
    assertEquals(1, refused.exitCode(), refused.out());
    assertTrue(refused.err().contains("refused: provision of") && refused.err().contains("pid 4242 on ops-1 (user alice)")
        && refused.err().contains("in the whole cluster"), refused.err());
    holder.post("/api/v1/locks/release", new JsonObject().put("scope", "demo/cluster-it/-")
        .put("lease", new JsonObject(lock.body()).getString("lease")));

    // operator tokens and the history are the cluster's: a token made through one member opens the others, and
    // what was changed through one member is in the history of each
    HttpResponse<String> made = holder.post("/api/v1/operator-tokens", new JsonObject().put("name", "cluster-reader")
        .put("role", "read"));
    assertEquals(201, made.statusCode(), made.body());
    String reader = new JsonObject(made.body()).getString("token");
    Wait.until(() -> other.getAs(reader, "/api/v1/nodes") != null, 30);
    java.util.function.Function<Member, List<String>> kinds = m -> {
      JsonObject h = m.getAs(reader, "/api/v1/history");
      return h == null ? List.of() : h.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("what")
          + "@" + ((JsonObject) e).getString("outcome")).toList();
    };
    Wait.until(() -> kinds.apply(other).containsAll(List.of("provision@ok", "intents@ok", "run@ok", "tokens.create@ok")), 30);

    // a restart of the whole cluster (the killed member too): every record and certificate is kept
    Map<String, String> keys = new HashMap<>();
    alive.get(0).nodes().forEach((id, n) -> keys.put(id, n.getString("key_fingerprint")));
    String ca = alive.get(0).get("/api/v1/bootstrap").getString("ca_sha256");
    Map<String, Long> connections = connections();
    for (Member m : alive) {
      m.stop();
    }
    startAll(false);
    for (Member m : members) {
      Wait.until(() -> m.ready() == NODES, 120);
      Map<String, JsonObject> nodes = m.nodes();
      assertEquals(NODES, nodes.size());
      nodes.forEach((id, n) -> assertEquals(keys.get(id), n.getString("key_fingerprint"), "the node's key on member "
          + m.index));
      assertEquals(ca, m.get("/api/v1/bootstrap").getString("ca_sha256"), "one CA");
    }
    // every agent reconnects with the identity it holds (no token: it was used once)
    Wait.until(() -> {
      Map<String, Long> now = connections();
      return connections.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), 0L) > e.getValue());
    }, 180);
    long replays = members.stream().mapToLong(m -> m.get("/api/v1/refusals") == null ? 0
        : m.get("/api/v1/refusals").getLong("replayed_token", 0L)).sum();
    assertEquals(0, replays, "no agent presented its token again");
    // the member killed before the token was made has it, and the history of what it missed
    assertTrue(victim.getAs(reader, "/api/v1/nodes") != null, "the token on the restarted member");
    assertTrue(kinds.apply(victim).containsAll(List.of("provision@ok", "run@ok", "tokens.create@ok")),
        kinds.apply(victim).toString());

    System.setProperty("baton.home", members.get(1).home.toString());
    CliRun destroy = CliRun.of("destroy", "--yes", platform.toString());
    assertEquals(0, destroy.exitCode(), destroy.out() + destroy.err());
  }

  /** How many agents are connected to a bridge port now (their logs' last connection). */
  long connectedTo(int bridgePort) {
    long n = 0;
    try (Stream<Path> dirs = Files.list(cloud.resolve("instance-data"))) {
      for (Path d : dirs.toList()) {
        List<String> lines = Files.readAllLines(d.resolve("agent.log")).stream().filter(l -> l.contains("agent: connected to"))
            .toList();
        if (!lines.isEmpty() && lines.get(lines.size() - 1).contains(":" + bridgePort + " ")) {
          n++;
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return n;
  }

  /** Connections made by each agent so far. */
  Map<String, Long> connections() {
    Map<String, Long> out = new HashMap<>();
    try (Stream<Path> dirs = Files.list(cloud.resolve("instance-data"))) {
      for (Path d : dirs.toList()) {
        out.put(d.getFileName().toString(), Files.readAllLines(d.resolve("agent.log")).stream()
            .filter(l -> l.contains("agent: connected to")).count());
      }
    } catch (IOException e) {
      // read again next time
    }
    return out;
  }

  /** How many times each node's bootstrap command ran. */
  Map<String, Integer> bootstrapRuns() throws IOException {
    Map<String, Integer> out = new HashMap<>();
    try (Stream<Path> dirs = Files.list(cloud.resolve("instance-data"))) {
      for (Path d : dirs.toList()) {
        Path runs = d.resolve("state/runs");
        out.put(d.getFileName().toString(), Files.exists(runs) ? (int) Files.readAllLines(runs).stream()
            .filter(l -> l.equals("bootstrap")).count() : 0);
      }
    }
    return out;
  }

  Path platform() throws IOException {
    Path p = dir.resolve("cluster-it");
    Files.createDirectories(p);
    Files.writeString(p.resolve("platform.yaml"), """
        name: cluster-it
        customer: demo
        provider: local
        region: local-1
        domain: cluster.baton.test
        """);
    StringBuilder b = new StringBuilder("""
        kind: vpc
        name: main
        uuid: 7b000000-0000-4000-8000-000000000001
        cidr: 10.50.0.0/16
        ---
        kind: subnet
        name: a
        uuid: 7b000000-0000-4000-8000-000000000002
        vpc: main
        cidr: 10.50.0.0/20
        az: local-1a
        """);
    for (int i = 0; i < NODES; i++) {
      b.append("---\nkind: instance\nname: n").append(String.format("%03d", i)).append("\nuuid: 7b000000-0000-4000-8000-")
          .append(String.format("%012d", 1000 + i)).append("\n").append("""
          subnet: a
          instance_type: t3.micro
          handoff:
            config_management: shell
            shell: {bootstrap: "sleep 2; echo bootstrap >> runs", final: "echo final >> runs"}
          """);
    }
    Files.writeString(p.resolve("nodes.yaml"), b.toString());
    return p;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path f : walk.toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
