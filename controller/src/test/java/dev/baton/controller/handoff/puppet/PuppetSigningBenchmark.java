package dev.baton.controller.handoff.puppet;

import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Keys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing throughput against one real puppetserver: Baton's attested signing (fetch the request,
 * read and check it with Bouncy Castle, sign through the CA API) beside the CA's own signing
 * through the same API with no check, and beside {@code puppetserver ca sign --all}, in the same
 * run. Requests (RSA 2048, with pp_instance_id, pp_uuid and a challengePassword, as the hand-off
 * writes them) are filed through the CA API as agents file them. {@code bin/bench PuppetSigningBenchmark
 * [-Dcsrs=N]}.
 */
@Tag("benchmark")
class PuppetSigningBenchmark {
  @TempDir
  Path dir;

  @Test
  void signingThroughput() throws Exception {
    int n = Integer.getInteger("csrs", 100);
    try (PuppetServerFixture server = new PuppetServerFixture(dir.resolve("master"))) {
      PuppetCa ca = server.ca();
      List<PuppetCa.Expected> baton = file(ca, "baton", n);
      List<PuppetCa.Expected> batonParallel = file(ca, "batonp", n);
      List<PuppetCa.Expected> raw = file(ca, "raw", n);
      file(ca, "cli", n);

      long t0 = System.nanoTime();
      for (PuppetCa.Expected e : baton) {
        ca.signAttested(e);
      }
      report("Baton attested signing, 1 at a time", n, System.nanoTime() - t0);

      ExecutorService pool = Executors.newFixedThreadPool(4);
      t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (PuppetCa.Expected e : batonParallel) {
        fs.add(pool.submit(() -> ca.signAttested(e)));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      report("Baton attested signing, 4 at a time", n, System.nanoTime() - t0);
      pool.shutdown();

      t0 = System.nanoTime();
      for (PuppetCa.Expected e : raw) {
        ca.signUnchecked(e.certname());
      }
      report("CA API, sign with no check, 1 at a time", n, System.nanoTime() - t0);

      t0 = System.nanoTime();
      Process p = new ProcessBuilder("puppetserver", "ca", "sign", "--all", "--config",
          server.dir.resolve("puppet/puppet.conf").toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("ca-sign.log").toFile()).start();
      int code = p.waitFor();
      if (code != 0) {
        System.out.println(java.nio.file.Files.readString(dir.resolve("ca-sign.log")));
      }
      report("puppetserver ca sign --all (exit " + code + ", CLI start included)", n, System.nanoTime() - t0);
    }
  }

  /** One RSA key for every request (making 4 x N keys would only time the key generator). */
  private static final java.security.KeyPair KEY = Keys.rsa(2048);

  private static List<PuppetCa.Expected> file(PuppetCa ca, String prefix, int n) {
    List<PuppetCa.Expected> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = prefix + "-" + i + ".bench.test";
      String instance = String.format("i-%017x", (long) prefix.hashCode() * 1000 + i);
      String uuid = java.util.UUID.randomUUID().toString();
      String nonce = "nonce-" + i;
      String csr = Csrs.create(KEY, name, Map.of(PuppetCa.PP_INSTANCE_ID, instance, PuppetCa.PP_UUID, uuid), nonce);
      ca.submitRequest(name, csr);
      out.add(new PuppetCa.Expected(name, instance, uuid, nonce));
    }
    return out;
  }

  private static void report(String what, int n, long nanos) {
    double s = nanos / 1e9;
    System.out.printf("BENCH %-58s %4d requests in %6.2f s: %6.1f/s, %6.1f ms each%n", what, n, s, n / s, s * 1000 / n);
  }
}
