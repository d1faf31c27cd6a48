package dev.baton.controller.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One invalid platform per error, each named after the error it must produce: {@code
 * controller validate} must print exactly the lines of its {@code expected.txt} and exit 1.
 * A fixture without platform.yaml gets {@code _base/platform.yaml} (unless it has {@code
 * .no-base}); a marker {@code .with-FILE} adds {@code _base/FILE} (resources several fixtures
 * refer to); {@code args.txt} adds arguments. UUIDs in messages are fresh suggestions, so
 * they are compared as {@code <uuid>}.
 */
class ValidationFixturesTest {
  static final Path FIXTURES = Path.of("src/test/resources/invalid");

  static Stream<String> fixtures() throws IOException {
    try (Stream<Path> s = Files.list(FIXTURES)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("_"))
          .sorted().toList().stream();
    }
  }

  @Test
  void thereIsAFixtureForEachOfAtLeastFortyErrors() throws IOException {
    assertTrue(fixtures().count() >= 40, "at least 40 invalid fixtures");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void fixtureFailsWithItsExpectedMessage(String name, @TempDir Path tmp) throws IOException {
    Path src = FIXTURES.resolve(name);
    Path dir = prepare(name, tmp);
    List<String> args = new ArrayList<>(List.of("validate", dir.toString()));
    if (Files.exists(src.resolve("args.txt"))) {
      args.addAll(Files.readAllLines(src.resolve("args.txt")).stream().filter(l -> !l.isBlank()).toList());
    }
    CliRun run = CliRun.of(args.toArray(String[]::new));
    String expected = Files.readString(src.resolve("expected.txt"));
    String actual = run.err().replace(dir + "/", "").replace(dir.toString(), ".");
    assertEquals(normalize(expected), normalize(actual), "output of validate for fixture " + name);
    assertEquals(1, run.exitCode(), "exit code for fixture " + name);
    assertEquals("", run.out(), "nothing on stdout for an invalid platform");
  }

  /**
   * A file that cannot be read as YAML at all (not UTF-8, past the alias or nesting limit) stops
   * {@code plan} as it stops {@code validate}: the same lines, the place included, and exit 1.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"file-not-utf8", "file-not-utf8-column-in-characters", "yaml-billion-laughs",
      "yaml-nested-too-deep"})
  void planOfAnUnreadableFileNamesThePlaceAndExits1(String name, @TempDir Path tmp) throws IOException {
    Path dir = prepare(name, tmp);
    CliRun run = CliRun.of("plan", dir.toString());
    String expected = Files.readString(FIXTURES.resolve(name).resolve("expected.txt"));
    assertEquals(normalize(expected), normalize(run.err().replace(dir + "/", "")), "output of plan for " + name);
    assertEquals(1, run.exitCode(), "exit code of plan for " + name);
    assertEquals("", run.out());
  }

  /** The fixture as a platform directory under {@code tmp}: its files, the base it asks for. */
  private static Path prepare(String name, Path tmp) throws IOException {
    Path src = FIXTURES.resolve(name);
    Path dir = tmp.resolve(name);
    copy(src, dir);
    if (!Files.exists(src.resolve(".no-base")) && !Files.exists(src.resolve("platform.yaml"))) {
      Files.copy(FIXTURES.resolve("_base/platform.yaml"), dir.resolve("platform.yaml"));
    }
    try (Stream<Path> marks = Files.list(src)) {
      for (Path mark : marks.filter(m -> m.getFileName().toString().startsWith(".with-")).toList()) {
        String file = mark.getFileName().toString().substring(".with-".length());
        Files.copy(FIXTURES.resolve("_base").resolve(file), dir.resolve(file));
        Files.delete(dir.resolve(mark.getFileName().toString()));
      }
    }
    Files.deleteIfExists(dir.resolve("args.txt"));
    Files.deleteIfExists(dir.resolve("expected.txt"));
    return dir;
  }

  static String normalize(String s) {
    return s.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>").strip();
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
