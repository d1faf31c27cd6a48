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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
  void setUp() throws IOException {
    vertx = Vertx.vertx();
    write(RESOURCES);
  }

  @AfterEach
  void tearDown() {
    vertx.close();
  }

  void write(String resources) throws IOException {
    Files.writeString(dir.resolve("platform.yaml"), PLATFORM);
    Files.writeString(dir.resolve("resources.yaml"), resources);
  }

  Platform platform() {
    return DefinitionLoader.load(dir, dir.toString(), null);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  Engine engine(FakeCloudProvider fake, int parallelism) {
    Retry retry = new Retry(vertx, new Retry.Policy(1, 8, 60_000, 2_000), new Random(7), System::currentTimeMillis);
    return new Engine(fake, retry, parallelism, new Engine.Listener() {}, System::currentTimeMillis, "run1");
  }

  Plan plan(FakeCloudProvider fake) {
    Retry retry = new Retry(vertx, new Retry.Policy(1, 8, 60_000, 2_000), new Random(7), System::currentTimeMillis);
    return await(new Planner(fake, retry).plan(platform()));
  }

  Engine.Report provision(FakeCloudProvider fake) {
    return await(engine(fake, 10).apply(plan(fake)));
  }

  void assertConverged(FakeCloudProvider fake) {
    assertEquals(RESOURCE_COUNT, fake.all().size(), "one live resource per definition: " + fake.all());
    assertEquals(java.util.Set.of(), fake.duplicates());
    Plan again = plan(fake);
    assertFalse(again.hasChanges(), "nothing left to change: " + again.effective());
  }

  @Test
  void fromEmptyEverythingIsCreatedInDependencyOrder() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    Plan p = plan(fake);
    assertEquals(RESOURCE_COUNT, p.summary().get(Action.CREATE));
    Engine.Report r = await(engine(fake, 10).apply(p));
    assertTrue(r.ok(), r.outcomes().toString());
    assertConverged(fake);
    List<String> log = fake.log();
    assertTrue(log.indexOf("Create/vpc") < log.indexOf("Create/subnet"));
    assertTrue(log.lastIndexOf("Create/subnet") < log.indexOf("Create/instance"));
    assertTrue(log.indexOf("Create/instance") < log.indexOf("Create/dns_record"));
    LiveResource web = fake.all().stream().filter(l -> l.uuid().endsWith("0b")).findFirst().orElseThrow();
    assertEquals("acme", web.tags().get("baton:customer"));
    assertEquals("00000000-0000-4000-8000-00000000000b", web.tags().get("baton:uuid"));
    assertTrue(web.attributes().get("subnet") instanceof CloudId);
  }

  @Test
  void theSecondProvisionMakesNoMutatingCall() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    int before = fake.log().size();
    Engine.Report second = provision(fake);
    assertTrue(second.outcomes().isEmpty());
    List<String> calls = fake.log().subList(before, fake.log().size());
    assertTrue(calls.stream().allMatch(c -> c.startsWith("List/")), calls.toString());
  }

  @Test
  void observingCostsOneListingPerKindAndPage() {
    FakeCloudProvider fake = new FakeCloudProvider(1).pageSize(1);
    provision(fake);
    int before = fake.callCount();
    plan(fake);
    // 13 kinds, one page each when empty, one page per resource here (page size 1)
    int kindsWithOneOrNone = ResourceKind.values().length;
    int expected = 0;
    for (ResourceKind k : ResourceKind.values()) {
      long n = fake.all().stream().filter(l -> l.kind() == k).count();
      expected += Math.max(1, (int) n);
    }
    assertEquals(expected, fake.callCount() - before);
    assertTrue(expected >= kindsWithOneOrNone);
  }

  @ParameterizedTest(name = "crash {0} the call took effect")
  @ValueSource(booleans = {false, true})
  void aCrashAtAnyCallConvergesOnTheNextRunWithNoDuplicate(boolean afterEffect) {
    FakeCloudProvider counting = new FakeCloudProvider(1);
    provision(counting);
    int total = counting.callCount();
    assertTrue(total > RESOURCE_COUNT);
    for (int k = 0; k < total; k++) {
      FakeCloudProvider fake = new FakeCloudProvider(1).crashAt(k, afterEffect);
      try {
        Plan p = await(new Planner(fake).plan(platform()));
        await(engine(fake, 10).apply(p));
      } catch (AssertionError crashedWhilePlanning) {
        // the crash hit the observation: nothing was applied
      }
      fake.recover();
      Engine.Report second = provision(fake);
      assertTrue(second.ok(), "crash at call " + k + ": " + second.outcomes());
      assertEquals(java.util.Set.of(), fake.duplicates(), "crash at call " + k);
      assertConverged(fake);
    }
  }

  @Test
  void throttlingOnThirtyPercentOfCallsStillConverges() {
    FakeCloudProvider fake = new FakeCloudProvider(42).throttle(0.3);
    Engine.Report r = provision(fake);
    assertTrue(r.ok(), r.outcomes().toString());
    fake.throttle(0);
    assertConverged(fake);
  }

  /** A kind the cloud refuses to list is not checked: nothing of it is planned, and the plan says so. */
  @Test
  void aKindThatCannotBeListedIsNotCheckedAndNothingOfItIsPlanned() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    fake.denyListing(ResourceKind.SUBNET);
    Plan p = plan(fake);
    assertTrue(p.unchecked().get(ResourceKind.SUBNET).startsWith("permission denied: fake: List/subnet"), p.unchecked()
        .toString());
    assertFalse(p.fullyChecked());
    assertTrue(p.notChecked().stream().allMatch(c -> c.kind() == ResourceKind.SUBNET && c.action() == Action.NOOP
        && c.reason().startsWith("not checked")), p.notChecked().toString());
    assertFalse(p.notChecked().isEmpty());
    assertTrue(p.effective().stream().noneMatch(c -> c.kind() == ResourceKind.SUBNET), "neither created nor deleted");
  }

  @Test
  void notFoundRightAfterACreateIsRetried() {
    FakeCloudProvider fake = new FakeCloudProvider(1).notFoundAfterCreate(2);
    Engine.Report r = provision(fake);
    assertTrue(r.ok(), r.outcomes().toString());
    assertConverged(fake);
  }

  @Test
  void aCallThatNeverAnswersTimesOutAndIsRetriedWithoutDuplicate() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    Retry retry = new Retry(vertx, new Retry.Policy(1, 8, 60_000, 200), new Random(7), System::currentTimeMillis);
    Plan p = plan(fake);
    fake.hang(3);
    Engine.Report r = await(new Engine(fake, retry, 10, new Engine.Listener() {}, System::currentTimeMillis, "r")
        .apply(p));
    assertTrue(r.ok(), r.outcomes().toString());
    assertConverged(fake);
  }

  @Test
  void aFailureStopsOnlyItsBranchAndIsReportedWithWhatDependsOnIt() {
    FakeCloudProvider fake = new FakeCloudProvider(1).failCreate("00000000-0000-4000-8000-000000000005",
        "InvalidSubnet.Range: the CIDR is invalid");
    Engine.Report r = provision(fake);
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
  }

  @Test
  void parallelismIsBounded() {
    FakeCloudProvider fake = new FakeCloudProvider(1).delay(vertx, 30);
    await(engine(fake, 2).apply(plan(fake)));
    assertTrue(fake.maxInFlight() <= 2, "in flight: " + fake.maxInFlight());
    FakeCloudProvider wide = new FakeCloudProvider(1).delay(vertx, 30);
    await(engine(wide, 10).apply(plan(wide)));
    assertTrue(wide.maxInFlight() > 2, "independent resources are created at the same time: " + wide.maxInFlight());
  }

  @Test
  void securityGroupsNamingEachOtherOrThemselvesGetAllTheirRules() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    LiveResource web = fake.all().stream().filter(l -> l.uuid().endsWith("07")).findFirst().orElseThrow();
    assertEquals(2, ((List<?>) web.attributes().get("ingress")).size(), web.toString());
    LiveResource app = fake.all().stream().filter(l -> l.uuid().endsWith("08")).findFirst().orElseThrow();
    assertEquals(2, ((List<?>) app.attributes().get("ingress")).size(), "the rule naming its own group: " + app);
    assertConverged(fake);
  }

  @Test
  void driftOfEachKindIsFound() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    fake.removeBehindTheBack("00000000-0000-4000-8000-000000000008");
    fake.tamper("00000000-0000-4000-8000-00000000000b", "instance_type", "t3.large");
    LiveResource vpc = fake.all().stream().filter(l -> l.kind() == ResourceKind.VPC).findFirst().orElseThrow();
    fake.put(ResourceKind.SUBNET, "99999999-0000-4000-8000-000000000000", Map.of("vpc", vpc.id(), "cidr", "10.0.9.0/24"),
        Map.of("baton:platform", "shop", "baton:customer", "acme", "Name", "stray"));
    Plan p = plan(fake);
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
    assertTrue(provision(fake).ok());
    assertConverged(fake);
  }

  @Test
  void changingTheImageReplacesAndChangingTheTypeUpdates() throws IOException {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    write(RESOURCES.replace("subnet: b\ninstance_type: t3.micro", "subnet: b\ninstance_type: t3.large")
        .replace("""
            name: web-1
            uuid: 00000000-0000-4000-8000-00000000000b
            subnet: a""", """
            name: web-1
            uuid: 00000000-0000-4000-8000-00000000000b
            subnet: b"""));
    Plan p = plan(fake);
    Map<String, PlannedChange> byName = new java.util.HashMap<>();
    p.effective().forEach(c -> byName.put(c.address(), c));
    assertEquals(Action.UPDATE, byName.get("instance/app-1").action());
    assertEquals(Action.REPLACE, byName.get("instance/web-1").action());
    assertTrue(byName.get("instance/web-1").reason().contains("subnet"), byName.get("instance/web-1").reason());
    assertEquals(Action.UPDATE, byName.get("dns_record/www").action(), "the record follows the new instance");
    String oldId = fake.all().stream().filter(l -> l.uuid().endsWith("0b")).findFirst().orElseThrow().id().id();
    assertTrue(await(engine(fake, 10).apply(p)).ok());
    assertConverged(fake);
    String newId = fake.all().stream().filter(l -> l.uuid().endsWith("0b")).findFirst().orElseThrow().id().id();
    assertFalse(oldId.equals(newId));
  }

  @Test
  void renamingKeepsTheResourceAndANewUuidReplacesIt() throws IOException {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    write(RESOURCES.replace("name: main", "name: core").replace("vpc: main", "vpc: core"));
    Plan renamed = plan(fake);
    assertEquals(List.of(Action.UPDATE), renamed.effective().stream().map(PlannedChange::action).distinct().toList());
    assertEquals("vpc/core", renamed.effective().get(0).address());
    write(RESOURCES.replace("00000000-0000-4000-8000-000000000009", "00000000-0000-4000-8000-0000000000ff"));
    Plan reuuid = plan(fake);
    assertEquals(1, reuuid.summary().get(Action.CREATE));
    assertEquals(1, reuuid.summary().get(Action.DELETE));
  }

  @Test
  void twoLiveResourcesWithOneUuidAreReducedToOne() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    LiveResource eip = fake.all().stream().filter(l -> l.kind() == ResourceKind.ELASTIC_IP).findFirst().orElseThrow();
    fake.put(ResourceKind.ELASTIC_IP, eip.uuid(), eip.attributes(), eip.tags());
    Plan p = plan(fake);
    assertEquals(1, p.summary().get(Action.DELETE));
    assertTrue(p.effective().get(0).reason().startsWith("duplicate"));
    assertTrue(await(engine(fake, 10).apply(p)).ok());
    assertConverged(fake);
  }

  @Test
  void destroyRemovesDependentsFirstAndKeepsProtectedUnlessForced() throws IOException {
    write(RESOURCES.replace("size_gb: 10", "size_gb: 10\nprotect: true"));
    FakeCloudProvider fake = new FakeCloudProvider(1);
    provision(fake);
    Plan d = await(new Planner(fake).destroy(Planner.scopeOf(platform()), false));
    assertEquals(1, d.kept().size());
    Engine.Report r = await(engine(fake, 10).apply(d));
    assertTrue(r.ok(), r.outcomes().toString());
    assertEquals(List.of(ResourceKind.VOLUME), fake.all().stream().map(LiveResource::kind).toList());
    Plan forced = await(new Planner(fake).destroy(Planner.scopeOf(platform()), true));
    assertTrue(await(engine(fake, 10).apply(forced)).ok());
    assertEquals(List.of(), fake.all());
  }

  @Test
  void anotherPlatformsResourcesAreNeverTouched() {
    FakeCloudProvider fake = new FakeCloudProvider(1);
    LiveResource foreign = fake.put(ResourceKind.VPC, "00000000-0000-4000-8000-000000000004", Map.of("cidr", "10.0.0.0/16"),
        Map.of("baton:platform", "shop", "baton:customer", "globex", "baton:uuid", "00000000-0000-4000-8000-000000000004"));
    provision(fake);
    assertTrue(fake.all().contains(foreign), "globex's VPC with the same UUID is left alone");
    assertEquals(RESOURCE_COUNT + 1, fake.all().size());
    await(engine(fake, 10).apply(await(new Planner(fake).destroy(Planner.scopeOf(platform()), true))));
    assertEquals(List.of(foreign), fake.all());
  }
}
