package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.provider.CallStats;
import dev.baton.controller.provider.Traffic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * {@link ElbTraffic} against whatever {@code AWS_ENDPOINT_URL} points at (checked against moto
 * 5.2.2): a VPC, a target group and a running instance registered in it; block takes the instance
 * out (moto drops a deregistered target at once, where AWS lists it {@code draining} for the
 * group's deregistration delay) and again changes nothing; allow puts it back and it is
 * {@code healthy}; a group named by its ARN; a target group that does not exist, and an instance
 * that is not running, fail saying so. Every call is counted. Skipped when no endpoint is set.
 */
class ElbTrafficAwsIT {
  static final String REGION = "eu-west-1";
  /** Its own name each run: an endpoint (or an account) may still hold the group of an earlier one. */
  static final String GROUP = "baton-it-" + Long.toHexString(System.nanoTime() & 0xffffffffL);
  static Vertx vertx;
  static AwsClients clients;
  static final CallStats STATS = new CallStats();
  static String instance;
  static String arn;
  static Traffic traffic;

  @BeforeAll
  static void setUp() {
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    assumeTrue(endpoint != null && !endpoint.isBlank(), "AWS_ENDPOINT_URL is not set: the aws-it suite needs an endpoint"
        + " (an AWS account's, or an AWS-compatible emulator's) and credentials in the SDK's default chain");
    vertx = Vertx.vertx();
    clients = new AwsClients(REGION, null, endpoint, STATS);
    String vpc = clients.ec2.createVpc(b -> b.cidrBlock("10.77.0.0/16")).vpc().vpcId();
    String subnet = clients.ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.77.1.0/24")).subnet().subnetId();
    String ami = System.getenv("BATON_IT_AMI") != null ? System.getenv("BATON_IT_AMI")
        : clients.ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
    instance = clients.ec2.runInstances(b -> b.imageId(ami).instanceType("t3.micro").subnetId(subnet).minCount(1)
        .maxCount(1)).instances().get(0).instanceId();
    clients.ec2.waiter().waitUntilInstanceRunning(b -> b.instanceIds(instance));
    arn = clients.elb.createTargetGroup(b -> b.name(GROUP).protocol("HTTP").port(8080).vpcId(vpc).targetType("instance"))
        .targetGroups().get(0).targetGroupArn();
    clients.elb.registerTargets(b -> b.targetGroupArn(arn).targets(t -> t.id(instance)));
    traffic = new ElbTraffic(vertx, clients.elb);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (clients != null && arn != null) {
      clients.elb.deleteTargetGroup(b -> b.targetGroupArn(arn));
      clients.ec2.terminateInstances(b -> b.instanceIds(instance));
    }
    if (clients != null) {
      clients.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static BatonException failure(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      return (BatonException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** What the group lists of the instance (registered or draining targets). */
  static List<String> listed() {
    return clients.elb.describeTargetHealth(b -> b.targetGroupArn(arn)).targetHealthDescriptions().stream()
        .filter(h -> instance.equals(h.target().id())).map(h -> h.targetHealth().stateAsString()).toList();
  }

  static TargetHealthDescription asked() {
    return clients.elb.describeTargetHealth(b -> b.targetGroupArn(arn).targets(t -> t.id(instance)))
        .targetHealthDescriptions().get(0);
  }

  @Test
  void blockTakesTheInstanceOutAndAllowPutsItBackHealthy() throws Exception {
    assertEquals(List.of("healthy"), listed(), "registered by the set-up");
    await(traffic.block(List.of(GROUP), instance, Duration.ofSeconds(30)));
    assertEquals(List.of(), listed(), "no longer listed: drained");
    assertEquals("unused", asked().targetHealth().stateAsString());
    assertEquals("Target.NotRegistered", asked().targetHealth().reasonAsString());
    long deregistered = calls("DeregisterTargets");
    await(traffic.block(List.of(GROUP), instance, Duration.ofSeconds(30)));
    assertEquals(deregistered, calls("DeregisterTargets"), "an instance already out is left alone");

    await(traffic.allow(List.of(GROUP), instance, Duration.ofSeconds(30)));
    assertEquals(List.of("healthy"), listed());
    await(traffic.allow(List.of(arn), instance, Duration.ofSeconds(30)));
    assertEquals(List.of("healthy"), listed(), "registering again, by ARN, changes nothing");
    assertTrue(calls("DescribeTargetGroups") >= 1 && calls("DescribeTargetHealth") >= 3 && calls("RegisterTargets") >= 2,
        STATS.snapshot().toString());
  }

  @Test
  void aTargetGroupThatDoesNotExistIsNamed() throws Exception {
    BatonException e = failure(traffic.block(List.of("no-such-group"), instance, Duration.ofSeconds(5)));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
    assertTrue(e.getMessage().startsWith("aws: target group no-such-group not found in the platform's region: create it,"
        + " or correct target_groups"), e.getMessage());
  }

  @Test
  void anInstanceThatDoesNotRunCannotBePutIntoItsTargetGroup() throws Exception {
    String ami = clients.ec2.describeInstances(b -> b.instanceIds(instance)).reservations().get(0).instances().get(0)
        .imageId();
    String subnet = clients.ec2.describeInstances(b -> b.instanceIds(instance)).reservations().get(0).instances().get(0)
        .subnetId();
    String stopped = clients.ec2.runInstances(b -> b.imageId(ami).instanceType("t3.micro").subnetId(subnet).minCount(1)
        .maxCount(1)).instances().get(0).instanceId();
    clients.ec2.waiter().waitUntilInstanceRunning(b -> b.instanceIds(stopped));
    clients.ec2.stopInstances(b -> b.instanceIds(stopped));
    clients.ec2.waiter().waitUntilInstanceStopped(b -> b.instanceIds(stopped));
    BatonException e = failure(traffic.allow(List.of(GROUP), stopped, Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains("RegisterTargets") && e.getMessage().contains(stopped), e.getMessage());
  }

  static long calls(String operation) {
    return STATS.snapshot().entrySet().stream().filter(x -> x.getKey().endsWith(":" + operation))
        .mapToLong(java.util.Map.Entry::getValue).sum();
  }
}
