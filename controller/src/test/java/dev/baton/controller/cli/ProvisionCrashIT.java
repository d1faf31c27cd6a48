package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real `controller provision` in the middle of applying a 401-resource platform
 * (one at a time), at several moments: every next run converges to the definition with no
 * live resource carrying the same UUID twice, and a plan after it has nothing to change.
 */
class ProvisionCrashIT {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
  static final int SUBNETS = 400;

  @Test
  void killedAtAnyMomentTheNextRunConvergesWithoutDuplicates(@TempDir Path dir, @TempDir Path home) throws Exception {
    Files.writeString(dir.resolve("platform.yaml"), "name: crash\ncustomer: test\nprovider: local\nregion: local-1\n");
    StringBuilder sb = new StringBuilder("kind: vpc\nname: main\nuuid: 00000000-0000-4000-8000-000000000000\ncidr: 10.0.0.0/16\n");
    for (int i = 0; i < SUBNETS; i++) {
      sb.append(String.format("---\nkind: subnet\nname: s%d\nuuid: 00000000-0000-4000-8000-%012d\nvpc: main\n"
          + "cidr: 10.0.%d.%d/28\naz: local-1a\n", i, i + 1, i / 16, (i % 16) * 16));
    }
    Files.writeString(dir.resolve("net.yaml"), sb.toString());
    List<Integer> leftBehind = new ArrayList<>();
    for (long killAfter : new long[] {700, 1200, 1800, 2500}) {
      Process p = controller(home, "provision", "--yes", "--parallelism", "1", dir.toString()).start();
      Thread.sleep(killAfter);
      p.destroyForcibly(); // SIGKILL
      p.waitFor(10, TimeUnit.SECONDS);
      assertNoDuplicates(home);
      leftBehind.add(live(home).size());
    }
    System.out.println("resources live after each kill -9: " + leftBehind);
    assertTrue(leftBehind.stream().anyMatch(n -> n > 0 && n < SUBNETS + 1),
        "at least one kill landed in the middle of the apply: " + leftBehind);
    Process again = controller(home, "provision", "--yes", dir.toString()).start();
    assertTrue(again.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, again.exitValue(), new String(again.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertNoDuplicates(home);
    assertEquals(SUBNETS + 1, live(home).size());
    Process plan = controller(home, "plan", dir.toString()).start();
    assertTrue(plan.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, plan.exitValue(), "nothing left to change: " + new String(plan.getInputStream().readAllBytes()));
  }

  static ProcessBuilder controller(Path home, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dbaton.home=" + home, "-jar", ROOT.resolve("controller/target/baton-controller.jar").toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
  }

  static List<String> live(Path home) throws Exception {
    Path root = home.resolve("local-cloud");
    if (!Files.exists(root)) {
      return List.of();
    }
    List<String> uuids = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".json") && !x.getFileName().toString().startsWith("."))
          .toList()) {
        uuids.add(new JsonObject(Files.readString(f)).getString("uuid"));
      }
    }
    return uuids;
  }

  static void assertNoDuplicates(Path home) throws Exception {
    Map<String, Integer> count = new HashMap<>();
    live(home).forEach(u -> count.merge(u, 1, Integer::sum));
    count.forEach((uuid, n) -> assertEquals(1, n, "UUID " + uuid + " is live " + n + " times"));
  }
}
