package dev.baton.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.FakeCloudProvider;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.plan.Retry;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off-hours as part of an environment's intended state, with the clock in the test's hands: stop
 * and start of instances and of groups with and without {@code desired}, provision and audit inside
 * the window, a platform provisioned inside it, a schedule removed while off, a controller restarted
 * while off, and a failing step announced once. Each test is one chain of futures: an assertion that
 * fails inside a step fails the chain, and VertxTestContext fails the test with it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class OffHoursTest {
  static final String PLATFORM = """
      name: shop
      customer: acme
      provider: local
      region: local-1
      environments:
        test:
          schedule: {stop: "0 19 * * 1-5", start: "0 7 * * 1-5", time_zone: UTC}
      """;
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
      kind: instance
      name: db
      uuid: 00000000-0000-4000-8000-000000000003
      subnet: a
      instance_type: t3.small
      handoff: {config_management: none}
      ---
      kind: autoscaling_group
      name: web
      uuid: 00000000-0000-4000-8000-0000000000a1
      cluster: test
      role: web
      launch: {instance_type: t3.small}
      subnets: [a]
      min: 1
      max: 4
      desired: 2
      handoff: {config_management: none}
      ---
      kind: autoscaling_group
      name: worker
      uuid: 00000000-0000-4000-8000-0000000000a2
      cluster: test
      role: worker
      launch: {instance_type: t3.small}
      subnets: [a]
      min: 1
      max: 3
      handoff: {config_management: none}
      """;
  static final String WEB = "00000000-0000-4000-8000-0000000000a1";
  static final String WORKER = "00000000-0000-4000-8000-0000000000a2";
  /** Monday noon, Monday 19:00:30 (off), Tuesday 07:00:30 (on again). */
  static final Instant MONDAY_NOON = Instant.parse("2026-11-23T12:00:00Z");
  static final Instant MONDAY_EVENING = Instant.parse("2026-11-23T19:00:30Z");
  static final Instant TUESDAY_MORNING = Instant.parse("2026-11-24T07:00:30Z");

  Vertx vertx;
  FakeCloudProvider fake;
  @TempDir
  Path dir;
  final List<String> announced = new CopyOnWriteArrayList<>();
  Function<dev.baton.controller.intent.CloudIntent, CloudProvider> clouds;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx; // closed by VertxExtension after each test
    fake = new FakeCloudProvider(1);
    clouds = c -> new Unclosed(fake);
    Files.writeString(dir.resolve("platform.yaml"), PLATFORM);
    Files.writeString(dir.resolve("resources.yaml"), RESOURCES);
  }

  Platform platform() {
    return DefinitionLoader.load(dir, dir.toString(), "test");
  }

  Retry retry() {
    return new Retry(vertx, new Retry.Policy(1, 8, 60_000, 2_000), new Random(7), System::currentTimeMillis);
  }

  Future<Plan> plan(Instant now) {
    return new Planner(fake, retry(), () -> now).plan(platform());
  }

  /** What provision does: plan at {@code now}, apply; fails unless every change was made. */
  Future<Void> provision(Instant now) {
    return plan(now).compose(p -> new Engine(fake, retry(), 4, new Engine.Listener() { }, System::currentTimeMillis, "run")
        .apply(p)).map(r -> {
          assertTrue(r.ok(), r.outcomes().toString());
          return null;
        });
  }

  /** What provision then tells the controller: the schedule and the groups' counts (PlatformCommand.registerIntents). */
  JsonObject registration() {
    return new JsonObject().put("customer", "acme").put("platform", "shop").put("env", "test")
        .put("schedule", new JsonObject().put("stop", "0 19 * * 1-5").put("start", "0 7 * * 1-5").put("time_zone", "UTC"))
        .put("nodes", new JsonArray()
            .add(new JsonObject().put("uuid", WEB).put("kind", "autoscaling_group").put("min", 1).put("max", 4).put("desired", 2))
            .add(new JsonObject().put("uuid", WORKER).put("kind", "autoscaling_group").put("min", 1).put("max", 3)
                .putNull("desired")));
  }

  OffHours offHours() {
    return new OffHours(dir.resolve("schedules.json"), clouds, (type, customer, platform, env, data) ->
        announced.add(type + ": " + data.getString("summary")));
  }

  LiveResource live(ResourceKind kind, String name) {
    String uuid = switch (name) {
      case "db" -> "00000000-0000-4000-8000-000000000003";
      case "web" -> WEB;
      case "worker" -> WORKER;
      default -> throw new IllegalArgumentException(name);
    };
    return fake.all().stream().filter(l -> l.kind() == kind && l.uuid().equals(uuid)).findFirst().orElseThrow();
  }

  int count(String group, String key) {
    Object v = live(ResourceKind.AUTOSCALING_GROUP, group).attributes().get(key);
    return v instanceof Number n ? n.intValue() : -1;
  }

  /** Off-hours registered at Monday noon, as provision leaves them. */
  OffHours registered() {
    OffHours off = offHours();
    off.register(dev.baton.controller.intent.IntentCodec.platformFromJson(registration()), MONDAY_NOON);
    return off;
  }

  @Test
  void stopsAndStartsGroupsWithAndWithoutDesiredAndInstances(VertxTestContext ctx) {
    OffHours[] off = new OffHours[1];
    provision(MONDAY_NOON).compose(v -> {
      assertEquals(-1, count("worker", "desired"), "a group defined without desired reports none (as the local cloud)");
      off[0] = registered();
      return off[0].tick(MONDAY_NOON);
    }).compose(v -> {
      assertEquals(List.of(), announced, "inside the on window nothing happens");
      return off[0].tick(MONDAY_EVENING);
    }).compose(v -> {
      assertEquals("stopped", live(ResourceKind.INSTANCE, "db").state());
      assertEquals(0, count("web", "min"));
      assertEquals(0, count("web", "desired"));
      assertEquals(0, count("worker", "min"));
      assertEquals(List.of("platform.stopped: 1 instance stopped, 2 groups set to zero"), announced);
      return off[0].tick(TUESDAY_MORNING);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals("running", live(ResourceKind.INSTANCE, "db").state());
      assertEquals(1, count("web", "min"));
      assertEquals(2, count("web", "desired"));
      assertEquals(1, count("worker", "min"));
      assertEquals(1, count("worker", "desired"), "a group without desired gets its min");
      assertEquals("platform.started: 1 instance started, 2 groups restored", announced.get(1));
      assertEquals(2, announced.size(), "no schedule.failed: " + announced);
      ctx.completeNow();
    })));
  }

  @Test
  void insideTheWindowAuditIsInSyncAndProvisionDoesNotWakeIt(VertxTestContext ctx) {
    OffHours[] off = new OffHours[1];
    provision(MONDAY_NOON).compose(v -> {
      off[0] = registered();
      return off[0].tick(MONDAY_EVENING);
    }).compose(v -> plan(Instant.parse("2026-11-23T12:00:00Z"))).compose(before -> {
      assertNull(before.offHours());
      assertTrue(before.hasChanges(), "outside the window the stopped groups would be drift");
      return plan(MONDAY_EVENING.plusSeconds(600));
    }).compose(inside -> {
      assertFalse(inside.hasChanges(), "inside it they are as intended: " + inside.effective());
      assertNotNull(inside.offHours());
      assertTrue(inside.offHours().startsWith("inside its off-hours until 2026-11-24T07:00:00Z"), inside.offHours());
      return provision(MONDAY_EVENING.plusSeconds(600));
    }).compose(v -> {
      assertEquals(0, count("web", "desired"), "provision inside the window leaves it off");
      assertEquals("stopped", live(ResourceKind.INSTANCE, "db").state());
      // the definition changes while off: the start gives the group what the definition says now
      JsonObject changed = registration();
      changed.getJsonArray("nodes").getJsonObject(0).put("min", 2).put("desired", 3);
      off[0].register(dev.baton.controller.intent.IntentCodec.platformFromJson(changed), MONDAY_EVENING.plusSeconds(700));
      return off[0].tick(TUESDAY_MORNING);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(2, count("web", "min"));
      assertEquals(3, count("web", "desired"));
      ctx.completeNow();
    })));
  }

  @Test
  void aPlatformProvisionedInsideTheWindowIsStoppedAtOnceAndStartedWithItsCounts(VertxTestContext ctx) {
    Instant night = Instant.parse("2026-11-23T22:00:00Z");
    OffHours[] off = new OffHours[1];
    provision(night).compose(v -> {
      assertEquals(0, count("web", "min"), "created inside the window: at zero");
      assertEquals(0, count("worker", "desired"));
      assertEquals("running", live(ResourceKind.INSTANCE, "db").state());
      off[0] = offHours();
      off[0].register(dev.baton.controller.intent.IntentCodec.platformFromJson(registration()), night);
      return off[0].tick(night.plusSeconds(30));
    }).compose(v -> {
      assertEquals("stopped", live(ResourceKind.INSTANCE, "db").state(), "stopped at the next check, not tomorrow 19:00");
      assertEquals("off", off[0].list(night).getJsonObject(0).getString("phase"));
      return off[0].tick(TUESDAY_MORNING);
    }).compose(v -> {
      assertEquals("running", live(ResourceKind.INSTANCE, "db").state());
      assertEquals(2, count("web", "desired"), "the definition's counts, not the zero it was created with");
      assertEquals(1, count("worker", "desired"));
      return plan(TUESDAY_MORNING);
    }).onComplete(ctx.succeeding(p -> ctx.verify(() -> {
      assertFalse(p.hasChanges());
      ctx.completeNow();
    })));
  }

  @Test
  void aScheduleRemovedWhileOffRestoresWhatItStopped(VertxTestContext ctx) {
    OffHours[] off = new OffHours[1];
    provision(MONDAY_NOON).compose(v -> {
      off[0] = registered();
      return off[0].tick(MONDAY_EVENING);
    }).compose(v -> {
      JsonObject removed = registration().putNull("schedule");
      off[0].register(dev.baton.controller.intent.IntentCodec.platformFromJson(removed), MONDAY_EVENING.plusSeconds(60));
      return off[0].tick(MONDAY_EVENING.plusSeconds(90));
    }).compose(v -> {
      assertEquals("running", live(ResourceKind.INSTANCE, "db").state());
      assertEquals(2, count("web", "desired"));
      assertEquals(1, count("worker", "desired"));
      assertEquals(0, off[0].list(MONDAY_EVENING).size(), "then forgotten");
      return off[0].tick(Instant.parse("2026-11-24T19:00:30Z"));
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals("running", live(ResourceKind.INSTANCE, "db").state(), "no longer stopped");
      ctx.completeNow();
    })));
  }

  @Test
  void aControllerRestartedWhileOffStillKnowsWhatToRestore(VertxTestContext ctx) {
    OffHours[] restarted = new OffHours[1];
    provision(MONDAY_NOON).compose(v -> registered().tick(MONDAY_EVENING)).compose(v -> {
      restarted[0] = offHours(); // from schedules.json
      assertEquals("off", restarted[0].list(MONDAY_EVENING).getJsonObject(0).getString("phase"));
      return restarted[0].tick(Instant.parse("2026-11-24T06:59:00Z"));
    }).compose(v -> {
      assertEquals("stopped", live(ResourceKind.INSTANCE, "db").state());
      return restarted[0].tick(TUESDAY_MORNING);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals("running", live(ResourceKind.INSTANCE, "db").state());
      assertEquals(2, count("web", "desired"));
      assertEquals(1, count("worker", "desired"));
      ctx.completeNow();
    })));
  }

  @Test
  void aFailingStepIsRetriedAtEveryCheckButAnnouncedOnce(VertxTestContext ctx) {
    String[] failure = {"the cloud is unreachable"};
    OffHours[] off = new OffHours[1];
    provision(MONDAY_NOON).compose(v -> registered().tick(MONDAY_EVENING)).compose(v -> {
      clouds = c -> {
        if (failure[0] != null) {
          throw new IllegalStateException(failure[0]);
        }
        return new Unclosed(fake);
      };
      off[0] = offHours(); // the same file, the failing cloud
      Future<Void> ticks = Future.succeededFuture();
      for (int i = 0; i < 5; i++) { // one check after another
        Instant at = TUESDAY_MORNING.plusSeconds(30L * i);
        ticks = ticks.compose(t -> off[0].tick(at));
      }
      return ticks;
    }).compose(v -> {
      assertEquals(List.of("platform.stopped: 1 instance stopped, 2 groups set to zero",
          "schedule.failed: the cloud is unreachable"), announced);
      failure[0] = "AccessDenied: not authorized to StartInstances";
      return off[0].tick(TUESDAY_MORNING.plusSeconds(300));
    }).compose(v -> off[0].tick(TUESDAY_MORNING.plusSeconds(330))).compose(v -> {
      assertEquals(3, announced.size(), "a different failure is a new one: " + announced);
      failure[0] = null;
      return off[0].tick(TUESDAY_MORNING.plusSeconds(360));
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals("platform.started: 1 instance started, 2 groups restored", announced.get(3));
      assertEquals("running", live(ResourceKind.INSTANCE, "db").state());
      ctx.completeNow();
    })));
  }

  @Test
  void aStopThatFailedIsNotRetriedOnceTheEnvironmentShouldRunAgain(VertxTestContext ctx) {
    OffHours[] off = new OffHours[1];
    provision(MONDAY_NOON).compose(v -> {
      registered();
      clouds = c -> {
        throw new IllegalStateException("the cloud is unreachable");
      };
      off[0] = offHours();
      return off[0].tick(MONDAY_EVENING); // the stop fails
    }).compose(v -> {
      assertEquals("schedule.failed: the cloud is unreachable", announced.get(0));
      clouds = c -> new Unclosed(fake); // the cloud is back by morning
      off[0] = offHours();
      return off[0].tick(TUESDAY_MORNING); // start time: already on, nothing to do
    }).compose(v -> off[0].tick(TUESDAY_MORNING.plusSeconds(30)))
        .compose(v -> off[0].tick(Instant.parse("2026-11-24T12:00:00Z")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals("running", live(ResourceKind.INSTANCE, "db").state(), "never stopped by day for last night's stop");
          assertEquals(2, count("web", "desired"));
          assertNull(off[0].list(TUESDAY_MORNING).getJsonObject(0).getString("error"), "the stale failure is forgotten");
          ctx.completeNow();
        })));
  }

  /**
   * The fake cloud for each step, with the fake's capabilities; OffHours closes what it is given, the
   * test keeps using it.
   */
  static final class Unclosed implements CloudProvider {
    private final FakeCloudProvider fake;

    Unclosed(FakeCloudProvider fake) {
      this.fake = fake;
    }

    @Override
    public String name() {
      return fake.name();
    }

    @Override
    public dev.baton.controller.provider.CallStats stats() {
      return fake.stats();
    }

    @Override
    public Future<List<LiveResource>> observe(ResourceKind kind, Scope scope) {
      return fake.observe(kind, scope);
    }

    @Override
    public Future<List<LiveResource>> lookup(ResourceKind kind, Scope scope, String uuid) {
      return fake.lookup(kind, scope, uuid);
    }

    @Override
    public Future<LiveResource> create(ResourceKind kind, Scope scope, String uuid, java.util.Map<String, Object> a,
        java.util.Map<String, String> tags, String token) {
      return fake.create(kind, scope, uuid, a, tags, token);
    }

    @Override
    public Future<LiveResource> update(LiveResource live, java.util.Map<String, Object> a, java.util.Map<String, String> tags,
        List<String> changed) {
      return fake.update(live, a, tags, changed);
    }

    @Override
    public Future<Void> delete(LiveResource live) {
      return fake.delete(live);
    }

    @Override
    public <T> java.util.Optional<T> capability(Class<T> type) {
      return fake.capability(type);
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
