package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.controller.Wait;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks.md: a 5 MB archive released onto 100 local nodes (real agent
 * processes) in batches of 25, twice (a first release, then a second), and a rollback to the
 * first (no download). Prints the wall time, each batch's time, the controller's CPU time per node
 * (this JVM runs the controller; the agents are processes of their own) and the bytes fetched
 * from the source and served to nodes. Run: bin/bench DeployBenchmark
 */
@Tag("benchmark")
class DeployBenchmark {
  static final int NODES = Integer.getInteger("bench.nodes", 100);
  static final int MB = 5;

  @Test
  void aFiveMegabyteArchiveToAHundredNodesInBatchesOfTwentyFive(@TempDir Path home) throws Exception {
    System.setProperty("baton.home", home.toString());
    Path platform = home.resolve("bench");
    Files.createDirectories(platform.resolve("artifacts"));
    Files.writeString(platform.resolve("platform.yaml"), "name: bench\ncustomer: bench\nprovider: local\n"
        + "region: local-1\ndomain: bench.baton.test\n");
    Files.writeString(platform.resolve("fleet.yaml"), """
        kind: vpc
        name: main
        uuid: 6e1b4d4f-0000-4000-8000-0000000000b1
        cidr: 10.90.0.0/16
        ---
        kind: subnet
        name: a
        uuid: 6e1b4d4f-0000-4000-8000-0000000000b2
        vpc: main
        cidr: 10.90.0.0/20
        az: local-1a
        ---
        kind: autoscaling_group
        name: fleet
        uuid: 6e1b4d4f-0000-4000-8000-0000000000b3
        cluster: bench
        role: app
        launch: {instance_type: t3.small}
        subnets: [a]
        min: %d
        max: %d
        handoff: {config_management: none}
        ---
        kind: application
        name: payload
        uuid: 6e1b4d4f-0000-4000-8000-0000000000b4
        source: {directory: artifacts}
        groups: [fleet]
        batch: "25%%"
        hooks: {start: "test -s payload.bin", validate: "true"}
        """.formatted(NODES, NODES));
    for (String rev : List.of("r1", "r2")) {
      Path tree = Files.createDirectories(platform.resolve("artifacts/" + rev));
      byte[] payload = new byte[MB << 20];
      new Random(rev.hashCode()).nextBytes(payload); // incompressible: the archive is as large as its payload
      Files.write(tree.resolve("payload.bin"), payload);
    }
    try (ControllerFixture c = new ControllerFixture(home, BridgeServer.Limits.defaults(), ControllerFixture.freePort())) {
      long t0 = System.currentTimeMillis();
      CliRun up = CliRun.of("provision", "--yes", platform.toString());
      assertEquals(0, up.exitCode(), up.out() + up.err());
      Wait.until(() -> c.server.registry().all().stream().filter(n -> n.state() == NodeState.READY).count() == NODES,
          900, NODES + " READY nodes");
      System.out.printf("%d nodes READY in %.0f s%n", NODES, (System.currentTimeMillis() - t0) / 1000.0);
      Thread.sleep(10_000); // let the launch settle: what follows is the deployment's cost alone
      run(c, platform, "r1", "deploy", "payload", "--revision", "r1");
      run(c, platform, "r2", "deploy", "payload", "--revision", "r2");
      run(c, platform, "r1 again", "rollback", "payload", "--to", "r1");
      CliRun down = CliRun.of("destroy", "--yes", platform.toString());
      assertEquals(0, down.exitCode(), down.out() + down.err());
    } finally {
      System.clearProperty("baton.home");
    }
  }

  private static void run(ControllerFixture c, Path platform, String what, String command, String... args) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    double fetched0 = counter(c, "baton_artifact_bytes_total{direction=\"fetched\"}");
    double served0 = counter(c, "baton_artifact_bytes_total{direction=\"served\"}");
    long t0 = System.nanoTime();
    List<String> argv = new ArrayList<>(List.of(command, platform.toString()));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--output", "json"));
    CliRun r = CliRun.of(argv.toArray(String[]::new));
    double wall = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, r.exitCode(), r.out() + r.err());
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e6;
    JsonObject out = new JsonObject(r.out());
    String id = out.getString("deployment");
    JsonObject d = c.server.deployments().store().deployment(id).orElseThrow();
    TreeMap<Integer, long[]> batches = new TreeMap<>(); // batch -> [first start, last end] from each node's timeline
    out.getJsonArray("nodes").forEach(o -> {
      JsonObject n = (JsonObject) o;
      c.server.registry().get(n.getString("instance")).ifPresent(rec -> rec.timeline().stream()
          .filter(p -> p.name().endsWith(" " + d.getJsonObject("request").getString("revision")) && p.end() != null)
          .reduce((a, b) -> b).ifPresent(p -> batches.merge(n.getInteger("batch"), new long[] {p.start().toEpochMilli(),
              p.end().toEpochMilli()}, (x, y) -> new long[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])})));
    });
    StringBuilder each = new StringBuilder();
    batches.forEach((b, span) -> each.append(each.length() == 0 ? "" : ", ").append(String.format("%.1f s", (span[1] - span[0])
        / 1000.0)));
    System.out.printf("%s: %d nodes in %.1f s wall (batches: %s); controller CPU %.0f ms = %.1f ms per node;"
            + " archive %.1f MB, fetched from the source %.1f MB, served to nodes %.1f MB%n", what,
        out.getJsonArray("nodes").size(), wall, each, cpu, cpu / NODES, d.getJsonObject("artifact").getLong("bytes") / 1e6,
        (counter(c, "baton_artifact_bytes_total{direction=\"fetched\"}") - fetched0) / 1e6,
        (counter(c, "baton_artifact_bytes_total{direction=\"served\"}") - served0) / 1e6);
  }

  private static double counter(ControllerFixture c, String series) {
    for (String line : c.server.metrics().scrape().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return 0;
  }
}
