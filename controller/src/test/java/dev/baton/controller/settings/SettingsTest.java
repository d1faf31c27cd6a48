package dev.baton.controller.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.settings.Setting;
import dev.baton.common.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The settings catalogue, docs/settings.md and the code say the same. */
class SettingsTest {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", ".."));

  @Test
  void theDocsListEverySettingAndNoOther() throws Exception {
    String doc = Files.readString(ROOT.resolve("docs/settings.md"));
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("^\\| `(baton\\.[a-z.-]+)` \\|", Pattern.MULTILINE).matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> catalogue = new TreeSet<>();
    Settings.ALL.forEach(s -> catalogue.add(s.name()));
    assertEquals(catalogue, documented);
    for (Setting<?> s : Settings.ALL) {
      assertTrue(doc.contains(s.description()), "docs/settings.md says what " + s.name() + " is: " + s.description());
    }
  }

  @Test
  void noCodeReadsABatonPropertyButTheCatalogue() throws Exception {
    Pattern inline = Pattern.compile("(getProperty|getLong|getInteger|getBoolean)\\(\"baton\\.");
    List<String> found = new ArrayList<>();
    for (String module : List.of("common", "agent", "controller", "cloud-init")) {
      Path src = ROOT.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          String[] lines = Files.readString(f).split("\n");
          for (int i = 0; i < lines.length; i++) {
            if (inline.matcher(lines[i]).find()) {
              found.add(ROOT.relativize(f) + ":" + (i + 1) + ": " + lines[i].strip());
            }
          }
        }
      }
    }
    assertEquals(List.of(), found, "read these through dev.baton.common.settings.Settings");
  }

  @Test
  void aBadValueNamesTheSettingAndItsDefault() {
    System.setProperty("baton.reconcile-interval-ms", "soon");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Settings.RECONCILE_INTERVAL_MS::get);
      assertEquals("the setting baton.reconcile-interval-ms is \"soon\", which is not like its default 30000: how often"
          + " nodes are reconciled with their clouds", e.getMessage());
    } finally {
      System.clearProperty("baton.reconcile-interval-ms");
    }
    assertEquals(30_000L, Settings.RECONCILE_INTERVAL_MS.get());
  }
}
