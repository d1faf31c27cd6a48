package dev.baton.controller.handoff;

import dev.baton.common.bus.Addresses;
import dev.baton.common.msg.NodeCommands;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Drives an attested node to READY through named phases, when the node says hello (so it is
 * connected and listening). Phases already completed are not run again: a controller that
 * restarts, or a node that reconnects, resumes from the last completed phase.
 *
 * <p>Configuration management {@code none}: READY at once. {@code shell}: BOOTSTRAP_RUN and
 * FINAL_RUN run the platform's commands on the node; exit code 0 moves on, anything else is
 * FAILED with the exit code and the last line the command printed.
 */
public final class HandoffOrchestrator {
  private static final Logger LOG = Logger.getLogger("baton.handoff");

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final IntentStore intents;
  private final Map<String, MessageConsumer<JsonObject>> sessions = new ConcurrentHashMap<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  public HandoffOrchestrator(Vertx vertx, NodeRegistry registry, IntentStore intents) {
    this.vertx = vertx;
    this.registry = registry;
    this.intents = intents;
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
    sessions.computeIfAbsent(nodeId, id -> vertx.eventBus().<JsonObject>consumer(Addresses.nodeOut(id), m -> {
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
    JsonObject intent = intents.get(IntentStore.key(r.customer(), r.platform(), r.env(), r.uuid()))
        .orElse(new JsonObject().put("handoff", new JsonObject().put("config_management", "none")));
    JsonObject handoff = intent.getJsonObject("handoff", new JsonObject());
    List<Step> steps = steps(handoff);
    Future<Void> chain = Future.succeededFuture();
    for (Step s : steps) {
      chain = chain.compose(v -> runStep(id, s));
    }
    chain.onComplete(ar -> {
      running.remove(id);
      if (ar.succeeded()) {
        registry.advance(id, NodeState.READY, "ok", null);
        LOG.info(() -> "node=" + id + " state=READY");
      } else if (!registry.get(id).map(x -> x.state() == NodeState.FAILED).orElse(true)) {
        registry.advance(id, NodeState.FAILED, "failed", ar.cause().getMessage());
      }
    });
  }

  private record Step(NodeState phase, String command, int timeout) {}

  private List<Step> steps(JsonObject handoff) {
    List<Step> out = new ArrayList<>();
    String cm = handoff.getString("config_management", "none");
    if (cm.equals("shell")) {
      JsonObject shell = handoff.getJsonObject("shell", new JsonObject());
      int timeout = shell.getInteger("timeout_seconds", 600);
      if (shell.getString("bootstrap") != null) {
        out.add(new Step(NodeState.BOOTSTRAP_RUN, shell.getString("bootstrap"), timeout));
      }
      if (shell.getString("final") != null) {
        out.add(new Step(NodeState.FINAL_RUN, shell.getString("final"), timeout));
      }
    } else if (cm.equals("puppet")) {
      out.add(new Step(NodeState.CHOOSE_MASTER, null, 0));
    }
    return out;
  }

  private Future<Void> runStep(String id, Step s) {
    NodeRecord r = registry.get(id).orElseThrow();
    if (completed(r, s.phase)) {
      return Future.succeededFuture();
    }
    if (s.command == null) {
      registry.advance(id, s.phase, "ok", null);
      String why = s.phase + ": the puppet hand-off is not part of this build; use config_management shell or none";
      registry.advance(id, NodeState.FAILED, "failed", why);
      return Future.failedFuture(why);
    }
    if (r.state() != s.phase) {
      registry.advance(id, s.phase, "ok", null);
    }
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout((s.timeout + 30) * 1000L);
    return vertx.eventBus().<JsonObject>request(Addresses.nodeIn(id), NodeCommands.run(s.phase.name(), s.command,
        s.timeout), opts).compose(reply -> {
          JsonObject res = reply.body();
          int code = res.getInteger("exit_code", -1);
          if (code == 0) {
            return Future.<Void>succeededFuture();
          }
          String out = res.getString("output", "");
          String last = out.isBlank() ? "" : ": " + out.lines().reduce((a, b) -> b).orElse("");
          String why = s.phase + " exited with " + code + last;
          registry.advance(id, NodeState.FAILED, "exit " + code, why);
          return Future.<Void>failedFuture(why);
        }, err -> Future.failedFuture(s.phase + ": " + err.getMessage()));
  }

  private static boolean completed(NodeRecord r, NodeState phase) {
    List<NodeRecord.Phase> t = r.timeline();
    for (NodeRecord.Phase p : t) {
      if (p.name().equals(phase.name()) && p.end() != null && "ok".equals(p.outcome())) {
        return true;
      }
    }
    return false;
  }
}
