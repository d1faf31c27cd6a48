package dev.baton.controller.handoff;

import dev.baton.common.bus.Addresses;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import dev.baton.controller.registry.NodeRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/** One node's hand-off as a step sees it: the node, what it is to become, its saved state, and a line to its agent. */
public final class Handoff {
  private final Vertx vertx;
  private final NodeRecord node;
  private final dev.baton.controller.intent.NodeIntent intent;
  private final HandoffStore store;
  private final java.util.concurrent.atomic.AtomicLong agentNanos = new java.util.concurrent.atomic.AtomicLong();

  Handoff(Vertx vertx, NodeRecord node, dev.baton.controller.intent.NodeIntent intent, HandoffStore store) {
    this.vertx = vertx;
    this.node = node;
    this.intent = intent;
    this.store = store;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The node as it was when the hand-off started (ID = instance ID, UUID, name, platform). */
  public NodeRecord node() {
    return node;
  }

  /** What the definitions say the node is: its name, certname, zone, region and hand-off settings. */
  public dev.baton.controller.intent.NodeIntent intent() {
    return intent;
  }

  /** The {@code handoff} settings of the node's definition. */
  public dev.baton.controller.intent.HandoffIntent settings() {
    return intent.handoff();
  }

  /** The hand-off's saved state (a copy). */
  public JsonObject state() {
    return store.get(node.id());
  }

  /** Changes the saved state; written to disk before this returns. */
  public JsonObject update(Consumer<JsonObject> change) {
    return store.update(node.id(), change);
  }

  /** Time spent waiting for the node's agent since the last call (what is not the controller's own). */
  long takeAgentNanos() {
    return agentNanos.getAndSet(0);
  }

  /**
   * Asks the node's agent to do something and waits for its answer (the command's timeout and 30 s).
   * Fails with {@code UNAVAILABLE} when the agent does not answer (not connected, or gone mid-way).
   */
  public Future<CommandResult> request(NodeCommand command) {
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout((command.timeoutSeconds() + 30) * 1000L);
    long t0 = System.nanoTime();
    return vertx.eventBus().<JsonObject>request(Addresses.nodeIn(node.id()), command.toJson(), opts)
        .andThen(ar -> agentNanos.addAndGet(System.nanoTime() - t0))
        .map(m -> CommandResult.fromJson(m.body()))
        .recover(err -> Future.failedFuture(new BatonException(ErrorCode.UNAVAILABLE,
            "the node's agent did not answer " + command.type() + ": " + err.getMessage())));
  }
}
