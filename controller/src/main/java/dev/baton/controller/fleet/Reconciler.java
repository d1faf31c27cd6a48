package dev.baton.controller.fleet;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Periodic reconciliation of the nodes with their clouds (on the cluster's leader, one run at a
 * time): a node whose instance the cloud no longer has (or has terminated) is TERMINATED — a
 * stopped one is not; instances held by a group's termination lifecycle hook are let go once their
 * node is cleaned up; launched instances that never register get their deadline ({@link LaunchWatch}).
 */
public final class Reconciler {
  private static final Logger LOG = Logger.getLogger("baton.reconcile");
  private final NodeRegistry registry;
  private final IntentStore intents;
  private final Clouds clouds;
  private final NodeCleanup cleanup;
  private final LaunchWatch launches;
  private final BooleanSupplier leader;
  private final AtomicBoolean running = new AtomicBoolean();

  public Reconciler(NodeRegistry registry, IntentStore intents, Clouds clouds, NodeCleanup cleanup, LaunchWatch launches,
      BooleanSupplier leader) {
    this.registry = registry;
    this.intents = intents;
    this.clouds = clouds;
    this.cleanup = cleanup;
    this.launches = launches;
    this.leader = leader;
  }

  /** One run; nothing when this controller is not the leader or a run is under way. */
  public void run() {
    if (!leader.getAsBoolean() || !running.compareAndSet(false, true)) {
      return;
    }
    List<Future<Void>> all = new ArrayList<>();
    for (NodeRecord n : registry.all()) {
      if (n.state() == NodeState.TERMINATED) {
        continue;
      }
      // each node is looked up where it runs: on AWS in its platform's account (from its intent), else locally
      var dir = clouds.directory(Clouds.cloudOf(intents, n.scope(), n.uuid()));
      all.add(dir.describe(n.id()).compose(found -> {
        if (found.isPresent() && !"terminated".equals(found.get().state()) && !"shutting-down".equals(found.get().state())) {
          return Future.<Void>succeededFuture();
        }
        registry.advance(n.id(), NodeState.TERMINATED, "terminated", "the cloud no longer has instance " + n.id());
        LOG.info(() -> "node=" + n.id() + " (" + n.name() + ") is gone: TERMINATED");
        return Future.<Void>succeededFuture(); // its certificates: NodeCleanup, on the change
      }).recover(err -> Future.succeededFuture())); // the cloud did not answer: next time
    }
    all.add(lifecycleHooks());
    all.add(launches.run());
    Future.join(all).onComplete(ar -> running.set(false));
  }

  /**
   * Groups with a termination lifecycle hook: each instance the group is removing waits for the
   * controller; its node is TERMINATED, its certificates and DNS record cleaned, and only then is the
   * hook completed and the instance let go.
   */
  private Future<Void> lifecycleHooks() {
    List<Future<Void>> all = new ArrayList<>();
    intents.all().forEach((key, intent) -> {
      if (!intent.isGroup() || !intent.group().lifecycleHook()) {
        return;
      }
      Scope s = Scope.ofKey(key);
      var cloud = clouds.of(intent.cloud());
      all.add(cloud.findOne(ResourceKind.AUTOSCALING_GROUP, s, intent.uuid())
          .compose(group -> group.isEmpty() ? Future.<Void>succeededFuture()
              : cloud.require(AutoscalingGroups.class, "listing a group's instances")
                  .compose(groups -> releaseHeld(groups, group.get())))
          .recover(err -> {
            LOG.warning(() -> "lifecycle hooks of " + key + ": " + err.getMessage());
            return Future.succeededFuture();
          }).eventually(() -> cloud.close()));
    });
    return Future.join(all).mapEmpty();
  }

  /** Each instance the group holds for the controller: its node TERMINATED, cleaned up, then let go. */
  private Future<Void> releaseHeld(AutoscalingGroups groups, LiveResource group) {
    return groups.groupInstances(group).compose(list -> {
      List<Future<Void>> done = new ArrayList<>();
      for (var i : list) {
        if (i.lifecycle() != AutoscalingGroups.Lifecycle.HELD_FOR_CLEANUP) {
          continue;
        }
        registry.get(i.id()).filter(n -> n.state() != NodeState.TERMINATED).ifPresent(n -> registry.advance(n.id(),
            NodeState.TERMINATED, "terminated", "the group is removing instance " + n.id()));
        done.add(cleanup.pending(i.id()).recover(err -> Future.succeededFuture())
            .compose(v -> groups.completeLifecycle(group, i.id()))
            .onSuccess(v -> LOG.info(() -> "node=" + i.id() + " cleaned up; lifecycle hook completed")));
      }
      return Future.join(done).<Void>mapEmpty();
    });
  }
}
