package dev.baton.controller.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.cli.CliRun;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every platform under examples/ is valid in every one of its environments. */
class ExamplesTest {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", "..")).normalize();

  static Stream<Path> platforms() throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT.resolve("examples"))) {
      return walk.filter(p -> p.getFileName().toString().equals("platform.yaml")).map(Path::getParent).sorted()
          .toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("platforms")
  void exampleValidates(Path dir) {
    CliRun run = CliRun.of("validate", dir.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("valid: "), run.out());
    assertEquals("", run.err());
  }

  @Test
  void theLocalDemoIsSmallAndRunsOnTheLocalProvider() {
    Platform p = DefinitionLoader.load(ROOT.resolve("examples/local-demo"), "examples/local-demo", null);
    assertEquals(ProviderKind.LOCAL, p.spec().provider());
    assertEquals(1, p.ofKind(ResourceKind.VPC).size());
    assertEquals(2, p.ofKind(ResourceKind.SUBNET).size());
    assertEquals(1, p.ofKind(ResourceKind.SECURITY_GROUP).size());
    assertEquals(3, p.ofKind(ResourceKind.INSTANCE).size());
  }

  @Test
  void theAwsExamplesCoverEveryKindInSeveralCustomersWithThreeEnvironments() throws IOException {
    Set<ResourceKind> seen = EnumSet.noneOf(ResourceKind.class);
    Set<String> customers = new java.util.HashSet<>();
    try (Stream<Path> dirs = Files.list(ROOT.resolve("examples/aws"))) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        assertEquals(java.util.List.of("dev", "test", "prod"), DefinitionLoader.environments(dir, dir.toString()));
        for (String env : java.util.List.of("dev", "test", "prod")) {
          Platform p = DefinitionLoader.load(dir, dir.toString(), env);
          customers.add(p.spec().customer());
          p.resources().forEach(r -> seen.add(r.kind()));
        }
      }
    }
    assertTrue(customers.size() >= 3, "several customers: " + customers);
    assertEquals(EnumSet.allOf(ResourceKind.class), seen, "every kind appears in examples/aws");
  }

  @Test
  void environmentsSubstituteTheirOwnVariables() {
    Path acme = ROOT.resolve("examples/aws/acme");
    Platform dev = DefinitionLoader.load(acme, "acme", "dev");
    Platform prod = DefinitionLoader.load(acme, "acme", "prod");
    var devWeb = (dev.baton.controller.definition.model.InstanceSpec) dev.find(ResourceKind.INSTANCE, "web-1").orElseThrow().spec();
    var prodWeb = (dev.baton.controller.definition.model.InstanceSpec) prod.find(ResourceKind.INSTANCE, "web-1").orElseThrow().spec();
    assertEquals("t3.small", devWeb.instanceType());
    assertEquals("m6i.large", prodWeb.instanceType());
    assertEquals("prod", prod.tagsOf(prod.find(ResourceKind.INSTANCE, "web-1").orElseThrow()).get(Platform.TAG_ENV));
    assertEquals("prod", prod.tagsOf(prod.find(ResourceKind.INSTANCE, "web-1").orElseThrow()).get("stage"));
  }
}
