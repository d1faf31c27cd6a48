package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.Scope;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.local.LocalCloudProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans saved for review and applied exactly ({@code plan --out}, {@code provision --plan}),
 * refused when what they were computed from moved; {@code --target}; the Markdown rendering. On
 * the local provider, through the CLI as a user runs it, on the local demo's network and storage.
 */
class PlanReviewIT {
  static final Pattern SAVED = Pattern.compile("Plan saved to (\\S+) \\((sha256:[0-9a-f]{64})\\)");
  static final Scope SCOPE = new Scope("local-demo", "demo", null);

  @TempDir
  Path home;
  @TempDir
  Path demo;
  @TempDir
  Path plans;

  @BeforeEach
  void copyTheDemo() throws IOException {
    System.setProperty("baton.home", home.toString());
    Files.copy(ProvisionCliIT.SOURCE.resolve("platform.yaml"), demo.resolve("platform.yaml"));
    Files.copy(ProvisionCliIT.SOURCE.resolve("network.yaml"), demo.resolve("network.yaml"));
    Files.writeString(demo.resolve("storage.yaml"), """
        kind: volume
        name: data
        uuid: 00000000-0000-4000-8000-0000000000d1
        az: local-1a
        size_gb: 10
        ---
        kind: elastic_ip
        name: web
        uuid: 00000000-0000-4000-8000-0000000000d2
        ---
        kind: elastic_ip
        name: app
        uuid: 00000000-0000-4000-8000-0000000000d3
        """);
  }

  @AfterEach
  void clear() {
    System.clearProperty("baton.home");
  }

  /** Every live resource of the local cloud, as the JSON files it keeps. */
  List<String> live() throws IOException {
    Path root = home.resolve("local-cloud");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      List<String> out = new ArrayList<>();
      for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.add(Files.readString(p));
      }
      return out;
    }
  }

  /** Runs plan --out and returns the digest it printed. */
  String savePlan(Path file, String... more) {
    List<String> args = new ArrayList<>(List.of("plan", demo.toString(), "--out", file.toString()));
    args.addAll(List.of(more));
    CliRun plan = CliRun.of(args.toArray(String[]::new));
    assertEquals(ExitCodes.CHANGES, plan.exitCode(), plan.err());
    Matcher m = SAVED.matcher(plan.out());
    assertTrue(m.find(), plan.out());
    assertEquals(file.toString(), m.group(1));
    return m.group(2);
  }

  /** Changes a live resource behind Baton's back, through the local cloud itself. */
  void outOfBand(ResourceKind kind, String name, java.util.function.UnaryOperator<Map<String, Object>> change)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      LocalCloudProvider cloud = new LocalCloudProvider(vertx, home);
      LiveResource l = cloud.observe(kind, SCOPE).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
          .stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
      Map<String, Object> attrs = change.apply(new LinkedHashMap<>(l.attributes()));
      cloud.update(l, attrs, l.tags(), new ArrayList<>(attrs.keySet())).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The first ingress rule of the web group, with another description. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> firstRuleDescribed(Map<String, Object> attrs, String description) {
    List<Object> rules = new ArrayList<>((List<Object>) attrs.get("ingress"));
    Map<String, Object> first = new LinkedHashMap<>((Map<String, Object>) rules.get(0));
    first.put("description", description);
    rules.set(0, first);
    attrs.put("ingress", rules);
    return attrs;
  }

  @Test
  void aSavedPlanIsAppliedExactlyAndProvisionReportsItsDigest() throws IOException {
    Path file = plans.resolve("demo.plan.json");
    String digest = savePlan(file);
    assertEquals(List.of(), live(), "plan --out changes nothing");
    JsonObject saved = new JsonObject(Files.readString(file));
    assertEquals(digest, saved.getString("digest"));
    assertEquals(7, saved.getJsonArray("changes").size());
    assertEquals("absent", saved.getJsonArray("changes").getJsonObject(0).getJsonObject("live").getString("digest"));
    assertEquals(List.of("network.yaml", "platform.yaml", "storage.yaml"),
        new ArrayList<>(saved.getJsonObject("definitions").getJsonObject("files").fieldNames()).stream().sorted().toList());

    CliRun apply = CliRun.of("provision", "--plan", file.toString(), "--output", "json"); // DIR from the plan
    assertEquals(0, apply.exitCode(), apply.err());
    JsonObject o = new JsonObject(apply.out());
    assertEquals(digest, o.getString("plan_digest"));
    assertEquals("done", o.getString("result"));
    assertEquals(7, o.getJsonArray("outcomes").size());
    assertEquals(7, live().size());

    CliRun again = CliRun.of("provision", "--plan", file.toString());
    assertEquals(1, again.exitCode(), "the plan was applied: what it would create now exists");
    assertTrue(again.err().contains("- live vpc/main was absent and now exists (vpc-"), again.err());
    assertTrue(again.err().contains("Nothing was changed."), again.err());

    CliRun computed = CliRun.of("provision", demo.toString(), "--output", "json");
    assertEquals(0, computed.exitCode(), computed.err());
    assertTrue(new JsonObject(computed.out()).getString("plan_digest").matches("sha256:[0-9a-f]{64}"), computed.out());

    CliRun elsewhere = CliRun.of("provision", plans.toString(), "--plan", file.toString());
    assertEquals(ExitCodes.USAGE, elsewhere.exitCode());
    assertTrue(elsewhere.err().contains("is a plan of " + demo.toAbsolutePath().normalize()), elsewhere.err());
  }

  @Test
  void theHistoryRecordsTheDigestOfThePlanApplied() throws Exception {
    try (var controller = new dev.baton.controller.bridge.ControllerFixture(home,
        dev.baton.controller.bridge.BridgeServer.Limits.defaults())) {
      Path file = plans.resolve("demo.plan.json");
      String digest = savePlan(file);
      Path stale = plans.resolve("stale.plan.json");
      Files.copy(file, stale); // the same plan, kept for after the first is applied
      assertEquals(0, CliRun.of("provision", "--plan", file.toString()).exitCode());
      CliRun history = CliRun.of("history", "--output", "json");
      assertEquals(0, history.exitCode(), history.err());
      JsonObject entry = new JsonObject(history.out()).getJsonArray("entries").getJsonObject(0);
      assertEquals("provision", entry.getString("what"));
      assertEquals(digest, entry.getString("plan_digest"), entry.encode());
      CliRun toDir = CliRun.of("plan", demo.toString(), "--out", plans.toString());
      assertEquals(1, toDir.exitCode());
      assertTrue(toDir.err().contains("is a directory; give the plan's file"), toDir.err());
      // a saved plan that no longer holds (what it creates exists now) is refused, and that is in the history
      assertEquals(1, CliRun.of("provision", "--plan", stale.toString()).exitCode());
      JsonObject refused = new JsonObject(CliRun.of("history", "--output", "json").out()).getJsonArray("entries")
          .getJsonObject(1);
      assertEquals("provision", refused.getString("what"));
      assertEquals("refused", refused.getString("outcome"), refused.encode());
      assertEquals(digest, refused.getString("plan_digest"));
      assertTrue(refused.getString("detail").contains("no longer holds"), refused.encode());
    }
  }

  @Test
  void aSavedPlanIsRefusedWhenADefinitionFileMovedAndWhenItWasEdited() throws IOException {
    Path file = plans.resolve("demo.plan.json");
    savePlan(file);
    Files.writeString(demo.resolve("storage.yaml"), Files.readString(demo.resolve("storage.yaml"))
        .replace("size_gb: 10", "size_gb: 20"));
    Files.writeString(demo.resolve("more.yaml"), "kind: elastic_ip\nname: db\nuuid: 00000000-0000-4000-8000-0000000000d4\n");
    CliRun refused = CliRun.of("provision", "--plan", file.toString(), "--yes");
    assertEquals(1, refused.exitCode());
    assertTrue(refused.err().contains("- definition file storage.yaml changed"), refused.err());
    assertTrue(refused.err().contains("- definition file more.yaml appeared"), refused.err());
    assertEquals(List.of(), live(), "nothing was changed");

    Files.delete(demo.resolve("more.yaml"));
    Files.move(demo.resolve("storage.yaml"), demo.resolve("volumes.yaml"));
    CliRun moved = CliRun.of("provision", "--plan", file.toString(), "--output", "json");
    assertEquals(1, moved.exitCode());
    JsonObject e = new JsonObject(moved.out()).getJsonObject("error");
    assertEquals("FAILED_PRECONDITION", e.getString("code"));
    assertEquals(List.of("definition file storage.yaml disappeared", "definition file volumes.yaml appeared"),
        e.getJsonArray("moved").getList());
    assertEquals(List.of(), live());

    Files.move(demo.resolve("volumes.yaml"), demo.resolve("storage.yaml"));
    Files.writeString(demo.resolve("storage.yaml"), Files.readString(demo.resolve("storage.yaml"))
        .replace("size_gb: 20", "size_gb: 10"));
    Files.writeString(file, Files.readString(file).replace("\"create\"", "\"delete\""));
    CliRun edited = CliRun.of("provision", "--plan", file.toString());
    assertEquals(1, edited.exitCode());
    assertTrue(edited.err().contains("it was changed after it was saved"), edited.err());
    assertEquals(List.of(), live());
  }

  @Test
  void aSavedPlanIsRefusedWhenALiveResourceItChangesMovedOrAnotherChangeAppeared() throws Exception {
    assertEquals(0, CliRun.of("provision", demo.toString()).exitCode());
    Files.writeString(demo.resolve("network.yaml"), Files.readString(demo.resolve("network.yaml"))
        .replace("description: HTTPS}", "description: HTTPS only}"));
    Path file = plans.resolve("rule.plan.json");
    savePlan(file);
    outOfBand(ResourceKind.SECURITY_GROUP, "web", a -> firstRuleDescribed(a, "changed by hand"));
    List<String> before = live();

    CliRun refused = CliRun.of("provision", "--plan", file.toString());
    assertEquals(1, refused.exitCode());
    assertTrue(refused.err().contains("- live security_group/web changed: ingress"), refused.err());
    assertEquals(before, live(), "nothing was changed");
    assertTrue(String.join("", live()).contains("changed by hand"));

    // the rule as the plan saw it again; now a resource the plan does not touch drifts
    outOfBand(ResourceKind.SECURITY_GROUP, "web", a -> firstRuleDescribed(a, "HTTPS"));
    outOfBand(ResourceKind.SUBNET, "app-a", a -> {
      a.put("cidr", "10.10.9.0/24");
      return a;
    });
    CliRun drifted = CliRun.of("provision", "--plan", file.toString());
    assertEquals(1, drifted.exitCode());
    assertTrue(drifted.err().contains("is newly planned"), drifted.err());
    assertTrue(drifted.err().contains("subnet/app-a"), drifted.err());

    outOfBand(ResourceKind.SUBNET, "app-a", a -> {
      a.put("cidr", "10.10.2.0/24");
      return a;
    });
    CliRun applied = CliRun.of("provision", "--plan", file.toString());
    assertEquals(0, applied.exitCode(), "live state as observed again: the plan holds: " + applied.err());
    assertTrue(applied.out().contains("Done: 1 change applied"), applied.out());
    assertTrue(String.join("", live()).contains("HTTPS only"));
  }

  @Test
  void aTargetAppliesItAndWhatItDependsOnAndListsTheRestAsPending() throws IOException {
    CliRun unknown = CliRun.of("provision", demo.toString(), "--target", "subnet/web-b");
    assertEquals(ExitCodes.USAGE, unknown.exitCode());
    assertTrue(unknown.err().contains("--target subnet/web-b: no subnet named \"web-b\" in local-demo; did you mean"
        + " \"web-a\"?"), unknown.err());
    CliRun noFile = CliRun.of("plan", demo.toString(), "--target", "storage.yml");
    assertEquals(ExitCodes.USAGE, noFile.exitCode());
    assertTrue(noFile.err().contains("did you mean \"storage.yaml\"?"), noFile.err());
    assertEquals(List.of(), live());

    CliRun one = CliRun.of("provision", demo.toString(), "--target", "subnet/web-a", "--output", "json");
    assertEquals(0, one.exitCode(), one.err());
    JsonObject o = new JsonObject(one.out());
    assertEquals(List.of("vpc/main", "subnet/web-a"), o.getJsonArray("outcomes").stream().map(JsonObject.class::cast)
        .map(c -> c.getString("kind") + "/" + c.getString("name")).toList());
    assertEquals(5, o.getJsonObject("pending").getInteger("count"));
    assertEquals(2, live().size());
    assertFalse(String.join("", live()).contains("app-a"));

    Path file = plans.resolve("storage.plan.json");
    savePlan(file, "--target", demo.resolve("storage.yaml").toString());
    JsonObject saved = new JsonObject(Files.readString(file));
    assertEquals(List.of("storage.yaml"), saved.getJsonArray("targets").getList());
    assertEquals(3, saved.getJsonArray("changes").size());
    CliRun storage = CliRun.of("provision", "--plan", file.toString());
    assertEquals(0, storage.exitCode(), storage.err());
    assertTrue(storage.out().contains("Done: 3 changes applied"), storage.out());
    assertTrue(storage.out().contains("Applying the saved plan " + file + " (sha256:"), storage.out());
    assertTrue(storage.out().contains("2 other changes pending (not targeted):\n  + create  subnet/app-a\n"
        + "  + create  security_group/web\n"), storage.out());
    assertEquals(5, live().size());
  }

  @Test
  void markdownEscapesWhatTheCloudSays() throws Exception {
    assertEquals(0, CliRun.of("provision", demo.toString()).exitCode());
    outOfBand(ResourceKind.SECURITY_GROUP, "web", a -> firstRuleDescribed(a,
        "a|b `x` <script>alert(1)</script> *y* [l](http://e)\nnext"));
    CliRun md = CliRun.of("plan", demo.toString(), "--output", "markdown");
    assertEquals(ExitCodes.CHANGES, md.exitCode(), md.err());
    String out = md.out();
    assertTrue(out.startsWith("### Plan for local-demo (customer demo, local provider)\n"), out);
    assertTrue(out.contains("**0 to create, 1 to update, 0 to replace, 0 to delete, 6 unchanged**"), out);
    assertTrue(out.contains("| ~ | update | security_group/web | ingress |"), out);
    assertFalse(out.contains("<script>"), out);
    assertFalse(out.contains("`"), out);
    assertFalse(out.contains("a|b"), out);
    assertTrue(out.contains("a&#124;b &#96;x&#96; &#60;script&#62;alert(1)&#60;/script&#62; &#42;y&#42; &#91;l&#93;"
        + "(http://e)&#92;nnext"), out);
    for (String line : out.lines().filter(l -> l.startsWith("|")).toList()) {
      long pipes = line.chars().filter(c -> c == '|').count();
      assertTrue(pipes == 6 || pipes == 4, "every row keeps its cells: " + line);
    }
    CliRun audit = CliRun.of("audit", demo.toString(), "--output", "markdown");
    assertEquals(ExitCodes.USAGE, audit.exitCode());
    assertTrue(audit.err().contains("--output markdown is for plan only"), audit.err());
  }
}
