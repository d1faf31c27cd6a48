package dev.baton.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.attest.BootLog;
import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.attest.InstanceFacts;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes that never register are visible: LAUNCHED from launch, FAILED with their boot's word. Clock
 * injected. Each test is one chain of watch runs; an assertion failing in a step fails the chain.
 */
@ExtendWith(VertxExtension.class)
class LaunchWatchTest {
  static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
  static final String WEB = "79387f81-7703-4453-bcb9-fd3e04c2cdb6";
  static final String GROUP = "a837ad5e-deaf-48cf-92ed-9f6239f94fe5";

  /** A cloud that records what it was asked and answers what the test says. */
  static final class FakeCloud implements InstanceDirectory {
    final List<InstanceFacts> running = new ArrayList<>();
    final Map<String, BootLog> boots = new HashMap<>();
    int listings;
    final List<String> bootLogsRead = new ArrayList<>();

    @Override
    public Future<Optional<InstanceFacts>> describe(String instanceId) {
      return Future.succeededFuture(running.stream().filter(i -> i.instanceId().equals(instanceId)).findFirst());
    }

    @Override
    public Future<List<InstanceFacts>> launched() {
      listings++;
      return Future.succeededFuture(List.copyOf(running));
    }

    @Override
    public Future<BootLog> bootLog(String instanceId) {
      bootLogsRead.add(instanceId);
      return Future.succeededFuture(boots.getOrDefault(instanceId, BootLog.NONE));
    }
  }

  final AtomicReference<Instant> now = new AtomicReference<>(T0);
  final FakeCloud cloud = new FakeCloud();
  NodeRegistry registry;
  IntentStore intents;
  LaunchWatch watch;

  @BeforeEach
  void setUp(@TempDir Path dir) {
    registry = new NodeRegistry(dir.resolve("nodes.json"), now::get);
    intents = new IntentStore(dir.resolve("intents.json"));
    intents.put(IntentStore.key("acme", "shop", "prod", WEB), dev.baton.controller.intent.IntentCodec.nodeFromJson(new JsonObject().put("name", "web-1")
        .put("kind", "instance")));
    intents.put(IntentStore.key("acme", "shop", "prod", GROUP), dev.baton.controller.intent.IntentCodec.nodeFromJson(new JsonObject().put("name", "workers")
        .put("kind", "autoscaling_group").put("role", "worker").put("domain", "acme.internal")));
    watch = new LaunchWatch(registry, intents, c -> cloud, now::get, Duration.ofMinutes(15));
  }

  @AfterEach
  void flush(VertxTestContext ctx) {
    registry.sync().onComplete(ctx.succeedingThenComplete());
  }

  static Map<String, String> tags(String key, String value) {
    return Map.of("baton:platform", "shop", "baton:customer", "acme", "baton:env", "prod", key, value);
  }

  /** One run of the watch with the clock at {@code at}. */
  Future<Void> runAt(Instant at) {
    now.set(at);
    return watch.run();
  }

  NodeRecord node(String id) {
    return registry.get(id).orElseThrow();
  }

  @Test
  void everyInstanceTheCloudLaunchedForANodeIsRecordedFromItsLaunch(VertxTestContext ctx) {
    cloud.running.add(new InstanceFacts("i-0aaa1111", "running", tags("baton:uuid", WEB), "10.0.0.5", T0.minusSeconds(40)));
    cloud.running.add(new InstanceFacts("i-0bbb2222", "pending", tags("baton:group", GROUP), null, T0.minusSeconds(5)));
    cloud.running.add(new InstanceFacts("i-0ccc3333", "running", tags("baton:uuid", "not-a-node-of-ours"), null, T0));
    watch.run().compose(v -> {
      assertEquals(NodeState.LAUNCHED, node("i-0aaa1111").state());
      assertEquals("web-1", node("i-0aaa1111").name());
      assertEquals(T0.minusSeconds(40), node("i-0aaa1111").timeline().get(0).start(), "the time since is from the launch");
      assertEquals("worker-i-0bbb2222.acme.internal", node("i-0bbb2222").name(), "a group's node by its certname pattern");
      assertTrue(registry.get("i-0ccc3333").isEmpty(), "an instance no intent names is not a node");
      assertEquals(1, cloud.listings, "one listing per cloud, not a call per instance");
      return watch.run();
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(1, registry.all().stream().filter(n -> n.id().equals("i-0aaa1111")).count(), "recorded once");
      ctx.completeNow();
    })));
  }

  @Test
  void aBootThatSaysItFailedFailsTheNodeAtOnceWithThatLine(VertxTestContext ctx) {
    cloud.running.add(new InstanceFacts("i-0aaa1111", "running", tags("baton:uuid", WEB), null, T0));
    cloud.boots.put("i-0aaa1111", new BootLog("the user data failed at step 2 (install-packages): apt-get could not"
        + " install nope\u001b[31m", true, "E: Unable to locate package nope"));
    watch.run().compose(v -> {
      assertEquals(NodeState.LAUNCHED, node("i-0aaa1111").state(), "a boot is not read in its first seconds");
      return runAt(T0.plusSeconds(30));
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      NodeRecord n = node("i-0aaa1111");
      assertEquals(NodeState.FAILED, n.state());
      assertEquals("the user data failed at step 2 (install-packages): apt-get could not install nope", n.reason(),
          "a node's text is kept as one line without control characters");
      ctx.completeNow();
    })));
  }

  @Test
  void aNodeSilentPastTheDeadlineFailsWithTheTailOfItsBoot(VertxTestContext ctx) {
    cloud.running.add(new InstanceFacts("i-0aaa1111", "running", tags("baton:uuid", WEB), null, T0));
    cloud.boots.put("i-0aaa1111", new BootLog(null, false, "Starting cloud-final\nconnect to 10.0.0.9 port 7444 failed"));
    watch.run().compose(v -> runAt(T0.plus(Duration.ofMinutes(14)))).compose(v -> {
      assertEquals(NodeState.LAUNCHED, node("i-0aaa1111").state(), "still in time");
      return runAt(T0.plus(Duration.ofMinutes(15)).plusSeconds(1));
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      NodeRecord n = node("i-0aaa1111");
      assertEquals(NodeState.FAILED, n.state());
      assertEquals("did not register within 15 min of its launch (15 min ago); its boot output ends: connect to 10.0.0.9"
          + " port 7444 failed", n.reason());
      ctx.completeNow();
    })));
  }

  @Test
  void aBootLogIsReadAtMostOnceAMinuteAndNeverForARegisteredNode(VertxTestContext ctx) {
    cloud.running.add(new InstanceFacts("i-0aaa1111", "running", tags("baton:uuid", WEB), null, T0));
    Future<Void> runs = watch.run();
    for (int s = 25; s <= 80; s += 5) { // one run after another
      Instant at = T0.plusSeconds(s);
      runs = runs.compose(v -> runAt(at));
    }
    runs.compose(v -> {
      assertEquals(1, cloud.bootLogsRead.size(), cloud.bootLogsRead.toString());
      return runAt(T0.plusSeconds(90));
    }).compose(v -> {
      assertEquals(2, cloud.bootLogsRead.size());
      registry.advance("i-0aaa1111", NodeState.REGISTERED, "launched", null);
      return runAt(T0.plus(Duration.ofMinutes(20)));
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(2, cloud.bootLogsRead.size());
      assertEquals(NodeState.REGISTERED, node("i-0aaa1111").state(), "a registered node is never failed as late");
      ctx.completeNow();
    })));
  }

  @Test
  void aNodeThatFailedAsLateMayStillRegister() {
    assertNull(watch.reason(BootLog.NONE, false, Duration.ofMinutes(3)), "nothing to say yet");
  }
}
