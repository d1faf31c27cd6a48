package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.attest.InstanceFacts;
import dev.baton.controller.definition.model.CredentialsSpec;
import dev.baton.controller.provider.CallStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's view of EC2 when a node registers: is the instance running, and does it carry
 * the UUID and platform of the token it presented? One {@code DescribeInstances} of that instance,
 * in the platform's region and account (its credentials, as {@code provision} told the controller:
 * the default chain, a profile, or the customer's role), through the same clients as the provider.
 */
public final class AwsInstanceDirectory implements InstanceDirectory {
  private static final Map<String, AwsClients> CLIENTS = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final AwsClients clients;

  /** @param cloud {@code {provider: aws, region, role_arn, external_id, profile, endpoint_url}} of the node's platform */
  public AwsInstanceDirectory(Vertx vertx, JsonObject cloud) {
    this.vertx = vertx;
    String key = cloud.encode();
    this.clients = CLIENTS.computeIfAbsent(key, k -> new AwsClients(cloud.getString("region"), new CredentialsSpec(
        cloud.getString("profile"), cloud.getString("role_arn"), cloud.getString("external_id")),
        cloud.getString("endpoint_url"), new CallStats()));
  }

  /**
   * The Auto Scaling API's answer: the group the instance is in ({@code DescribeAutoScalingInstances}),
   * then that group's {@code baton:uuid} ({@code DescribeAutoScalingGroups}).
   */
  @Override
  public Future<Optional<String>> groupOf(InstanceFacts facts) {
    return vertx.executeBlocking(() -> {
      var in = AsgKinds.call("DescribeAutoScalingInstances", () -> clients.autoscaling.describeAutoScalingInstances(b -> b
          .instanceIds(facts.instanceId()))).autoScalingInstances();
      if (in.isEmpty()) {
        return Optional.<String>empty();
      }
      String name = in.get(0).autoScalingGroupName();
      var groups = AsgKinds.call("DescribeAutoScalingGroups", () -> clients.autoscaling.describeAutoScalingGroups(b -> b
          .autoScalingGroupNames(name))).autoScalingGroups();
      return groups.stream().flatMap(g -> g.tags().stream()).filter(t -> Ec2Kinds.UUID.equals(t.key()))
          .map(t -> t.value()).findFirst();
    }, false);
  }

  @Override
  public Future<Optional<InstanceFacts>> describe(String instanceId) {
    return vertx.executeBlocking(() -> {
      try {
        var reservations = Ec2Kinds.call("DescribeInstances", () -> clients.ec2.describeInstances(b -> b.instanceIds(instanceId)))
            .reservations();
        for (var r : reservations) {
          for (var i : r.instances()) {
            Map<String, String> tags = new LinkedHashMap<>();
            i.tags().forEach(t -> tags.put(t.key(), t.value()));
            return Optional.of(new InstanceFacts(i.instanceId(), i.state() == null ? "" : i.state().nameAsString(), tags,
                i.privateIpAddress()));
          }
        }
        return Optional.<InstanceFacts>empty();
      } catch (BatonException e) {
        if (e.code() == ErrorCode.NOT_FOUND) {
          return Optional.<InstanceFacts>empty();
        }
        throw e;
      }
    }, false);
  }

  /** Every pending or running instance of Baton's platforms in this account and region: one paginated listing. */
  @Override
  public Future<java.util.List<InstanceFacts>> launched() {
    return vertx.executeBlocking(() -> {
      java.util.List<InstanceFacts> out = new java.util.ArrayList<>();
      var filters = java.util.List.of(
          software.amazon.awssdk.services.ec2.model.Filter.builder().name("tag-key").values("baton:platform").build(),
          software.amazon.awssdk.services.ec2.model.Filter.builder().name("instance-state-name").values("pending", "running")
              .build());
      for (var r : Ec2Kinds.call("DescribeInstances", () -> clients.ec2.describeInstancesPaginator(b -> b.filters(filters)))
          .reservations()) {
        for (var i : r.instances()) {
          Map<String, String> tags = new LinkedHashMap<>();
          i.tags().forEach(t -> tags.put(t.key(), t.value()));
          out.add(new InstanceFacts(i.instanceId(), i.state() == null ? "" : i.state().nameAsString(), tags,
              i.privateIpAddress(), i.launchTime()));
        }
      }
      return out;
    }, false);
  }

  /**
   * The instance's console output ({@code GetConsoleOutput}, the latest): where cloud-init and
   * Baton's user-data script print, including the line of a step that failed.
   */
  @Override
  public Future<dev.baton.controller.attest.BootLog> bootLog(String instanceId) {
    return vertx.executeBlocking(() -> {
      String b64 = Ec2Kinds.call("GetConsoleOutput", () -> clients.ec2.getConsoleOutput(b -> b.instanceId(instanceId)
          .latest(true))).output();
      String text = b64 == null ? "" : new String(java.util.Base64.getMimeDecoder().decode(b64),
          java.nio.charset.StandardCharsets.UTF_8);
      return ConsoleOutput.read(text);
    }, false);
  }
}
