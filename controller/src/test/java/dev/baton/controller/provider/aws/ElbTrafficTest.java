package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DeregisterTargetsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DeregisterTargetsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RegisterTargetsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RegisterTargetsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * What moto cannot show: a target {@code draining} for a while (block waits until the group drops
 * it), one still draining at the deadline or never healthy (the failure names the group, the state
 * and AWS's reason), and a group no load balancer uses ({@code Target.NotInUse}: allow is done).
 * The client is a fake that answers each DescribeTargetHealth from a script; the clock is injected.
 */
class ElbTrafficTest {
  static final String ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-443/0a1b2c3d";
  final Vertx vertx = Vertx.vertx();
  final AtomicLong now = new AtomicLong(1_000_000);
  final List<String> calls = new ArrayList<>();
  /** What DescribeTargetHealth answers, one list of (state, reason) per call; the last one again when it runs out. */
  final Deque<List<String[]>> health = new ArrayDeque<>();

  final ElasticLoadBalancingV2Client elb = new ElasticLoadBalancingV2Client() {
    @Override
    public DescribeTargetGroupsResponse describeTargetGroups(DescribeTargetGroupsRequest r) {
      calls.add("DescribeTargetGroups " + r.names());
      return DescribeTargetGroupsResponse.builder().targetGroups(t -> t.targetGroupArn(ARN).targetGroupName("web-443"))
          .build();
    }

    @Override
    public DescribeTargetHealthResponse describeTargetHealth(DescribeTargetHealthRequest r) {
      calls.add("DescribeTargetHealth");
      List<String[]> answer = health.size() > 1 ? health.poll() : health.peek();
      return DescribeTargetHealthResponse.builder().targetHealthDescriptions(answer.stream().map(s ->
          TargetHealthDescription.builder().target(t -> t.id("i-1").port(443))
              .targetHealth(h -> h.state(s[0]).reason(s[1]).description(s.length > 2 ? s[2] : null)).build()).toList())
          .build();
    }

    @Override
    public DeregisterTargetsResponse deregisterTargets(DeregisterTargetsRequest r) {
      calls.add("DeregisterTargets " + r.targets().get(0).id() + ":" + r.targets().get(0).port());
      return DeregisterTargetsResponse.builder().build();
    }

    @Override
    public RegisterTargetsResponse registerTargets(RegisterTargetsRequest r) {
      calls.add("RegisterTargets " + r.targets().get(0).id());
      return RegisterTargetsResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "elasticloadbalancing";
    }

    @Override
    public void close() {}
  };

  final ElbTraffic traffic = new ElbTraffic(vertx, elb, now::get);

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String[] state(String state, String reason, String... description) {
    return description.length == 0 ? new String[] {state, reason} : new String[] {state, reason, description[0]};
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static BatonException failure(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      return (BatonException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void blockWaitsWhileTheTargetDrainsThenSucceedsOnceTheGroupDropsIt() throws Exception {
    health.add(List.<String[]>of(state("healthy", null)));
    health.add(List.<String[]>of(state("draining", "Target.DeregistrationInProgress")));
    health.add(List.<String[]>of());
    await(traffic.block(List.of("web-443"), "i-1", Duration.ofMinutes(5)));
    assertEquals(List.of("DescribeTargetGroups [web-443]", "DescribeTargetHealth", "DeregisterTargets i-1:443",
        "DescribeTargetHealth", "DescribeTargetHealth"), calls, "deregistered at its port, then looked at until gone");
  }

  @Test
  void aTargetStillDrainingAtTheDeadlineFailsNamingItsGroupAndState() throws Exception {
    health.add(List.<String[]>of(state("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress")));
    Future<Void> f = traffic.block(List.of(ARN), "i-1", Duration.ofSeconds(60));
    now.addAndGet(61_000);
    BatonException e = failure(f);
    assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code());
    assertEquals("aws: instance i-1 still not drained from " + ARN + ": draining (Target.DeregistrationInProgress: Target"
        + " deregistration is in progress) after 60 s (the target group's deregistration delay may be longer)",
        e.getMessage());
    assertTrue(calls.stream().noneMatch(c -> c.startsWith("Deregister")), "already draining: not deregistered again");
  }

  @Test
  void allowIsDoneWhenHealthyOrWhenNoLoadBalancerUsesTheGroup() throws Exception {
    health.add(List.<String[]>of(state("initial", "Elb.RegistrationInProgress")));
    health.add(List.<String[]>of(state("healthy", null)));
    await(traffic.allow(List.of("web-443"), "i-1", Duration.ofMinutes(5)));
    assertEquals(List.of("DescribeTargetGroups [web-443]", "RegisterTargets i-1", "DescribeTargetHealth",
        "DescribeTargetHealth"), calls);
    health.clear();
    health.add(List.<String[]>of(state("unused", "Target.NotInUse")));
    await(traffic.allow(List.of(ARN), "i-1", Duration.ofMinutes(5)));
  }

  @Test
  void aTargetNeverHealthyFailsWithTheLastStateSeen() throws Exception {
    health.add(List.<String[]>of(state("unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [502]")));
    Future<Void> f = traffic.allow(List.of(ARN), "i-1", Duration.ofSeconds(30));
    now.addAndGet(31_000);
    BatonException e = failure(f);
    assertEquals("aws: instance i-1 still not healthy in " + ARN + ": unhealthy (Target.ResponseCodeMismatch: Health"
        + " checks failed with these codes: [502]) after 30 s (check the target group's health check and the"
        + " application's port)", e.getMessage());
  }
}
