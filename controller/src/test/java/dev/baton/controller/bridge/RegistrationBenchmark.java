package dev.baton.controller.bridge;

import dev.baton.agent.bridge.BridgeClient;
import dev.baton.common.bus.Addresses;
import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Keys;
import dev.baton.common.msg.Registration;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks.md: a burst of simulated agents (in this process) registering with
 * one controller: real TLS per agent, real attestation (token use, cloud confirmation against a
 * live process, CSR check, certificate issued), durable writes. Run: bin/bench RegistrationBenchmark
 */
@Tag("benchmark")
class RegistrationBenchmark {
  static final int AGENTS = Integer.getInteger("agents", 1000);
  static final int IN_FLIGHT = Integer.getInteger("inflight", 100);
  /** The first burst meets a controller that has just started (cold); the next ones a warmer one. */
  static final int BURSTS = Integer.getInteger("bursts", 5);
  /** Instances per stand-in process: a real instance's process names one, a holder names this many. */
  static final int PER_HOLDER = 50;

  @Test
  void burstOfAgentsRegistering(@TempDir Path home) throws Exception {
    try (ControllerFixture c = new ControllerFixture(home, new BridgeServer.Limits(64 * 1024, 2 * IN_FLIGHT, 60_000))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < BURSTS * AGENTS; i++) {
        ids.add(String.format("i-%017x", 0xb0000L + i));
      }
      // live processes stand for the instances, each naming 50 of them on its command line (which
      // the local cloud reads to confirm an instance: one process naming them all would make that
      // read cost what no real instance costs)
      List<Process> holders = new ArrayList<>();
      try {
        for (int h = 0; h < ids.size(); h += PER_HOLDER) {
          List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "sleep 900"));
          ids.subList(h, Math.min(ids.size(), h + PER_HOLDER)).forEach(id -> cmd.add("-Dbaton.instance=" + id));
          holders.add(new ProcessBuilder(cmd).start());
        }
        List<JsonObject> requests = new ArrayList<>();
        for (int n = 0; n < ids.size(); n++) {
          String id = ids.get(n);
          Process holder = holders.get(n / PER_HOLDER);
          Path f = home.resolve("local-cloud/instance/" + id + ".json");
          Files.createDirectories(f.getParent());
          Files.writeString(f, new JsonObject().put("id", id).put("uuid", "u-" + id).put("state", "running")
              .put("attributes", new JsonObject()).put("tags", new JsonObject().put("baton:uuid", "u-" + id)
                  .put("baton:platform", "bench").put("baton:customer", "bench")).encode());
          Path d = home.resolve("local-cloud/instance-data/" + id);
          Files.createDirectories(d);
          Files.writeString(d.resolve("pid"), Long.toString(holder.pid()));
          String token = c.server.tokens().issue("bench", "bench", null, "node-" + id, "u-" + id, id, Duration.ofHours(1));
          String doc = dev.baton.controller.provider.local.LocalIdentities.issue(home.resolve("local-cloud"), id).toJson()
              .encode();
          requests.add(new Registration.Request(token, Registration.EVIDENCE_LOCAL, id,
              Csrs.create(Keys.ec(), id, Map.of(), null), doc, null, "bench").toJson());
        }
        io.vertx.core.net.NetClient shared = c.vertx.createNetClient(new io.vertx.core.net.NetClientOptions().setSsl(true)
            .setSslEngineOptions(Boolean.getBoolean("jdkclient") ? new io.vertx.core.net.JdkSSLEngineOptions()
                : new io.vertx.core.net.OpenSSLEngineOptions())
            .setHostnameVerificationAlgorithm("HTTPS").setTrustOptions(new io.vertx.core.net.PemTrustOptions()
                .addCertValue(io.vertx.core.buffer.Buffer.buffer(c.server.ca().certificatePem()))));
        int failed = burst("cold: the controller's first " + AGENTS, c, shared, requests.subList(0, AGENTS));
        for (int b = 1; b < BURSTS; b++) {
          failed += burst("warm " + b + ": the next " + AGENTS, c, shared, requests.subList(b * AGENTS, (b + 1) * AGENTS));
        }
        if (failed > 0) {
          throw new AssertionError(failed + " registrations failed");
        }
      } finally {
        holders.forEach(Process::destroyForcibly);
      }
    }
  }

  private static int burst(String label, ControllerFixture c, io.vertx.core.net.NetClient shared,
      List<JsonObject> requests) throws Exception {
    long[] latency = new long[AGENTS];
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicInteger failed = new AtomicInteger();
    List<Future<Void>> all = new ArrayList<>();
    Map<Long, Long> threadCpu0 = threadCpu();
    long jit0 = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    long gc0 = gcMillis();
    long cpu0 = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis();
    long t0 = System.nanoTime();
    for (int i = 0; i < AGENTS; i++) {
      slots.acquire();
      int n = i;
      long s = System.nanoTime();
      BridgeClient client = new BridgeClient(c.vertx, shared);
      all.add(client.connect(c.endpoint()).compose(v -> client.request(Addresses.REGISTER, requests.get(n), 60_000))
          .<Void>map(r -> {
            latency[n] = System.nanoTime() - s;
            return null;
          }).recover(e -> {
            failed.incrementAndGet();
            System.out.println("failed: " + e.getMessage());
            return Future.succeededFuture();
          }).andThen(ar -> {
            client.close();
            slots.release();
          }));
    }
    Future.all(all).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long cpu = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis() - cpu0;
    System.out.printf("cpu, " + label + ": %.1f s of CPU in %.1f s (%.0f%% of the machine's 2 cores)%n", cpu / 1000.0, seconds,
        cpu / 10.0 / seconds / 2);
    printCpuByThread(threadCpu0, cpu);
    System.out.printf("  JIT compiling %d ms, GC pauses %d ms%n",
        java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0, gcMillis() - gc0);
    Arrays.sort(latency);
    System.out.printf("registrations, " + label + ": %d agents, %d in flight, %d failed; %.2f s; %.0f registrations/s;"
        + " latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", AGENTS, IN_FLIGHT, failed.get(), seconds,
        AGENTS / seconds, latency[AGENTS / 2] / 1e6, latency[AGENTS * 99 / 100] / 1e6, latency[AGENTS - 1] / 1e6);
    return failed.get();
  }

  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static Map<Long, Long> threadCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new java.util.HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      cpu.put(id, mx.getThreadCpuTime(id));
    }
    return cpu;
  }

  /** Where the timed window's CPU went, by thread (numbers folded), the rest being the JVM's own (GC, JIT). */
  private static void printCpuByThread(Map<Long, Long> before, long totalMillis) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new java.util.TreeMap<>();
    long sum = 0;
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long now = mx.getThreadCpuTime(id);
      if (info == null || now < 0) {
        continue;
      }
      long used = (now - before.getOrDefault(id, 0L)) / 1_000_000;
      byGroup.merge(info.getThreadName().replaceAll("\\d+", "N"), used, Long::sum);
      sum += used;
    }
    byGroup.put("(JVM: GC, JIT; and threads gone)", totalMillis - sum);
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
        .forEach(e -> System.out.printf("  cpu %-40s %6d ms%n", e.getKey(), e.getValue()));
  }
}
