package dev.baton.controller.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The planner and the engine against a fake cloud. Each test is one chain of futures: an assertion
 * that fails inside a step fails the chain, and VertxTestContext fails the test with it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EngineTest {
  static final String PLATFORM = """
      name: shop
      customer: acme
      provider: local
      region: local-1
      domain: shop.test
      """;
  static final String RESOURCES = """
      kind: iam_policy
      name: read
      uuid: 00000000-0000-4000-8000-000000000001
      statements: [{actions: ["s3:GetObject"], resources: ["*"]}]
      ---
      kind: iam_role
      name: node
      uuid: 00000000-0000-4000-8000-000000000002
      policies: [read]
      ---
      kind: instance_profile
      name: node
      uuid: 00000000-0000-4000-8000-000000000003
      role: node
      ---
      kind: vpc
      name: main
      uuid: 00000000-0000-4000-8000-000000000004
      cidr: 10.0.0.0/16
      ---
      kind: subnet
      name: a
      uuid: 00000000-0000-4000-8000-000000000005
      vpc: main
      cidr: 10.0.1.0/24
      az: local-1a
      ---
      kind: subnet
      name: b
      uuid: 00000000-0000-4000-8000-000000000006
      vpc: main
      cidr: 10.0.2.0/24
      az: local-1a
      ---
      kind: security_group
      name: web
      uuid: 00000000-0000-4000-8000-000000000007
      vpc: main
      ingress: [{protocol: tcp, ports: 443, cidrs: [0.0.0.0/0]}, {protocol: tcp, ports: 8080, groups: [app]}]
      ---
      kind: security_group
      name: app
      uuid: 00000000-0000-4000-8000-000000000008
      vpc: main
      ingress: [{protocol: tcp, ports: 8080, groups: [web]}, {protocol: all, groups: [app]}]
      ---
      kind: elastic_ip
      name: web-1
      uuid: 00000000-0000-4000-8000-000000000009
      ---
      kind: volume
      name: data
      uuid: 00000000-0000-4000-8000-00000000000a
      az: local-1a
      size_gb: 10
      ---
      kind: instance
      name: web-1
      uuid: 00000000-0000-4000-8000-00000000000b
      subnet: a
      instance_type: t3.micro
      security_groups: [web]
      elastic_ip: web-1
      instance_profile: node
      volumes: [{volume: data, device: /dev/sdf}]
      handoff: {config_management: none}
      ---
      kind: instance
      name: app-1
      uuid: 00000000-0000-4000-8000-00000000000c
      subnet: b
      instance_type: t3.micro
      security_groups: [app]
      handoff: {config_management: none}
      ---
      kind: dns_record
      name: www
      uuid: 00000000-0000-4000-8000-00000000000d
      zone: shop.test
      record: www
      instance: web-1
      """;
  static final int RESOURCE_COUNT = 13;

  Vertx vertx;
  @TempDir
  Path dir;

  @BeforeEach
  void setUp(Vertx vertx) throws IOException {
    this.vertx = vertx; // closed by VertxExtension after each test
    write(RESOURCES);
  }

  void write(String resources) throws IOException {
    Files.writeString(dir.resolve("platform.yaml"), PLATFORM);
    Files.writeString(dir.resolve("resources.yaml"), resources);
  }

  Platform platform() {
    return DefinitionLoader.load(dir, dir.toString(), null);
  }

  Engine engine(FakeCloudProvider fake, int parallelism) {
    Retry retry = new Retry(vertx, new Retry.Policy(1, 8, 60_000, 2_000), new Random(7), System::currentTimeMillis);
    return new Engine(fake, retry, parallelism, new Engine.Listener() {}, System::currentTimeMillis, "run1");
  }

  Future<Plan> plan(FakeCloudProvider fake) {
    Retry retry = new Retry(vertx, new Retry.Policy(1, 8, 60_000, 2_000), new Random(7), System::currentTimeMillis);
    return new Planner(fake, retry).plan(platform());
  }

  Future<Engine.Report> provision(FakeCloudProvider fake) {
    return plan(fake).compose(p -> engine(fake, 10).apply(p));
  }

  /** Call once what came before has completed (inside a {@code compose}): it checks the fake as it is then. */
  Future<Void> assertConverged(FakeCloudProvider fake) {
    assertEquals(RESOURCE_COUNT, fake.all().size(), "one live resource per definition: " + fake.all());
    assertEquals(java.util.Set.of(), fake.duplicates());
    return plan(fake).map(again -> {
      assertFalse(again.hasChanges(), "nothing left to change: " + again.effective());
      return null;
    });
  }

  @Test
  void fromEmptyEverythingIsCreatedInDependencyOrder(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    plan(fake).compose(p -> {
      assertEquals(RESOURCE_COUNT, p.summary().get(Action.CREATE));
      return engine(fake, 10).apply(p);
    }).compose(r -> {
      assertTrue(r.ok(), r.outcomes().toString());
      return assertConverged(fake);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      List<String> log = fake.log();
      assertTrue(log.indexOf("Create/vpc") < log.indexOf("Create/subnet"));
      assertTrue(log.lastIndexOf("Create/subnet") < log.indexOf("Create/instance"));
      assertTrue(log.indexOf("Create/instance") < log.indexOf("Create/dns_record"));
      LiveResource web = fake.all().stream().filter(l -> l.uuid().endsWith("0b")).findFirst().orElseThrow();
      assertEquals("acme", web.tags().get("baton:customer"));
      assertEquals("00000000-0000-4000-8000-00000000000b", web.tags().get("baton:uuid"));
      assertTrue(web.attributes().get("subnet") instanceof CloudId);
      ctx.completeNow();
    })));
  }

  @Test
  void theSecondProvisionMakesNoMutatingCall(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    int[] before = new int[1];
    provision(fake).compose(first -> {
      before[0] = fake.log().size();
      return provision(fake);
    }).onComplete(ctx.succeeding(second -> ctx.verify(() -> {
      assertTrue(second.outcomes().isEmpty());
      List<String> calls = fake.log().subList(before[0], fake.log().size());
      assertTrue(calls.stream().allMatch(c -> c.startsWith("List/")), calls.toString());
      ctx.completeNow();
    })));
  }

  @Test
  void observingCostsOneListingPerKindAndPage(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1).pageSize(1);
    int[] before = new int[1];
    provision(fake).compose(r -> {
      before[0] = fake.callCount();
      return plan(fake);
    }).onComplete(ctx.succeeding(p -> ctx.verify(() -> {
      // the 13 cloud kinds (an application is nobody's cloud resource), one page each when empty, one page per
      // resource here (page size 1)
      int kindsWithOneOrNone = ResourceKind.cloudKinds().size();
      int expected = 0;
      for (ResourceKind k : ResourceKind.cloudKinds()) {
        long n = fake.all().stream().filter(l -> l.kind() == k).count();
        expected += Math.max(1, (int) n);
      }
      assertEquals(expected, fake.callCount() - before[0]);
      assertTrue(expected >= kindsWithOneOrNone);
      ctx.completeNow();
    })));
  }

  @ParameterizedTest(name = "crash {0} the call took effect")
  @ValueSource(booleans = {false, true})
  void aCrashAtAnyCallConvergesOnTheNextRunWithNoDuplicate(boolean afterEffect, VertxTestContext ctx) {
    FakeCloudProvider counting = new FakeCloudProvider(1);
    provision(counting).compose(first -> {
      int total = counting.callCount();
      assertTrue(total > RESOURCE_COUNT);
      Future<Void> each = Future.succeededFuture();
      for (int k = 0; k < total; k++) { // one crash after another, not at the same time
        int call = k;
        each = each.compose(v -> crashAtThenProvisionAgain(call, afterEffect));
      }
      return each;
    }).onComplete(ctx.succeedingThenComplete());
  }

  Future<Void> crashAtThenProvisionAgain(int k, boolean afterEffect) {
    FakeCloudProvider fake = new FakeCloudProvider(1).crashAt(k, afterEffect);
    return new Planner(fake).plan(platform())
        // a failed plan: the crash hit the observation, nothing was applied; a failed apply: the run crashed
        .transform(planned -> planned.failed() ? Future.succeededFuture()
            : engine(fake, 10).apply(planned.result()).otherwiseEmpty())
        .compose(crashed -> {
          fake.recover();
          return provision(fake);
        }).compose(second -> {
          assertTrue(second.ok(), "crash at call " + k + ": " + second.outcomes());
          assertEquals(java.util.Set.of(), fake.duplicates(), "crash at call " + k);
          return assertConverged(fake);
        });
  }

  @Test
  void throttlingOnThirtyPercentOfCallsStillConverges(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(42).throttle(0.3);
    provision(fake).compose(r -> {
      assertTrue(r.ok(), r.outcomes().toString());
      fake.throttle(0);
      return assertConverged(fake);
    }).onComplete(ctx.succeedingThenComplete());
  }

  /** A kind the cloud refuses to list is not checked: nothing of it is planned, and the plan says so. */
  @Test
  void aKindThatCannotBeListedIsNotCheckedAndNothingOfItIsPlanned(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake).compose(r -> {
      fake.denyListing(ResourceKind.SUBNET);
      return plan(fake);
    }).onComplete(ctx.succeeding(p -> ctx.verify(() -> {
      assertTrue(p.unchecked().get(ResourceKind.SUBNET).startsWith("permission denied: fake: List/subnet"), p.unchecked()
          .toString());
      assertFalse(p.fullyChecked());
      assertTrue(p.notChecked().stream().allMatch(c -> c.kind() == ResourceKind.SUBNET && c.action() == Action.NOOP
          && c.reason().startsWith("not checked")), p.notChecked().toString());
      assertFalse(p.notChecked().isEmpty());
      assertTrue(p.effective().stream().noneMatch(c -> c.kind() == ResourceKind.SUBNET), "neither created nor deleted");
      ctx.completeNow();
    })));
  }

  @Test
  void notFoundRightAfterACreateIsRetried(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1).notFoundAfterCreate(2);
    provision(fake).compose(r -> {
      assertTrue(r.ok(), r.outcomes().toString());
      return assertConverged(fake);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aCallThatNeverAnswersTimesOutAndIsRetriedWithoutDuplicate(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    Retry retry = new Retry(vertx, new Retry.Policy(1, 8, 60_000, 200), new Random(7), System::currentTimeMillis);
    plan(fake).compose(p -> {
      fake.hang(3);
      return new Engine(fake, retry, 10, new Engine.Listener() {}, System::currentTimeMillis, "r").apply(p);
    }).compose(r -> {
      assertTrue(r.ok(), r.outcomes().toString());
      return assertConverged(fake);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aFailureStopsOnlyItsBranchAndIsReportedWithWhatDependsOnIt(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1).failCreate("00000000-0000-4000-8000-000000000005",
        "InvalidSubnet.Range: the CIDR is invalid");
    provision(fake).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertFalse(r.ok());
      Map<String, Engine.Status> byName = new java.util.HashMap<>();
      r.outcomes().forEach(o -> byName.put(o.change().address(), o.status()));
      assertEquals(Engine.Status.FAILED, byName.get("subnet/a"));
      assertEquals(Engine.Status.SKIPPED, byName.get("instance/web-1"));
      assertEquals(Engine.Status.SKIPPED, byName.get("dns_record/www"));
      assertEquals(Engine.Status.DONE, byName.get("instance/app-1"));
      assertEquals(Engine.Status.DONE, byName.get("subnet/b"));
      String failure = r.outcomes().stream().filter(o -> o.status() == Engine.Status.FAILED).findFirst().orElseThrow()
          .message();
      assertTrue(failure.contains("InvalidSubnet.Range"), failure);
      ctx.completeNow();
    })));
  }

  /** Two fakes, each applied with its own bound: the test passes once both have been checked. */
  @Test
  void parallelismIsBounded(VertxTestContext ctx) {
    Checkpoint narrowChecked = ctx.checkpoint();
    Checkpoint wideChecked = ctx.checkpoint();
    FakeCloudProvider narrow = new FakeCloudProvider(1).delay(vertx, 30);
    plan(narrow).compose(p -> engine(narrow, 2).apply(p)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertTrue(narrow.maxInFlight() <= 2, "in flight: " + narrow.maxInFlight());
      narrowChecked.flag();
    })));
    FakeCloudProvider wide = new FakeCloudProvider(1).delay(vertx, 30);
    plan(wide).compose(p -> engine(wide, 10).apply(p)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertTrue(wide.maxInFlight() > 2, "independent resources are created at the same time: " + wide.maxInFlight());
      wideChecked.flag();
    })));
  }

  @Test
  void securityGroupsNamingEachOtherOrThemselvesGetAllTheirRules(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake).compose(r -> {
      LiveResource web = fake.all().stream().filter(l -> l.uuid().endsWith("07")).findFirst().orElseThrow();
      assertEquals(2, ((List<?>) web.attributes().get("ingress")).size(), web.toString());
      LiveResource app = fake.all().stream().filter(l -> l.uuid().endsWith("08")).findFirst().orElseThrow();
      assertEquals(2, ((List<?>) app.attributes().get("ingress")).size(), "the rule naming its own group: " + app);
      return assertConverged(fake);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void driftOfEachKindIsFound(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake).compose(r -> {
      fake.removeBehindTheBack("00000000-0000-4000-8000-000000000008");
      fake.tamper("00000000-0000-4000-8000-00000000000b", "instance_type", "t3.large");
      LiveResource vpc = fake.all().stream().filter(l -> l.kind() == ResourceKind.VPC).findFirst().orElseThrow();
      fake.put(ResourceKind.SUBNET, "99999999-0000-4000-8000-000000000000", Map.of("vpc", vpc.id(), "cidr", "10.0.9.0/24"),
          Map.of("baton:platform", "shop", "baton:customer", "acme", "Name", "stray"));
      return plan(fake);
    }).compose(p -> {
      Map<String, Action> byName = new java.util.HashMap<>();
      p.effective().forEach(c -> byName.put(c.address(), c.action()));
      assertEquals(Action.CREATE, byName.get("security_group/app"));
      assertEquals(Action.UPDATE, byName.get("instance/web-1"));
      assertEquals(Action.DELETE, byName.get("subnet/stray"));
      AttributeDiff d = p.effective().stream().filter(c -> c.address().equals("instance/web-1")).findFirst().orElseThrow()
          .diff().get(0);
      assertEquals("instance_type", d.attribute());
      assertEquals("t3.micro", d.expected());
      assertEquals("t3.large", d.actual());
      return provision(fake);
    }).compose(r -> {
      assertTrue(r.ok());
      return assertConverged(fake);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void changingTheImageReplacesAndChangingTheTypeUpdates(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    String[] oldId = new String[1];
    provision(fake).compose(r -> {
      try {
        write(RESOURCES.replace("subnet: b\ninstance_type: t3.micro", "subnet: b\ninstance_type: t3.large")
            .replace("""
                name: web-1
                uuid: 00000000-0000-4000-8000-00000000000b
                subnet: a""", """
                name: web-1
                uuid: 00000000-0000-4000-8000-00000000000b
                subnet: b"""));
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
      return plan(fake);
    }).compose(p -> {
      Map<String, PlannedChange> byName = new java.util.HashMap<>();
      p.effective().forEach(c -> byName.put(c.address(), c));
      assertEquals(Action.UPDATE, byName.get("instance/app-1").action());
      assertEquals(Action.REPLACE, byName.get("instance/web-1").action());
      assertTrue(byName.get("instance/web-1").reason().contains("subnet"), byName.get("instance/web-1").reason());
      assertEquals(Action.UPDATE, byName.get("dns_record/www").action(), "the record follows the new instance");
      oldId[0] = fake.all().stream().filter(l -> l.uuid().endsWith("0b")).findFirst().orElseThrow().id().id();
      return engine(fake, 10).apply(p);
    }).compose(r -> {
      assertTrue(r.ok());
      return assertConverged(fake);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      String newId = fake.all().stream().filter(l -> l.uuid().endsWith("0b")).findFirst().orElseThrow().id().id();
      assertFalse(oldId[0].equals(newId));
      ctx.completeNow();
    })));
  }

  @Test
  void renamingKeepsTheResourceAndANewUuidReplacesIt(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake).compose(r -> {
      try {
        write(RESOURCES.replace("name: main", "name: core").replace("vpc: main", "vpc: core"));
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
      return plan(fake);
    }).compose(renamed -> {
      assertEquals(List.of(Action.UPDATE), renamed.effective().stream().map(PlannedChange::action).distinct().toList());
      assertEquals("vpc/core", renamed.effective().get(0).address());
      try {
        write(RESOURCES.replace("00000000-0000-4000-8000-000000000009", "00000000-0000-4000-8000-0000000000ff"));
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
      return plan(fake);
    }).onComplete(ctx.succeeding(reuuid -> ctx.verify(() -> {
      assertEquals(1, reuuid.summary().get(Action.CREATE));
      assertEquals(1, reuuid.summary().get(Action.DELETE));
      ctx.completeNow();
    })));
  }

  @Test
  void twoLiveResourcesWithOneUuidAreReducedToOne(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake).compose(r -> {
      LiveResource eip = fake.all().stream().filter(l -> l.kind() == ResourceKind.ELASTIC_IP).findFirst().orElseThrow();
      fake.put(ResourceKind.ELASTIC_IP, eip.uuid(), eip.attributes(), eip.tags());
      return plan(fake);
    }).compose(p -> {
      assertEquals(1, p.summary().get(Action.DELETE));
      assertTrue(p.effective().get(0).reason().startsWith("duplicate"));
      return engine(fake, 10).apply(p);
    }).compose(r -> {
      assertTrue(r.ok());
      return assertConverged(fake);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void destroyRemovesDependentsFirstAndKeepsProtectedUnlessForced(VertxTestContext ctx) throws IOException {
    write(RESOURCES.replace("size_gb: 10", "size_gb: 10\nprotect: true"));
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake).compose(r -> new Planner(fake).destroy(Planner.scopeOf(platform()), false)).compose(d -> {
      assertEquals(1, d.kept().size());
      return engine(fake, 10).apply(d);
    }).compose(r -> {
      assertTrue(r.ok(), r.outcomes().toString());
      assertEquals(List.of(ResourceKind.VOLUME), fake.all().stream().map(LiveResource::kind).toList());
      return new Planner(fake).destroy(Planner.scopeOf(platform()), true);
    }).compose(forced -> engine(fake, 10).apply(forced)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertTrue(r.ok());
      assertEquals(List.of(), fake.all());
      ctx.completeNow();
    })));
  }

  @Test
  void anotherPlatformsResourcesAreNeverTouched(VertxTestContext ctx) {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    LiveResource foreign = fake.put(ResourceKind.VPC, "00000000-0000-4000-8000-000000000004", Map.of("cidr", "10.0.0.0/16"),
        Map.of("baton:platform", "shop", "baton:customer", "globex", "baton:uuid", "00000000-0000-4000-8000-000000000004"));
    provision(fake).compose(r -> {
      assertTrue(fake.all().contains(foreign), "globex's VPC with the same UUID is left alone");
      assertEquals(RESOURCE_COUNT + 1, fake.all().size());
      return new Planner(fake).destroy(Planner.scopeOf(platform()), true);
    }).compose(d -> engine(fake, 10).apply(d)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(List.of(foreign), fake.all());
      ctx.completeNow();
    })));
  }
}
