package dev.baton.controller.deploy;

import dev.baton.common.settings.Settings;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The load balancers around one node's deploy or rollback: before the node gets its command it is
 * taken out of the target groups its group or instance names and drained; once it answered it is
 * put back and must become healthy. A node of a target with no target groups is left alone (no
 * call at all). What goes wrong is answered as the node's reason, never as a failed future: the
 * deployment treats it as the node's failure.
 */
final class TrafficAround {
  private static final Logger LOG = Logger.getLogger("baton.deploy");

  private final NodeRegistry registry;
  private final NodeTraffic traffic;
  private final Duration drain;
  private final Duration healthy;

  TrafficAround(NodeRegistry registry, NodeTraffic traffic) {
    this(registry, traffic, Duration.ofSeconds(Settings.DEPLOY_DRAIN_SECONDS.get()),
        Duration.ofSeconds(Settings.DEPLOY_HEALTHY_SECONDS.get()));
  }

  TrafficAround(NodeRegistry registry, NodeTraffic traffic, Duration drain, Duration healthy) {
    this.registry = registry;
    this.traffic = traffic;
    this.drain = drain;
    this.healthy = healthy;
  }

  /** Whether the node serves target groups (its target names some). */
  boolean serves(DeployRequest r, String node) {
    return registry.get(node).map(n -> !r.targetGroupsOf(n.uuid()).isEmpty()).orElse(false);
  }

  /** Takes the node out of its target groups and waits for draining; empty when done (or nothing to do), else why not. */
  Future<Optional<String>> block(DeployRequest r, String node) {
    return around(r, node, "could not be taken out of its load balancers' target groups",
        (n, groups) -> traffic.block(n, groups, drain));
  }

  /** Puts the node back into its target groups and waits until it is healthy; empty when done, else why not. */
  Future<Optional<String>> allow(DeployRequest r, String node) {
    return around(r, node, "could not be put back into its load balancers' target groups",
        (n, groups) -> traffic.allow(n, groups, healthy));
  }

  private Future<Optional<String>> around(DeployRequest r, String node, String failed,
      java.util.function.BiFunction<NodeRecord, List<String>, Future<Void>> call) {
    Optional<NodeRecord> n = registry.get(node);
    if (n.isEmpty()) {
      return Future.succeededFuture(Optional.empty()); // a node gone meanwhile is not in any target group
    }
    List<String> groups = r.targetGroupsOf(n.get().uuid());
    if (groups.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Function<Throwable, Future<Optional<String>>> why = err -> {
      String reason = failed + " " + groups + ": " + err.getMessage();
      LOG.warning(() -> "node " + n.get().name() + " " + reason);
      return Future.succeededFuture(Optional.of(reason));
    };
    Future<Void> done;
    try {
      done = call.apply(n.get(), groups);
    } catch (RuntimeException e) {
      return why.apply(e);
    }
    return done.map(v -> Optional.<String>empty()).recover(why);
  }
}
