package dev.baton.controller.registry;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Every node's record, kept in memory and written atomically to disk after each change, so a
 * controller restart keeps them. Listeners hear every change (the API's event stream).
 */
public final class NodeRegistry implements dev.baton.controller.cluster.Replicated {
  private final Supplier<Instant> clock;
  private final dev.baton.common.store.GroupCommitFile store;
  private final Map<String, NodeRecord> nodes = new LinkedHashMap<>();
  private final dev.baton.common.store.JsonArraySnapshot<String, NodeRecord> encoded =
      new dev.baton.common.store.JsonArraySnapshot<>(NodeRecord::toJson);
  private final List<java.util.function.BiConsumer<NodeRecord, NodeRecord>> listeners = new CopyOnWriteArrayList<>();
  private final List<java.util.function.BiConsumer<NodeRecord, NodeRecord>> localListeners = new CopyOnWriteArrayList<>();
  private final dev.baton.controller.cluster.ReplicaFeed feed = new dev.baton.controller.cluster.ReplicaFeed();

  public NodeRegistry(Path file, Supplier<Instant> clock) {
    this.clock = clock;
    this.store = new dev.baton.common.store.GroupCommitFile(file, false, this::changes);
    try {
      for (JsonObject o : store.read()) {
        NodeRecord r = NodeRecord.fromJson(o);
        nodes.put(r.id(), r);
      }
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "nodes: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public Instant now() {
    return clock.get();
  }

  /**
   * Hears every change: the record before (null for a new one) and after, made here or, in a
   * cluster, merged from another controller.
   */
  public void listen(java.util.function.BiConsumer<NodeRecord, NodeRecord> l) {
    listeners.add(l);
  }

  /** Hears the changes made by this controller only (what it must act on once: hooks, clean-ups). */
  public void listenLocal(java.util.function.BiConsumer<NodeRecord, NodeRecord> l) {
    localListeners.add(l);
  }

  private void changed(NodeRecord before, NodeRecord after) {
    listeners.forEach(l -> l.accept(before, after));
    localListeners.forEach(l -> l.accept(before, after));
    feed.publish(after.toJson());
  }

  @Override
  public String replicaName() {
    return "nodes";
  }

  @Override
  public synchronized io.vertx.core.json.JsonArray snapshot() {
    io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
    nodes.values().forEach(n -> a.add(n.toJson()));
    return a;
  }

  /** A record from another controller replaces this one's when it was updated later. */
  @Override
  public void merge(JsonObject record) {
    NodeRecord r = NodeRecord.fromJson(record);
    NodeRecord before;
    synchronized (this) {
      before = nodes.get(r.id());
      if (before != null && !r.updated().isAfter(before.updated())) {
        return;
      }
      nodes.put(r.id(), r);
      touched.add(r.id());
      save();
    }
    listeners.forEach(l -> l.accept(before, r));
  }

  @Override
  public void onLocalChange(java.util.function.Consumer<JsonObject> listener) {
    feed.add(listener);
  }

  public synchronized Optional<NodeRecord> get(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  public synchronized Optional<NodeRecord> byName(String name) {
    return nodes.values().stream().filter(n -> n.name().equals(name) || n.id().equals(name))
        .max(Comparator.comparing(NodeRecord::updated));
  }

  public synchronized List<NodeRecord> all() {
    List<NodeRecord> out = new ArrayList<>(nodes.values());
    out.sort(Comparator.comparing(NodeRecord::platform).thenComparing(NodeRecord::name));
    return out;
  }

  /** Creates or replaces a record. */
  public NodeRecord put(NodeRecord r) {
    NodeRecord before;
    synchronized (this) {
      before = nodes.put(r.id(), r);
      touched.add(r.id());
      save();
    }
    changed(before, r);
    return r;
  }

  /** Changes a record atomically; returns the new one. */
  public NodeRecord update(String id, UnaryOperator<NodeRecord> change) {
    NodeRecord next;
    NodeRecord cur;
    synchronized (this) {
      cur = nodes.get(id);
      if (cur == null) {
        throw BatonException.notFound("nodes: no node " + id);
      }
      next = change.apply(cur);
      nodes.put(id, next);
      touched.add(id);
      save();
    }
    changed(cur, next);
    return next;
  }

  /** Moves a node to {@code next}, closing its running phase with {@code outcome}. */
  public NodeRecord advance(String id, NodeState next, String outcome, String reason) {
    return update(id, r -> r.advance(next, outcome, reason, clock.get()));
  }

  /** Moves a node to the hand-off step {@code step} (HANDING_OFF), closing its running phase with {@code outcome}. */
  public NodeRecord handingOff(String id, String step, String outcome) {
    return update(id, r -> r.handingOff(step, outcome, clock.get()));
  }

  /** Schedules a write of every record; the future completes once it is on disk. */
  public io.vertx.core.Future<Void> sync() {
    return store.save();
  }

  private void save() {
    store.save();
  }

  /** Records changed since the writer last asked (it asks for their encodings only). */
  private final java.util.Set<String> touched = new java.util.LinkedHashSet<>();

  private synchronized dev.baton.common.store.JsonArraySnapshot.Changes changes() {
    var c = encoded.changes(nodes, touched);
    touched.clear();
    return c;
  }
}
