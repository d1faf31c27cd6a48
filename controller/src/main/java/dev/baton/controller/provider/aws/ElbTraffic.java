package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.time.Backoff;
import dev.baton.controller.provider.Traffic;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * Load-balancer traffic around a node (ELBv2 target groups): names resolved to ARNs with
 * {@code DescribeTargetGroups}, then {@code DeregisterTargets} and {@code DescribeTargetHealth} until
 * the instance is gone from each group (AWS lists it {@code draining} for the group's deregistration
 * delay; moto 5.2.2 drops it at once), or {@code RegisterTargets} and {@code DescribeTargetHealth}
 * until it is {@code healthy}. Polls with {@link Backoff} on Vert.x timers, so that a long drain holds
 * no worker thread; each SDK call runs on a worker.
 */
final class ElbTraffic implements Traffic {
  /** Between looks at the targets' health: 1 s, doubling to 10 s (a deregistration delay is minutes). */
  static final Backoff POLL = new Backoff(1_000, 10_000, 0, false);
  /** A registered target of a group no load balancer uses: nothing to wait for, it gets no traffic. */
  static final String NOT_IN_USE = "Target.NotInUse";
  static final String NOT_REGISTERED = "Target.NotRegistered";

  private final Vertx vertx;
  private final ElasticLoadBalancingV2Client elb;
  private final LongSupplier clock;

  ElbTraffic(Vertx vertx, ElasticLoadBalancingV2Client elb) {
    this(vertx, elb, System::currentTimeMillis);
  }

  ElbTraffic(Vertx vertx, ElasticLoadBalancingV2Client elb, LongSupplier clock) {
    this.vertx = vertx;
    this.elb = elb;
    this.clock = clock;
  }

  static <T> T call(String what, java.util.function.Supplier<T> c) {
    return AwsErrors.call(what, c);
  }

  @Override
  public Future<Void> block(List<String> targetGroups, String instanceId, Duration timeout) {
    long deadline = clock.getAsLong() + timeout.toMillis();
    return blocking(() -> {
      Map<String, String> groups = resolve(targetGroups);
      for (String arn : groups.keySet()) {
        List<TargetDescription> registered = of(health(arn), instanceId).stream()
            .filter(h -> !"draining".equals(h.targetHealth().stateAsString()) && !notRegistered(h))
            .map(TargetHealthDescription::target).toList();
        // deregistering a target that is not registered is an error on moto (InvalidTarget): only what is there
        if (!registered.isEmpty()) {
          call("DeregisterTargets", () -> elb.deregisterTargets(b -> b.targetGroupArn(arn).targets(registered)));
        }
      }
      return groups;
    }).compose(groups -> poll(groups, instanceId, true, deadline, timeout, 0));
  }

  @Override
  public Future<Void> allow(List<String> targetGroups, String instanceId, Duration timeout) {
    long deadline = clock.getAsLong() + timeout.toMillis();
    return blocking(() -> {
      Map<String, String> groups = resolve(targetGroups);
      for (String arn : groups.keySet()) {
        // at the group's own port; registering again what is registered changes nothing
        call("RegisterTargets", () -> elb.registerTargets(b -> b.targetGroupArn(arn).targets(t -> t.id(instanceId))));
      }
      return groups;
    }).compose(groups -> poll(groups, instanceId, false, deadline, timeout, 0));
  }

  /** Looks until every group has drained the instance ({@code gone}) or says it is healthy; fails at the deadline. */
  private Future<Void> poll(Map<String, String> groups, String instanceId, boolean gone, long deadline, Duration timeout,
      int n) {
    return blocking(() -> {
      List<String> waiting = new ArrayList<>();
      for (Map.Entry<String, String> g : groups.entrySet()) {
        List<TargetHealthDescription> mine = of(health(g.getKey()), instanceId);
        boolean done = gone ? mine.stream().allMatch(ElbTraffic::notRegistered)
            : !mine.isEmpty() && mine.stream().allMatch(h -> "healthy".equals(h.targetHealth().stateAsString())
                || NOT_IN_USE.equals(h.targetHealth().reasonAsString()));
        if (!done) {
          waiting.add(g.getValue() + ": " + (mine.isEmpty() ? "not registered" : describe(mine.get(0))));
        }
      }
      return waiting;
    }).compose(waiting -> {
      if (waiting.isEmpty()) {
        return Future.succeededFuture();
      }
      if (clock.getAsLong() >= deadline) {
        return Future.failedFuture(new BatonException(ErrorCode.DEADLINE_EXCEEDED, "aws: instance " + instanceId
            + (gone ? " still not drained from " : " still not healthy in ") + String.join("; ", waiting) + " after "
            + timeout.toSeconds() + " s" + (gone ? " (the target group's deregistration delay may be longer)"
                : " (check the target group's health check and the application's port)")));
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(POLL.delay(n, () -> 0), t -> poll(groups, instanceId, gone, deadline, timeout, n + 1)
          .onComplete(later));
      return later.future();
    });
  }

  private static boolean notRegistered(TargetHealthDescription h) {
    return "unused".equals(h.targetHealth().stateAsString()) && NOT_REGISTERED.equals(h.targetHealth().reasonAsString());
  }

  private static String describe(TargetHealthDescription h) {
    var t = h.targetHealth();
    return t.stateAsString() + (t.reasonAsString() == null ? "" : " (" + t.reasonAsString()
        + (t.description() == null ? "" : ": " + t.description()) + ")");
  }

  private static List<TargetHealthDescription> of(List<TargetHealthDescription> all, String instanceId) {
    return all.stream().filter(h -> h.target() != null && instanceId.equals(h.target().id())).toList();
  }

  /** Every target the group lists (registered, draining): a deregistered one drops out of this list once drained. */
  private List<TargetHealthDescription> health(String arn) {
    return call("DescribeTargetHealth", () -> elb.describeTargetHealth(b -> b.targetGroupArn(arn)))
        .targetHealthDescriptions();
  }

  /** Each target group's ARN to the name the definitions gave it (names are looked up, ARNs kept). */
  Map<String, String> resolve(List<String> targetGroups) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (String g : targetGroups) {
      if (g.startsWith("arn:")) {
        out.put(g, g);
      } else {
        names.add(g);
      }
    }
    // at most 20 names a call
    for (int i = 0; i < names.size(); i += 20) {
      List<String> some = names.subList(i, Math.min(names.size(), i + 20));
      try {
        call("DescribeTargetGroups", () -> elb.describeTargetGroups(b -> b.names(some))).targetGroups()
            .forEach(tg -> out.put(tg.targetGroupArn(), tg.targetGroupName()));
      } catch (BatonException e) {
        if (e.code() != ErrorCode.NOT_FOUND) {
          throw e;
        }
        throw new BatonException(ErrorCode.NOT_FOUND, "aws: target group " + (some.size() == 1 ? some.get(0)
            : "of " + some) + " not found in the platform's region: create it, or correct target_groups in the"
            + " definitions (a name or an ARN)", false, e);
      }
    }
    return out;
  }

  private <T> Future<T> blocking(Callable<T> c) {
    return AwsErrors.blocking(vertx, c);
  }
}
