package dev.baton.controller.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Keeps the durable stores of the controllers of a cluster alike: each change made here is
 * published to the others ({@code baton.cluster.change}), which merge it into their own stores
 * and write it to their own disks. A controller that starts sends every record it has to the
 * others ({@code baton.cluster.hello}: after a restart of the whole cluster, the newest copy of
 * each record wins) and asks one of them for theirs ({@code baton.cluster.snapshot}). It also
 * knows the bridge endpoints of every live member (what agents are given), and which member is
 * the leader (the oldest): only the leader runs the cluster-wide periodic work.
 */
public final class ClusterSync {
  private static final Logger LOG = Logger.getLogger("baton.cluster");
  static final String CHANGE = "baton.cluster.change";
  static final String HELLO = "baton.cluster.hello";
  static final String SNAPSHOT = "baton.cluster.snapshot";

  private final Vertx vertx;
  private final ClusterManager manager;
  private final String self;
  private final Map<String, Replicated> stores = new LinkedHashMap<>();
  private final Map<String, List<String>> endpoints = new ConcurrentHashMap<>();
  private final List<String> ownEndpoints;
  private final List<Runnable> onMembership = new java.util.concurrent.CopyOnWriteArrayList<>();

  public ClusterSync(Vertx vertx, ClusterManager manager, List<String> ownEndpoints, List<Replicated> replicated) {
    this.vertx = vertx;
    this.manager = manager;
    this.self = manager.getNodeId();
    this.ownEndpoints = List.copyOf(ownEndpoints);
    replicated.forEach(r -> stores.put(r.replicaName(), r));
    endpoints.put(self, this.ownEndpoints);
  }

  public String memberId() {
    return self;
  }

  /** Subscribes, sends this member's records, and merges those of the cluster. */
  public Future<Void> start() {
    for (Replicated r : stores.values()) {
      r.onLocalChange(record -> vertx.eventBus().publish(CHANGE, new JsonObject().put("from", self)
          .put("store", r.replicaName()).put("record", record)));
    }
    var changes = vertx.eventBus().<JsonObject>consumer(CHANGE, m -> {
      JsonObject b = m.body();
      if (!self.equals(b.getString("from"))) {
        apply(b.getString("store"), b.getJsonObject("record"));
      }
    });
    var hellos = vertx.eventBus().<JsonObject>consumer(HELLO, m -> {
      JsonObject b = m.body();
      if (!self.equals(b.getString("from"))) {
        endpoints.put(b.getString("from"), b.getJsonArray("endpoints", new JsonArray()).stream().map(String::valueOf)
            .toList());
        merge(b.getJsonObject("stores", new JsonObject()));
        if (b.getString("reply_to") == null) {
          // the newcomer learns this member's endpoints too (an answer is not answered)
          vertx.eventBus().publish(HELLO, new JsonObject().put("from", self).put("endpoints", new JsonArray(ownEndpoints))
              .put("reply_to", b.getString("from")));
        }
      }
    });
    // each member answers on its own address: a newcomer asks another member, never itself
    var snapshots = vertx.eventBus().<JsonObject>consumer(SNAPSHOT + "." + self, m -> vertx.executeBlocking(this::snapshot,
        false).onSuccess(m::reply).onFailure(e -> m.fail(500, e.getMessage())));
    manager.nodeListener(new NodeListener() {
      @Override
      public void nodeAdded(String nodeID) {
        LOG.info(() -> "cluster: member " + nodeID + " joined (" + manager.getNodes().size() + " members)");
        onMembership.forEach(Runnable::run);
      }

      @Override
      public void nodeLeft(String nodeID) {
        endpoints.remove(nodeID);
        LOG.warning(() -> "cluster: member " + nodeID + " left (" + manager.getNodes().size() + " members)");
        onMembership.forEach(Runnable::run);
      }
    });
    return Future.all(changes.completion(), hellos.completion(), snapshots.completion())
        .compose(v -> vertx.executeBlocking(this::snapshot, false))
        .compose(mine -> {
          vertx.eventBus().publish(HELLO, new JsonObject().put("from", self).put("endpoints", new JsonArray(ownEndpoints))
              .put("stores", mine.getJsonObject("stores")));
          List<String> others = manager.getNodes().stream().filter(n -> !n.equals(self)).toList();
          return snapshotFrom(others, 0);
        }).onSuccess(v -> LOG.info(() -> "cluster: member " + self + " in sync; " + manager.getNodes().size()
            + " members"));
  }

  /** Merges the records of the first of {@code others} that answers (none: this member's own are all there is). */
  private Future<Void> snapshotFrom(List<String> others, int i) {
    if (i >= others.size()) {
      if (!others.isEmpty()) {
        LOG.warning("cluster: no other member sent its records; going on with this member's");
      }
      return Future.succeededFuture();
    }
    return vertx.eventBus().<JsonObject>request(SNAPSHOT + "." + others.get(i), new JsonObject().put("from", self),
        new DeliveryOptions().setSendTimeout(30_000)).map(m -> {
          merge(m.body().getJsonObject("stores", new JsonObject()));
          LOG.info(() -> "cluster: merged the records of member " + others.get(i));
          return (Void) null;
        }).recover(err -> snapshotFrom(others, i + 1));
  }

  private JsonObject snapshot() {
    JsonObject all = new JsonObject();
    stores.forEach((name, r) -> all.put(name, r.snapshot()));
    return new JsonObject().put("from", self).put("stores", all);
  }

  private void merge(JsonObject all) {
    all.forEach(e -> {
      if (e.getValue() instanceof JsonArray records) {
        records.forEach(o -> apply(e.getKey(), (JsonObject) o));
      }
    });
  }

  private void apply(String store, JsonObject record) {
    Replicated r = stores.get(store);
    if (r == null || record == null) {
      return;
    }
    try {
      r.merge(record);
    } catch (RuntimeException e) {
      LOG.warning(() -> "cluster: a " + store + " record from another member was not merged: " + e.getMessage());
    }
  }

  /** The bridge endpoints of every live member, this one's first. */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>(ownEndpoints);
    endpoints.forEach((member, eps) -> {
      if (!member.equals(self)) {
        eps.stream().filter(e -> !out.contains(e)).forEach(out::add);
      }
    });
    return out;
  }

  /** True on the oldest member: the one that runs the periodic work of the whole cluster. */
  public boolean leader() {
    List<String> nodes = manager.getNodes();
    if (manager instanceof io.vertx.spi.cluster.hazelcast.HazelcastClusterManager h && h.getHazelcastInstance() != null) {
      var members = h.getHazelcastInstance().getCluster().getMembers();
      return !members.isEmpty() && members.iterator().next().localMember();
    }
    return nodes.isEmpty() || nodes.get(0).equals(self);
  }

  public int members() {
    return manager.getNodes().size();
  }

  /** Told when a member joins or leaves. */
  public void onMembership(Runnable r) {
    onMembership.add(r);
  }
}
