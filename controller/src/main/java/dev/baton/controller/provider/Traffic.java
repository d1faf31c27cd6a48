package dev.baton.controller.provider;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * A node's place in the load balancers' target groups, taken away before a deploy and given back
 * after it, so that no request reaches a node while its application is replaced. Optional: a
 * provider implements it when its cloud has load balancers; callers ask for it with
 * {@link CloudProvider#require}.
 *
 * <p>A target group is named by its name or its ARN, as the definitions say. Both calls are safe to
 * repeat (a deployment resumed after a controller died calls them again), and both fail with a
 * {@link dev.baton.common.error.BatonException} whose message names the target group, the instance
 * and the state it was left in.
 */
public interface Traffic {

  /**
   * Takes the instance out of every target group and waits until each has drained it (no longer
   * lists it, or says it is not registered). An instance already out is left alone.
   *
   * @param timeout how long draining may take in all; past it the call fails naming what still drains
   */
  Future<Void> block(List<String> targetGroups, String instanceId, Duration timeout);

  /**
   * Puts the instance (back) into every target group and waits until each says it is healthy.
   *
   * @param timeout how long it may take to become healthy; past it the call fails with the last state seen
   */
  Future<Void> allow(List<String> targetGroups, String instanceId, Duration timeout);
}
