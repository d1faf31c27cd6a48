package dev.baton.controller.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved plan: its digest, read back as written, and --target's closure over the dependency graph. */
class SavedPlanTest {
  static final String PLATFORM = "name: shop\ncustomer: acme\nprovider: local\nregion: local-1\n";
  static final String RESOURCES = """
      kind: vpc
      name: main
      uuid: 00000000-0000-4000-8000-000000000001
      cidr: 10.0.0.0/16
      ---
      kind: subnet
      name: a
      uuid: 00000000-0000-4000-8000-000000000002
      vpc: main
      cidr: 10.0.1.0/24
      az: local-1a
      ---
      kind: security_group
      name: web
      uuid: 00000000-0000-4000-8000-000000000003
      vpc: main
      ingress: [{protocol: tcp, ports: 443, groups: [app]}]
      ---
      kind: security_group
      name: app
      uuid: 00000000-0000-4000-8000-000000000004
      vpc: main
      """;

  @TempDir
  Path dir;

  Platform load() throws Exception {
    Files.writeString(dir.resolve("platform.yaml"), PLATFORM);
    Files.writeString(dir.resolve("net.yaml"), RESOURCES);
    Files.writeString(dir.resolve("ip.yaml"), "kind: elastic_ip\nname: web\nuuid: 00000000-0000-4000-8000-000000000005\n");
    return DefinitionLoader.load(dir, dir.toString(), null);
  }

  @Test
  void aPlanReadBackHasTheDigestItWasWrittenWith() throws Exception {
    Platform p = load();
    Plan plan = Planner.diff(p, Planner.scopeOf(p), Map.of());
    SavedPlan saved = SavedPlan.of(p, plan, List.of(), Instant.parse("2026-01-02T03:04:05Z"));
    Path file = dir.resolve("out/p.json");
    saved.write(file);
    SavedPlan read = SavedPlan.read(file, "p.json");
    assertEquals(saved.digest(), read.digest());
    assertEquals(saved, read);
    assertEquals(List.of("ip.yaml", "net.yaml", "platform.yaml"), List.copyOf(read.definitions().files().keySet()));
    assertTrue(saved.digest().matches("sha256:[0-9a-f]{64}"));
    assertEquals(saved.digest(), SavedPlan.of(p, plan, List.of(), Instant.parse("2026-01-02T03:04:05Z")).digest(),
        "the same inputs digest the same");

    Files.writeString(file, Files.readString(file).replace("\"vpc\"", "\"subnet\""));
    BatonException e = assertThrows(BatonException.class, () -> SavedPlan.read(file, "p.json"));
    assertTrue(e.getMessage().contains("it was changed after it was saved"), e.getMessage());
    Files.writeString(file, "{\"format\": \"terraform\"}");
    e = assertThrows(BatonException.class, () -> SavedPlan.read(file, "p.json"));
    assertTrue(e.getMessage().startsWith("p.json: not a saved plan of format baton-plan/1"), e.getMessage());
  }

  @Test
  void numbersDigestTheSameHoweverTheyAreHeld() {
    assertEquals(CanonicalJson.digest(Map.of("n", 10, "b", 1.5)), CanonicalJson.digest(Map.of("b", 1.50, "n", 10L)));
    assertEquals("{\"a\":[2,1],\"b\":10}", CanonicalJson.encode(Map.of("b", 10.0, "a", List.of(2, 1))));
  }

  @Test
  void aTargetTakesWhatItReferencesAndNothingElse() throws Exception {
    Platform p = load();
    Plan plan = Planner.diff(p, Planner.scopeOf(p), Map.of());
    Targets.Narrowed subnet = Targets.resolve(p, List.of("subnet/a")).narrow(plan);
    assertEquals(List.of("vpc/main", "subnet/a"), subnet.plan().effective().stream().map(PlannedChange::address).toList());
    assertEquals(3, subnet.pending().size());

    // a rule naming another group needs that group, or the rule could not be completed
    Targets.Narrowed web = Targets.resolve(p, List.of("security_group/web")).narrow(plan);
    assertEquals(List.of("security_group/app", "security_group/web", "vpc/main"), web.plan().effective().stream()
        .map(PlannedChange::address).sorted().toList());

    Targets byFile = Targets.resolve(p, List.of("ip.yaml"));
    assertEquals(List.of("ip.yaml"), byFile.given());
    assertEquals(List.of("elastic_ip/web"), byFile.narrow(plan).plan().effective().stream().map(PlannedChange::address)
        .toList());

    BatonException e = assertThrows(BatonException.class, () -> Targets.resolve(p, List.of("security_group/wbe")));
    assertEquals("--target security_group/wbe: no security_group named \"wbe\" in shop; did you mean \"web\"?",
        e.getMessage());
    e = assertThrows(BatonException.class, () -> Targets.resolve(p, List.of("platform.yaml")));
    assertTrue(e.getMessage().contains("defines no resource"), e.getMessage());
  }
}
