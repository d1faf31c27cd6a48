package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged controller, run as a real process the way bin/controller runs it. */
class ControllerJarIT {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();

  record Result(int code, String out, String err) {}

  static Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", ROOT.resolve("controller/target/baton-controller.jar").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out, err);
  }

  @Test
  void validatesEveryExampleAsARealProcess() throws Exception {
    Result r = run("validate", "examples/local-demo", "examples/aws/acme", "examples/aws/globex", "examples/aws/initech");
    assertEquals(0, r.code(), r.err());
    assertEquals(4, r.out().lines().filter(l -> l.startsWith("valid: ")).count(), r.out());
  }

  @Test
  void rejectsAnInvalidFixtureWithExactlyItsExpectedLines(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path fixtures = ROOT.resolve("controller/src/test/resources/invalid");
    for (String name : List.of("subnet-outside-vpc", "yaml-billion-laughs", "dependency-cycle")) {
      Path dir = java.nio.file.Files.createDirectories(tmp.resolve(name));
      java.nio.file.Files.copy(fixtures.resolve(name + "/a.yaml"), dir.resolve("a.yaml"));
      java.nio.file.Files.copy(fixtures.resolve("_base/platform.yaml"), dir.resolve("platform.yaml"));
      Result r = run("validate", dir.toString());
      assertEquals(1, r.code(), name);
      String expected = java.nio.file.Files.readString(fixtures.resolve(name + "/expected.txt")).strip();
      assertEquals(expected, r.err().replace(dir + "/", "").strip(), name);
      assertEquals("", r.out());
    }
  }

  @Test
  void usageErrorsExitWith64() throws Exception {
    assertEquals(64, run("plan-everything").code());
  }
}
