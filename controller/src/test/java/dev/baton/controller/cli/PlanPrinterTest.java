package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.FakeCloudProvider;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.plan.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What {@code plan} prints for a change, read as the operator reads it. */
@ExtendWith(VertxExtension.class)
class PlanPrinterTest {
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
      ingress:
        - {protocol: tcp, ports: 443, cidrs: [0.0.0.0/0]}
      ---
      kind: volume
      name: data
      uuid: 00000000-0000-4000-8000-00000000000a
      az: local-1a
      size_gb: 10
      encrypted: true
      ---
      kind: instance
      name: web-1
      uuid: 00000000-0000-4000-8000-00000000000b
      subnet: a
      instance_type: t3.micro
      security_groups: [web]
      volumes: [{volume: data, device: /dev/sdf}]
      handoff: {config_management: none}
      """;

  Vertx vertx;
  @TempDir
  Path dir;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx; // closed by VertxExtension after each test
  }

  Future<Plan> plan(FakeCloudProvider fake, String resources) {
    try {
      Files.writeString(dir.resolve("platform.yaml"), PLATFORM);
      Files.writeString(dir.resolve("resources.yaml"), resources);
    } catch (java.io.IOException e) {
      return Future.failedFuture(e);
    }
    Platform p = DefinitionLoader.load(dir, dir.toString(), null);
    return new Planner(fake, retry()).plan(p);
  }

  Retry retry() {
    return new Retry(vertx, new Retry.Policy(1, 8, 60_000, 2_000), new Random(7), System::currentTimeMillis);
  }

  String printed(Plan plan) {
    StringWriter out = new StringWriter();
    Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), false, false, null);
    new PlanPrinter(plan).printPlan(t, plan, "Plan");
    return out.toString();
  }

  static final String APP_GROUP = """
      ---
      kind: security_group
      name: app
      uuid: 00000000-0000-4000-8000-000000000004
      vpc: main
      ingress: [{protocol: tcp, ports: 8080, groups: [web]}]
      """;

  Engine engine(FakeCloudProvider fake) {
    return new Engine(fake, retry(), 1, new Engine.Listener() { }, System::currentTimeMillis, "r1");
  }

  @Test
  void aReferenceThatFollowsAReplacedResourceNamesItAndNothingElse(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    plan(fake, RESOURCES).compose(p -> engine(fake).apply(p)).compose(r -> {
      assertTrue(r.ok());
      return plan(fake, RESOURCES.replace("encrypted: true", "encrypted: false"));
    }).onComplete(ctx.succeeding(p -> ctx.verify(() -> {
      String shown = printed(p);
      assertTrue(shown.contains("encrypted: true -> false  (forces replacement)"), shown);
      assertTrue(shown.contains("        volumes: follows the new volume/data\n"), shown);
      ctx.completeNow();
    })));
  }

  @Test
  void aResourceMadeUnderANewUuidIsFollowedNotShownAsTheSameValueTwice(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    plan(fake, RESOURCES + APP_GROUP).compose(p -> engine(fake).apply(p)).compose(r -> {
      assertTrue(r.ok());
      return plan(fake, RESOURCES.replace("uuid: 00000000-0000-4000-8000-000000000003",
          "uuid: 00000000-0000-4000-8000-000000000033") + APP_GROUP);
    }).onComplete(ctx.succeeding(renewed -> ctx.verify(() -> {
      String shown = printed(renewed);
      assertTrue(shown.contains("        ingress: follows the new security_group/web\n"), shown);
      assertTrue(shown.contains("        security_groups: follows the new security_group/web\n"), shown);
      assertFalse(shown.contains(" -> "), "no value is shown changing into itself: " + shown);
      assertFalse(shown.contains("\"cidrs\":[]"), "empty lists are left out: " + shown);
      io.vertx.core.json.JsonObject json = new PlanPrinter(renewed).report(renewed, new Engine.Report(java.util.List.of(),
          java.util.Map.of()));
      assertTrue(json.getJsonArray("changes").stream().map(io.vertx.core.json.JsonObject.class::cast)
          .filter(c -> c.getString("name").equals("app")).findFirst().orElseThrow().getJsonObject("diff")
          .getJsonObject("ingress").getBoolean("follows_replacement"), json.encodePrettily());
      ctx.completeNow();
    })));
  }
}
