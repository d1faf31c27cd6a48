package dev.baton.controller.deploy;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.registry.NodeRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * A node taken out of the load balancers' target groups it serves and put back, in its own cloud.
 * The composition root gives it (the node's cloud's {@code provider.Traffic}, found from the node's
 * intent), so that deployments know no cloud. Both calls may be repeated.
 */
public interface NodeTraffic {

  /** Deregisters the node's instance from {@code targetGroups} and waits until they have drained it. */
  Future<Void> block(NodeRecord node, List<String> targetGroups, Duration timeout);

  /** Registers the node's instance in {@code targetGroups} and waits until it is healthy in each. */
  Future<Void> allow(NodeRecord node, List<String> targetGroups, Duration timeout);

  /** No cloud to ask: a node that serves target groups fails rather than take traffic mid-deploy. */
  NodeTraffic NONE = new NodeTraffic() {
    @Override
    public Future<Void> block(NodeRecord node, List<String> targetGroups, Duration timeout) {
      return refused();
    }

    @Override
    public Future<Void> allow(NodeRecord node, List<String> targetGroups, Duration timeout) {
      return refused();
    }

    private Future<Void> refused() {
      return Future.failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION,
          "this controller has no cloud to manage load-balancer target groups with"));
    }
  };
}
