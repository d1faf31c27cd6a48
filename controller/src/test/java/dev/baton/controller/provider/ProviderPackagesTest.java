package dev.baton.controller.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The provider SPI ({@code dev.baton.controller.provider}) knows none of its implementations: the
 * engine and the controller depend on it alone, and only the factory names AWS and the local cloud.
 * No class of the provider packages grows past {@link #MAX_LINES} lines: one job each.
 */
class ProviderPackagesTest {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", ".."));
  static final Path SPI = ROOT.resolve("controller/src/main/java/dev/baton/controller/provider");
  static final int MAX_LINES = 400;

  @Test
  void theSpiNamesNoImplementation() throws Exception {
    Pattern implementation = Pattern.compile("dev\\.baton\\.controller\\.provider\\.(aws|local|factory)\\b");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(SPI)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String[] lines = Files.readString(f).split("\n");
        for (int i = 0; i < lines.length; i++) {
          if (implementation.matcher(lines[i]).find()) {
            found.add(f.getFileName() + ":" + (i + 1) + ": " + lines[i].strip());
          }
        }
      }
    }
    assertEquals(List.of(), found, "the SPI package names an implementation");
  }

  @Test
  void noProviderClassIsOverItsSize() throws Exception {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SPI)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        long lines = Files.readAllLines(f).size();
        if (lines > MAX_LINES) {
          found.add(SPI.relativize(f) + ": " + lines + " lines");
        }
      }
    }
    assertEquals(List.of(), found, "split these into classes of one job each");
  }
}
