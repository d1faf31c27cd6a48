package dev.baton.controller.handoff;

import dev.baton.common.bus.Addresses;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
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
import java.util.logging.Logger;

/**
 * Drives an attested node to READY through the phases of its configuration management (see
 * {@link ConfigManagement}), when the node says hello (so it is connected and listening). Each
 * phase is in the node's timeline; a phase that fails with {@code UNAVAILABLE} is retried with
 * backoff until its deadline; any other failure marks the node FAILED with the reason. Phases
 * completed are recorded in the {@link HandoffStore}, so a controller that restarts, or a node
 * that reconnects, resumes from the last completed phase.
 */
public final class HandoffOrchestrator {
  /** Between attempts of a phase that failed for a passing reason: 0.5 s doubling to 15 s (one node: no jitter). */
  static final dev.baton.common.time.Backoff PHASE_BACKOFF = new dev.baton.common.time.Backoff(500, 15_000, 0, false);
  private static final Logger LOG = Logger.getLogger("baton.handoff");
  private static final int MAX_RESTARTS = 5;

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final IntentStore intents;
  private final HandoffStore store;
  private final Map<String, ConfigManagement> kinds = new LinkedHashMap<>();
  private final Map<String, MessageConsumer<JsonObject>> sessions = new ConcurrentHashMap<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  public HandoffOrchestrator(Vertx vertx, NodeRegistry registry, IntentStore intents, HandoffStore store,
      List<ConfigManagement> managements) {
    this.vertx = vertx;
    this.registry = registry;
    this.intents = intents;
    this.store = store;
    for (ConfigManagement cm : managements) {
      kinds.put(cm.kind(), cm);
    }
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
      if ("hello".equals(m.body().getString("type"))) {
        proceed(id);
      }
    }));
  }

  private void proceed(String id) {
    NodeRecord r = registry.get(id).orElse(null);
    if (r == null || r.state().terminal() || !running.add(id)) {
      return;
    }
    JsonObject intent = intents.get(IntentStore.key(r.scope(), r.uuid()))
        .orElse(new JsonObject().put("handoff", new JsonObject().put("config_management", "none")));
    String kind = intent.getJsonObject("handoff", new JsonObject()).getString("config_management", "none");
    ConfigManagement cm = kinds.get(kind);
    Handoff h = new Handoff(vertx, r, intent, store);
    Future<Void> all = cm == null
        ? Future.failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION, "config_management " + kind
            + " is not available on this controller (it has " + kinds.keySet() + ")"))
        : vertx.executeBlocking(() -> cm.phases(h), false).compose(phases -> phases(cm, h, phases, 0, 0));
    all.onComplete(ar -> {
      running.remove(id);
      if (ar.succeeded()) {
        registry.advance(id, NodeState.READY, "ok", null);
        LOG.info(() -> "node=" + id + " state=READY");
      } else if (!registry.get(id).map(x -> x.state() == NodeState.FAILED).orElse(true)) {
        String why = ar.cause().getMessage();
        registry.advance(id, NodeState.FAILED, "failed", why);
        LOG.warning(() -> "node=" + id + " state=FAILED reason=" + why);
      }
      if (cm != null) {
        vertx.executeBlocking(() -> {
          cm.finished(h, ar.succeeded());
          return null;
        }, false);
      }
    });
  }

  private Future<Void> phases(ConfigManagement cm, Handoff h, List<NodeState> phases, int i, int restarts) {
    if (i == phases.size()) {
      return Future.succeededFuture();
    }
    String id = h.node().id();
    NodeState phase = phases.get(i);
    if (store.done(id, phase.name())) {
      return phases(cm, h, phases, i + 1, restarts);
    }
    if (registry.get(id).map(NodeRecord::state).orElse(null) != phase) {
      registry.advance(id, phase, "ok", null);
    }
    long deadline = System.currentTimeMillis() + cm.deadline(phase).toMillis();
    Promise<Void> done = Promise.promise();
    long t0 = System.nanoTime();
    h.takeAgentNanos();
    attempt(cm, h, phase, deadline, 0, done);
    return done.future().compose(v -> {
      long total = System.nanoTime() - t0;
      long agent = h.takeAgentNanos();
      // the controller's own time in the phase: all of it but the waits for the node's agent
      store.update(id, s -> s.put("done", s.getJsonArray("done", new JsonArray()).add(phase.name()))
          .put("timing", s.getJsonObject("timing", new JsonObject()).put(phase.name(), new JsonObject()
              .put("micros", total / 1000).put("agent_micros", agent / 1000))));
      return phases(cm, h, phases, i + 1, restarts);
    }, err -> {
      if (err instanceof Restart && restarts < MAX_RESTARTS) {
        store.update(id, s -> s.put("done", new JsonArray()));
        registry.advance(id, phases.get(0), "restarted", null);
        LOG.warning(() -> "node=" + id + " " + err.getCause().getMessage() + "; starting the hand-off over");
        return phases(cm, h, phases, 0, restarts + 1);
      }
      return Future.failedFuture(err instanceof Restart ? err.getCause() : err);
    });
  }

  /** Thrown inside: the hand-off starts over from its first phase. */
  private static final class Restart extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Restart(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private void attempt(ConfigManagement cm, Handoff h, NodeState phase, long deadline, int n, Promise<Void> done) {
    Future<Void> f;
    try {
      f = cm.run(phase, h);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete();
        return;
      }
      Throwable err = ar.cause();
      vertx.executeBlocking(() -> cm.restart(phase, h, err), false).onComplete(rs -> {
        if (rs.succeeded() && rs.result()) {
          done.fail(new Restart(err));
          return;
        }
        boolean retryable = err instanceof BatonException b && b.code() == ErrorCode.UNAVAILABLE;
        long backoff = PHASE_BACKOFF.delay(n, () -> 0);
        if (retryable && System.currentTimeMillis() + backoff < deadline) {
          LOG.info(() -> "node=" + h.node().id() + " " + phase + " attempt " + (n + 1) + " failed: " + err.getMessage()
              + "; retrying in " + backoff + " ms");
          vertx.setTimer(backoff, t -> attempt(cm, h, phase, deadline, n + 1, done));
        } else {
          String message = err.getMessage() == null ? err.toString() : err.getMessage();
          done.fail(new BatonException(ErrorCode.FAILED_PRECONDITION, (message.startsWith(phase.name()) ? ""
              : phase + ": ") + message + (retryable ? " (gave up after " + (n + 1) + " attempts)" : ""), err));
        }
      });
    });
  }
}
