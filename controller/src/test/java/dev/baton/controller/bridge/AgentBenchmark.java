package dev.baton.controller.bridge;

import dev.baton.cloudinit.UserData;
import dev.baton.common.msg.AgentConfig;
import dev.baton.common.msg.Registration;
import dev.baton.controller.provider.local.LocalInstances;
import dev.baton.controller.registry.NodeRecord;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks.md: a real agent process, as the local provider starts it: time
 * from process start to ATTESTED, idle memory, jar size. Run: bin/bench AgentBenchmark
 */
@Tag("benchmark")
class AgentBenchmark {
  static final int RUNS = 5;

  @Test
  void agentStartToAttestedIdleMemoryAndJarSize(@TempDir Path home) throws Exception {
    Path jar = Path.of(System.getProperty("baton.agent.jar", "../agent/target/baton-agent.jar"));
    System.out.printf("agent jar: %.1f MB%n", Files.size(jar) / 1e6);
    try (ControllerFixture c = new ControllerFixture(home, BridgeServer.Limits.defaults())) {
      Path root = home.resolve("local-cloud");
      List<Long> millis = new ArrayList<>();
      String lastId = null;
      for (int i = 0; i < RUNS; i++) {
        String id = String.format("i-%017x", 0xa9e0L + i);
        String uuid = "00000000-0000-4000-8000-0000000a9e0" + i;
        Path f = root.resolve("instance/" + id + ".json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, new JsonObject().put("id", id).put("uuid", uuid).put("state", "running")
            .put("attributes", new JsonObject()).put("tags", new JsonObject().put("baton:uuid", uuid)
                .put("baton:platform", "bench").put("baton:customer", "bench")).encode());
        String token = c.server.tokens().issue("bench", "bench", null, "node-" + i, uuid, id, Duration.ofHours(1));
        JsonObject b = c.server.bootstrap();
        List<String> eps = new ArrayList<>();
        b.getJsonArray("endpoints").forEach(e -> eps.add(e.toString()));
        AgentConfig cfg = new AgentConfig(eps, b.getString("ca_pem"), b.getString("ca_sha256"), token,
            Registration.EVIDENCE_LOCAL, null, "node-" + i, "bench", null);
        String cloudConfig = UserData.render(new UserData.Input(cfg, UserData.Family.DEBIAN,
            "https://127.0.0.1/agent/baton-agent.jar", "0".repeat(64))).cloudConfig();
        long start = System.currentTimeMillis();
        LocalInstances.launch(root, id, UserData.agentConfigOf(cloudConfig), jar);
        while (c.server.registry().get(id).map(r -> !r.state().name().equals("READY")).orElse(true)) {
          Thread.sleep(5);
          if (System.currentTimeMillis() - start > 60_000) {
            throw new AssertionError("agent did not attest in 60 s");
          }
        }
        NodeRecord r = c.server.registry().get(id).orElseThrow();
        long attested = r.timeline().stream().filter(p -> p.name().equals("ATTESTED")).findFirst().orElseThrow()
            .start().toEpochMilli();
        millis.add(attested - start);
        if (i < RUNS - 1) {
          LocalInstances.terminate(root, id);
        }
        lastId = id;
      }
      millis.sort(Long::compare);
      System.out.printf("agent start to ATTESTED: min %d ms, median %d ms, max %d ms over %d runs (%s)%n",
          millis.get(0), millis.get(RUNS / 2), millis.get(RUNS - 1), RUNS, millis);
      Thread.sleep(30_000);
      long pid = LocalInstances.process(root, lastId).orElseThrow().pid();
      String status = Files.readString(Path.of("/proc/" + pid + "/status"));
      String smaps = Files.readString(Path.of("/proc/" + pid + "/smaps_rollup"));
      System.out.printf("agent idle 30 s after READY: %s, %s, Pss %s%n", line(status, "VmRSS"), line(status, "RssAnon"),
          line(smaps, "Pss:"));
      LocalInstances.terminate(root, lastId);
    }
  }

  static String line(String text, String key) {
    return text.lines().filter(l -> l.startsWith(key)).findFirst().orElse(key + " ?").replaceAll("\\s+", " ").trim();
  }
}
