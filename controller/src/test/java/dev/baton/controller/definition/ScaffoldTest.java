package dev.baton.controller.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.Diagnostic;
import dev.baton.common.error.InvalidDefinitionException;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.definition.model.ResourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code controller new} writes files that need only their example values replaced. */
class ScaffoldTest {

  @ParameterizedTest
  @EnumSource(ResourceKind.class)
  void scaffoldOfEveryKindHasOnlyKnownKeysOfTheRightType(ResourceKind kind, @TempDir Path tmp) throws IOException {
    assertEquals(0, CliRun.of("new", "platform", "demo", "--in", tmp.toString()).exitCode());
    CliRun run = CliRun.of("new", kind.yaml(), "thing", "--in", tmp.resolve("res").toString());
    assertEquals(0, run.exitCode(), run.err());
    String text = Files.readString(tmp.resolve("res/thing.yaml"));
    assertTrue(text.contains("kind: " + kind.yaml()));
    assertTrue(text.matches("(?s).*\nuuid: [0-9a-f-]{36}\n.*"), text);
    try {
      DefinitionLoader.load(tmp, tmp.toString(), null);
    } catch (InvalidDefinitionException e) {
      // Example values name resources that do not exist yet: only reference problems may remain.
      for (Diagnostic d : e.diagnostics()) {
        String m = d.message();
        assertTrue(m.startsWith("no ") && m.contains(" named ") || m.contains("needs a domain")
            || m.contains("\"ami\" is required") || m.contains("is not in the platform's region"),
            kind.yaml() + " scaffold: " + d + "\n" + text);
      }
    }
  }

  @Test
  void aScaffoldedPlatformValidates(@TempDir Path tmp) {
    assertEquals(0, CliRun.of("new", "platform", "shop", "--in", tmp.toString()).exitCode());
    CliRun run = CliRun.of("validate", tmp.toString());
    assertEquals(0, run.exitCode(), run.err());
  }

  @Test
  void everyScaffoldGetsAFreshUuid(@TempDir Path tmp) throws IOException {
    CliRun.of("new", "vpc", "a", "--in", tmp.toString());
    CliRun.of("new", "vpc", "b", "--in", tmp.toString());
    assertNotEquals(uuid(tmp.resolve("a.yaml")), uuid(tmp.resolve("b.yaml")));
  }

  @Test
  void anExistingFileIsNeverOverwritten(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("main.yaml"), "precious\n");
    CliRun run = CliRun.of("new", "vpc", "main", "--in", tmp.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("exists already"), run.err());
    assertEquals("precious\n", Files.readString(tmp.resolve("main.yaml")));
  }

  @Test
  void anUnknownKindIsRefusedWithASuggestion(@TempDir Path tmp) {
    CliRun run = CliRun.of("new", "secuirty_group", "web", "--in", tmp.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("did you mean \"security_group\"?"), run.err());
    assertFalse(Files.exists(tmp.resolve("web.yaml")));
  }

  private static String uuid(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> l.startsWith("uuid: ")).findFirst().orElseThrow();
  }

  @Test
  void invalidNameIsRefused(@TempDir Path tmp) {
    CliRun run = CliRun.of("new", "vpc", "Main VPC", "--in", tmp.toString());
    assertEquals(1, run.exitCode());
    assertEquals(List.of(), List.of(tmp.toFile().list()));
  }
}
