package dev.baton.controller.handoff;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a hand-off in progress has decided, per node, so that a controller restarting
 * mid-hand-off resumes where it was: the phases completed, the master chosen, the nonce issued,
 * the runs' summaries. Written atomically, readable by its owner only (the nonces are in it).
 */
public final class HandoffStore implements dev.baton.controller.cluster.Replicated {
  private final Path file;
  private final JsonObject all;
  private final dev.baton.controller.cluster.ReplicaFeed feed = new dev.baton.controller.cluster.ReplicaFeed();
  private long lastStamp;

  @Override
  public String replicaName() {
    return "handoffs";
  }

  @Override
  public synchronized io.vertx.core.json.JsonArray snapshot() {
    return dev.baton.controller.cluster.ReplicaFeed.snapshot(all, "node", "state");
  }

  /** A node's hand-off state from another controller replaces this one's when it changed later. */
  @Override
  public synchronized void merge(JsonObject record) {
    String node = record.getString("node");
    JsonObject in = record.getJsonObject("state");
    if (node == null || !dev.baton.controller.cluster.ReplicaFeed.newer(all.getJsonObject(node), in)) {
      return;
    }
    all.put(node, in.copy());
    write();
  }

  @Override
  public void onLocalChange(Consumer<JsonObject> listener) {
    feed.add(listener);
  }

  private void write() {
    try {
      CertificateAuthority.writeAtomically(file, all.encode(), true);
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "hand-offs: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public HandoffStore(Path file) {
    this.file = file;
    try {
      all = Files.exists(file) ? new JsonObject(Files.readString(file)) : new JsonObject();
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "hand-offs: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A copy of the node's hand-off state ({@code {}} when none). */
  public synchronized JsonObject get(String node) {
    return Optional.ofNullable(all.getJsonObject(node)).map(JsonObject::copy).orElseGet(JsonObject::new);
  }

  /** Changes the node's state and writes the store before returning. */
  public synchronized JsonObject update(String node, Consumer<JsonObject> change) {
    JsonObject o = Optional.ofNullable(all.getJsonObject(node)).orElseGet(JsonObject::new);
    change.accept(o);
    // when it changed (microseconds, increasing): which copy is newer when controllers compare
    lastStamp = Math.max(lastStamp + 1, System.currentTimeMillis() * 1000);
    o.put("changed", Math.max(lastStamp, o.getLong("changed", 0L) + 1));
    all.put(node, o);
    write();
    feed.publish(dev.baton.controller.cluster.ReplicaFeed.record("node", node, "state", o));
    return o.copy();
  }

  public synchronized boolean done(String node, String phase) {
    JsonObject o = all.getJsonObject(node);
    return o != null && o.getJsonArray("done", new io.vertx.core.json.JsonArray()).contains(phase);
  }

  /** The nodes whose states match. */
  public synchronized java.util.List<String> nodes(Predicate<JsonObject> p) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String k : all.fieldNames()) {
      if (p.test(all.getJsonObject(k))) {
        out.add(k);
      }
    }
    return out;
  }

  /** How many nodes' states match. */
  public synchronized int count(Predicate<JsonObject> p) {
    int n = 0;
    for (String k : all.fieldNames()) {
      if (p.test(all.getJsonObject(k))) {
        n++;
      }
    }
    return n;
  }
}
