package dev.baton.controller.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.intent.IntentCodec;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator's decisions over steps: retry until the deadline, start over, fail, resume.
 * Time is a counter that the fake timer moves forward, so retries of minutes take no time and no
 * test sleeps.
 */
@ExtendWith(VertxExtension.class)
class HandoffOrchestratorTest {
  @TempDir
  Path dir;

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final List<Long> waits = new ArrayList<>();
  private NodeRegistry registry;
  private IntentStore intents;
  private HandoffStore store;

  @BeforeEach
  void node() {
    registry = new NodeRegistry(dir.resolve("nodes.json"), () -> Instant.ofEpochMilli(now.get()));
    intents = new IntentStore(dir.resolve("intents.json"));
    store = new HandoffStore(dir.resolve("handoffs.json"));
    registry.put(new NodeRecord("i-1", "web-1", "u-1", "p", "c", "prod", NodeState.ATTESTED, null,
        List.of(new NodeRecord.Phase("ATTESTED", Instant.ofEpochMilli(now.get()), null, null)), null,
        Instant.ofEpochMilli(now.get())));
    intents.put(IntentStore.key("c", "p", "prod", "u-1"),
        IntentCodec.nodeFromJson(new JsonObject().put("handoff", new JsonObject().put("config_management", "test"))));
  }

  /** What the test wrote is on disk before its directory goes. */
  @org.junit.jupiter.api.AfterEach
  void flush(VertxTestContext ctx) {
    registry.sync().onComplete(ctx.succeedingThenComplete());
  }

  /** Waits by moving the clock: the task runs at once (on the event loop, as a timer's would). */
  private HandoffOrchestrator orchestrator(Vertx vertx, List<HandoffStep> steps) {
    ConfigManagement cm = new ConfigManagement() {
      @Override
      public String kind() {
        return "test";
      }

      @Override
      public List<HandoffStep> steps(Handoff h) {
        return steps;
      }
    };
    return new HandoffOrchestrator(vertx, registry, intents, store, List.of(cm), now::get, (ms, task) -> {
      waits.add(ms);
      now.addAndGet(ms);
      vertx.runOnContext(v -> task.run());
    });
  }

  private static Future<Void> unavailable() {
    return Future.failedFuture(new BatonException(ErrorCode.UNAVAILABLE, "the node's agent did not answer"));
  }

  private List<String> timeline() {
    return registry.get("i-1").orElseThrow().timeline().stream().map(NodeRecord.Phase::name).toList();
  }

  @Test
  void aPassingFailureIsRetriedWithBackoffAndEachStepIsInTheTimeline(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger tries = new AtomicInteger();
    List<HandoffStep> steps = List.of(
        HandoffStep.of("FIRST", Duration.ofMinutes(10), h -> tries.incrementAndGet() < 4 ? unavailable()
            : Future.succeededFuture()),
        HandoffStep.of("SECOND", Duration.ofMinutes(10), h -> Future.succeededFuture()));
    orchestrator(vertx, steps).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      NodeRecord n = registry.get("i-1").orElseThrow();
      assertEquals(NodeState.READY, n.state());
      assertNull(n.step(), "no step once READY");
      assertEquals(List.of("ATTESTED", "FIRST", "SECOND", "READY"), timeline());
      assertEquals(4, tries.get());
      assertEquals(List.of(500L, 1000L, 2000L), waits, "0.5 s doubling");
      assertTrue(store.done("i-1", "FIRST") && store.done("i-1", "SECOND"));
      ctx.completeNow();
    })));
  }

  @Test
  void aStepThatKeepsFailingGivesUpAtItsDeadline(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger tries = new AtomicInteger();
    List<HandoffStep> steps = List.of(HandoffStep.of("SIGN", Duration.ofMinutes(1), h -> {
      tries.incrementAndGet();
      return unavailable();
    }));
    orchestrator(vertx, steps).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      NodeRecord n = registry.get("i-1").orElseThrow();
      assertEquals(NodeState.FAILED, n.state());
      // 0.5 + 1 + 2 + 4 + 8 + 15 + 15 = 45.5 s; the next 15 s wait would pass the minute
      assertEquals(8, tries.get(), waits.toString());
      assertEquals("SIGN: the node's agent did not answer (gave up after 8 attempts)", n.reason());
      assertTrue(waits.stream().mapToLong(Long::longValue).sum() < 60_000);
      ctx.completeNow();
    })));
  }

  @Test
  void anyOtherFailureEndsTheHandoffAtOnceNamedByItsStep(Vertx vertx, VertxTestContext ctx) {
    List<HandoffStep> steps = List.of(HandoffStep.of("CLEAN_CERTS", Duration.ofMinutes(10),
        h -> Future.failedFuture(BatonException.denied("the master refused"))));
    orchestrator(vertx, steps).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      NodeRecord n = registry.get("i-1").orElseThrow();
      assertEquals(NodeState.FAILED, n.state());
      assertEquals("CLEAN_CERTS: the master refused", n.reason());
      assertTrue(waits.isEmpty(), "not retried");
      ctx.completeNow();
    })));
  }

  @Test
  void aFailureThatNamesItsStepIsNotNamedTwice(Vertx vertx, VertxTestContext ctx) {
    List<HandoffStep> steps = List.of(HandoffStep.of("FINAL_RUN", Duration.ofMinutes(10),
        h -> Future.failedFuture(StepFailure.exited("FINAL_RUN", "FINAL_RUN: puppet exited with 6 (...)", 6))));
    orchestrator(vertx, steps).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals("FINAL_RUN: puppet exited with 6 (...)", registry.get("i-1").orElseThrow().reason());
      ctx.completeNow();
    })));
  }

  @Test
  void aRecoveryThatSaysRestartStartsOverFromTheFirstStepAndForgetsWhatWasDone(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger chosen = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    List<HandoffStep> steps = List.of(
        HandoffStep.of("CHOOSE", Duration.ofMinutes(10), h -> {
          chosen.incrementAndGet();
          return Future.succeededFuture();
        }),
        HandoffStep.of("RUN", Duration.ofMinutes(10), h -> runs.incrementAndGet() == 1
            ? Future.failedFuture(StepFailure.exited("RUN", "RUN: exited with 1", 1)) : Future.succeededFuture())
            .recovering((h, err) -> err instanceof StepFailure f && f.exitCode() == 1 ? HandoffStep.Next.RESTART
                : HandoffStep.Next.FAIL));
    orchestrator(vertx, steps).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(NodeState.READY, registry.get("i-1").orElseThrow().state());
      assertEquals(2, chosen.get(), "chosen again after the restart");
      assertEquals(List.of("ATTESTED", "CHOOSE", "RUN", "CHOOSE", "RUN", "READY"), timeline());
      assertEquals("restarted", registry.get("i-1").orElseThrow().timeline().get(2).outcome());
      ctx.completeNow();
    })));
  }

  @Test
  void restartsAreBoundedSoALostMasterCannotLoopForever(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger runs = new AtomicInteger();
    List<HandoffStep> steps = List.of(HandoffStep.of("RUN", Duration.ofMinutes(10), h -> {
      runs.incrementAndGet();
      return Future.failedFuture(StepFailure.exited("RUN", "RUN: exited with 1", 1));
    }).recovering((h, err) -> HandoffStep.Next.RESTART));
    orchestrator(vertx, steps).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(NodeState.FAILED, registry.get("i-1").orElseThrow().state());
      assertEquals(6, runs.get(), "the first try and five restarts");
      ctx.completeNow();
    })));
  }

  @Test
  void aResumedHandoffSkipsTheStepsItCompleted(Vertx vertx, VertxTestContext ctx) {
    store.update("i-1", s -> s.put("done", new io.vertx.core.json.JsonArray().add("FIRST")));
    AtomicInteger first = new AtomicInteger();
    List<HandoffStep> steps = List.of(
        HandoffStep.of("FIRST", Duration.ofMinutes(10), h -> {
          first.incrementAndGet();
          return Future.succeededFuture();
        }),
        HandoffStep.of("SECOND", Duration.ofMinutes(10), h -> Future.succeededFuture()));
    orchestrator(vertx, steps).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(0, first.get(), "not run again");
      assertEquals(List.of("ATTESTED", "SECOND", "READY"), timeline());
      ctx.completeNow();
    })));
  }

  @Test
  void aNodeWhoseConfigManagementIsMissingFailsWithWhatThereIs(Vertx vertx, VertxTestContext ctx) {
    intents.put(IntentStore.key("c", "p", "prod", "u-1"),
        IntentCodec.nodeFromJson(new JsonObject().put("handoff", new JsonObject().put("config_management", "salt"))));
    orchestrator(vertx, List.of()).proceed("i-1").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals("config_management salt is not available on this controller (it has [test])",
          registry.get("i-1").orElseThrow().reason());
      ctx.completeNow();
    })));
  }

  @Test
  void aRecordFromBeforeStepsLeftTheStatesReadsAsHandingOff() {
    JsonObject old = registry.get("i-1").orElseThrow().toJson().put("state", "SIGN");
    old.remove("step");
    NodeRecord n = NodeRecord.fromJson(old);
    assertEquals(NodeState.HANDING_OFF, n.state());
    assertEquals("SIGN", n.step());
    assertEquals(n, NodeRecord.fromJson(n.toJson()), "and round-trips in the new form");
  }
}
