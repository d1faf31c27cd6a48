package dev.baton.controller.handoff;

import dev.baton.common.bus.Addresses;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.Hello;
import dev.baton.common.time.Backoff;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.intent.NodeIntent;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Drives an attested node to READY through the steps of its configuration management (see
 * {@link ConfigManagement} and {@link HandoffStep}), when the node says hello (so it is connected
 * and listening). The node is HANDING_OFF with each step's name beside its state and in its
 * timeline; a failed attempt is retried with backoff until the step's deadline, starts the
 * hand-off over, or marks the node FAILED with the reason, as the step's recovery says. Steps
 * completed are recorded in the {@link HandoffStore}, so a controller that restarts, or a node
 * that reconnects, resumes after the last completed step.
 */
public final class HandoffOrchestrator {
  /** Between attempts of a step that failed for a passing reason: 0.5 s doubling to 15 s (one node: no jitter). */
  static final Backoff STEP_BACKOFF = new Backoff(500, 15_000, 0, false);
  private static final Logger LOG = Logger.getLogger("baton.handoff");
  private static final int MAX_RESTARTS = 5;

  /** Runs {@code task} after {@code millis} (a Vert.x timer; tests pass their own clock's). */
  @FunctionalInterface
  public interface Timer {
    void after(long millis, Runnable task);
  }

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final IntentStore intents;
  private final HandoffStore store;
  private final Map<String, ConfigManagement> kinds = new LinkedHashMap<>();
  private final Map<String, MessageConsumer<JsonObject>> sessions = new ConcurrentHashMap<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final LongSupplier clock;
  private final Timer timer;

  public HandoffOrchestrator(Vertx vertx, NodeRegistry registry, IntentStore intents, HandoffStore store,
      List<ConfigManagement> managements) {
    this(vertx, registry, intents, store, managements, System::currentTimeMillis,
        (ms, task) -> vertx.setTimer(ms, t -> task.run()));
  }

  /** @param clock milliseconds now (deadlines); {@code timer} waits between attempts */
  public HandoffOrchestrator(Vertx vertx, NodeRegistry registry, IntentStore intents, HandoffStore store,
      List<ConfigManagement> managements, LongSupplier clock, Timer timer) {
    this.vertx = vertx;
    this.registry = registry;
    this.intents = intents;
    this.store = store;
    this.clock = clock;
    this.timer = timer;
    for (ConfigManagement cm : managements) {
      kinds.put(cm.kind(), cm);
    }
  }

  private volatile java.util.function.Function<Handoff, List<HandoffStep>> last = h -> List.of();

  /**
   * Steps every hand-off ends with, after its configuration manager's, whatever the manager: the
   * applications the node runs ({@code deploy}), so that a node is READY on its group's revision.
   */
  public void endWith(java.util.function.Function<Handoff, List<HandoffStep>> steps) {
    this.last = steps;
  }

  /** Listens for every known node that is not finished (after a restart). */
  public void resumeAll() {
    for (NodeRecord r : registry.all()) {
      if (r.state() != NodeState.TERMINATED && r.state() != NodeState.LAUNCHED) {
        listen(r.id());
      }
    }
  }

  /** Starts listening to a node's messages. */
  public void listen(String nodeId) {
    // local: in a cluster, the controller the node is connected to drives its hand-off
    sessions.computeIfAbsent(nodeId, id -> vertx.eventBus().<JsonObject>localConsumer(Addresses.nodeOut(id), m -> {
      String from = m.headers().get(Addresses.NODE_HEADER);
      if (!id.equals(from)) {
        return; // only the bridge sets this header, and only to the sender's own ID
      }
      if (Hello.is(m.body())) {
        proceed(id);
      }
    }));
  }

  /** Drives the node's hand-off from where it stands (nothing when it is finished or already under way). */
  Future<Void> proceed(String id) {
    NodeRecord r = registry.get(id).orElse(null);
    if (r == null || r.state().terminal() || !running.add(id)) {
      return Future.succeededFuture();
    }
    NodeIntent intent = intents.get(r.scope(), r.uuid()).orElse(NodeIntent.unknown(r.uuid()));
    String kind = intent.handoff().configManagement();
    ConfigManagement cm = kinds.get(kind);
    Handoff h = new Handoff(vertx, r, intent, store);
    Future<Void> all;
    try {
      all = cm == null
          ? Future.failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION, "config_management " + kind
              + " is not available on this controller (it has " + kinds.keySet() + ")"))
          : vertx.executeBlocking(() -> {
            List<HandoffStep> steps = new java.util.ArrayList<>(cm.steps(h));
            steps.addAll(last.apply(h));
            return steps;
          }, false).compose(steps -> steps(h, steps, 0, 0));
    } catch (RuntimeException e) {
      all = Future.failedFuture(e); // whatever goes wrong, the node is not left marked as under way
    }
    return all.transform(ar -> {
      running.remove(id);
      if (ar.succeeded()) {
        registry.advance(id, NodeState.READY, "ok", null);
        LOG.info(() -> "node=" + id + " state=READY");
      } else if (!registry.get(id).map(x -> x.state() == NodeState.FAILED).orElse(true)) {
        String why = ar.cause().getMessage();
        registry.advance(id, NodeState.FAILED, "failed", why);
        LOG.warning(() -> "node=" + id + " state=FAILED reason=" + why);
      }
      if (cm == null) {
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> {
        cm.finished(h, ar.succeeded());
        return null;
      }, false).mapEmpty();
    });
  }

  private Future<Void> steps(Handoff h, List<HandoffStep> steps, int i, int restarts) {
    if (i == steps.size()) {
      return Future.succeededFuture();
    }
    String id = h.node().id();
    HandoffStep step = steps.get(i);
    if (store.done(id, step.name())) {
      return steps(h, steps, i + 1, restarts);
    }
    NodeRecord now = registry.get(id).orElse(null);
    if (now == null || !step.name().equals(now.step())) {
      registry.handingOff(id, step.name(), "ok");
    }
    long deadline = clock.getAsLong() + step.deadline().toMillis();
    Promise<Void> done = Promise.promise();
    long t0 = System.nanoTime();
    h.takeAgentNanos();
    attempt(h, step, deadline, 0, done);
    return done.future().compose(v -> {
      long total = System.nanoTime() - t0;
      long agent = h.takeAgentNanos();
      // the controller's own time in the step: all of it but the waits for the node's agent
      store.update(id, s -> s.put("done", s.getJsonArray("done", new JsonArray()).add(step.name()))
          .put("timing", s.getJsonObject("timing", new JsonObject()).put(step.name(), new JsonObject()
              .put("micros", total / 1000).put("agent_micros", agent / 1000))));
      return steps(h, steps, i + 1, restarts);
    }, err -> {
      if (err instanceof Restart && restarts < MAX_RESTARTS) {
        store.update(id, s -> s.put("done", new JsonArray()));
        registry.handingOff(id, steps.get(0).name(), "restarted");
        LOG.warning(() -> "node=" + id + " " + err.getCause().getMessage() + "; starting the hand-off over");
        return steps(h, steps, 0, restarts + 1);
      }
      return Future.failedFuture(err instanceof Restart ? err.getCause() : err);
    });
  }

  /** Thrown inside: the hand-off starts over from its first step. */
  private static final class Restart extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Restart(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private void attempt(Handoff h, HandoffStep step, long deadline, int n, Promise<Void> done) {
    Future<Void> f;
    try {
      f = step.run().attempt(h);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete();
        return;
      }
      Throwable err = ar.cause();
      vertx.executeBlocking(() -> step.recovery().after(h, err), false).onComplete(next -> {
        HandoffStep.Next what = next.succeeded() ? next.result() : HandoffStep.RETRY_UNAVAILABLE.after(h, err);
        if (what == HandoffStep.Next.RESTART) {
          done.fail(new Restart(err));
          return;
        }
        long backoff = STEP_BACKOFF.delay(n, () -> 0);
        boolean retry = what == HandoffStep.Next.RETRY;
        if (retry && clock.getAsLong() + backoff < deadline) {
          LOG.info(() -> "node=" + h.node().id() + " " + step.name() + " attempt " + (n + 1) + " failed: "
              + err.getMessage() + "; retrying in " + backoff + " ms");
          timer.after(backoff, () -> attempt(h, step, deadline, n + 1, done));
        } else {
          done.fail(new BatonException(ErrorCode.FAILED_PRECONDITION, describe(step, err)
              + (retry ? " (gave up after " + (n + 1) + " attempts)" : ""), err));
        }
      });
    });
  }

  /** The failure as the node's reason says it: named by its step (once). */
  private static String describe(HandoffStep step, Throwable err) {
    String message = err.getMessage() == null ? err.toString() : err.getMessage();
    return err instanceof StepFailure ? message : step.name() + ": " + message;
  }
}
