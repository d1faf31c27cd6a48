package dev.baton.controller.provider.aws;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CallStats;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.NodeDns;
import dev.baton.controller.provider.Power;
import dev.baton.controller.provider.Traffic;
import dev.baton.controller.definition.Scope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The AWS provider: EC2, IAM and Route53 through the AWS SDK for Java v2 (see {@link Ec2Kinds},
 * {@link IamKinds}, {@link DnsKinds}, {@link AsgKinds} for how each kind is found again by its UUID). SDK calls
 * block, so each runs on a Vert.x worker thread; the engine bounds how many run at once. It offers
 * every optional capability: EC2 Auto Scaling groups, stopping and starting instances, nodes' records
 * in Route53, nodes taken out of load balancers' target groups and put back ({@link ElbTraffic}).
 */
public final class AwsCloudProvider implements CloudProvider, AutoscalingGroups, Power, NodeDns, Traffic {
  private final Vertx vertx;
  private final AwsClients clients;
  private final CallStats stats;
  private final Ec2Kinds ec2;
  private final IamKinds iam;
  private final DnsKinds dns;
  private final AsgKinds groups;
  private final ElbTraffic traffic;

  /** @param userData the user data of new instances (null: none) */
  public AwsCloudProvider(Vertx vertx, AwsClients clients, CallStats stats, InstanceUserData userData) {
    this.vertx = vertx;
    this.clients = clients;
    this.stats = stats;
    this.ec2 = new Ec2Kinds(clients.ec2, userData);
    this.iam = new IamKinds(clients.iam);
    this.dns = new DnsKinds(clients.route53, clients.ec2);
    this.groups = new AsgKinds(clients.autoscaling, clients.ec2, userData);
    this.traffic = new ElbTraffic(vertx, clients.elb);
  }

  /**
   * The provider for a platform as {@code provision} described its cloud to the controller:
   * {@code {region, profile, role_arn, external_id, endpoint_url}}. No user data (it launches nothing itself).
   */
  public static AwsCloudProvider forCloud(Vertx vertx, io.vertx.core.json.JsonObject cloud) {
    AwsClients c = SHARED.computeIfAbsent(cloud.encode(), k -> new AwsClients(cloud.getString("region"),
        new dev.baton.controller.definition.model.CredentialsSpec(cloud.getString("profile"), cloud.getString("role_arn"),
            cloud.getString("external_id")), cloud.getString("endpoint_url"), new CallStats()));
    AwsCloudProvider p = new AwsCloudProvider(vertx, c, new CallStats(), null);
    p.shared = true; // the controller's clients live as long as it does
    return p;
  }

  private static final java.util.Map<String, AwsClients> SHARED = new java.util.concurrent.ConcurrentHashMap<>();
  private boolean shared;

  @Override
  public String name() {
    return "aws";
  }

  /**
   * The account first (GetCallerIdentity after the platform's role is assumed, refused with both
   * IDs when it is not the platform's), then every image, key pair, hosted zone and AWS managed
   * policy the platform names ({@link AwsPreflight}).
   */
  @Override
  public Future<List<dev.baton.common.error.Diagnostic>> check(dev.baton.controller.definition.Platform platform) {
    return checkAccount(platform).compose(problems -> !problems.isEmpty() ? Future.succeededFuture(problems)
        : blocking(() -> new AwsPreflight(clients, platform.spec().region()).references(platform)));
  }

  /** The account is asked once per provider (a command): its clients act as one identity. */
  private volatile List<dev.baton.common.error.Diagnostic> accountChecked;

  @Override
  public Future<List<dev.baton.common.error.Diagnostic>> checkAccount(dev.baton.controller.definition.Platform platform) {
    List<dev.baton.common.error.Diagnostic> known = accountChecked;
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return blocking(() -> new AwsPreflight(clients, platform.spec().region()).account(platform))
        .onSuccess(d -> accountChecked = d);
  }

  private static boolean isIam(ResourceKind k) {
    return switch (k) {
      case IAM_POLICY, IAM_GROUP, IAM_USER, IAM_ROLE, INSTANCE_PROFILE -> true;
      default -> false;
    };
  }

  private <T> Future<T> blocking(Callable<T> c) {
    return AwsErrors.blocking(vertx, c);
  }

  @Override
  public Future<List<LiveResource>> observe(ResourceKind kind, Scope scope) {
    return blocking(() -> {
      List<LiveResource> all = isIam(kind) ? iam.observe(kind, scope) : kind == ResourceKind.DNS_RECORD ? dns.observe(scope)
          : kind == ResourceKind.AUTOSCALING_GROUP ? groups.observe(scope) : ec2.observe(kind, scope);
      return all.stream().filter(l -> scope.owns(l.tags())).toList();
    });
  }

  @Override
  public Future<List<LiveResource>> lookup(ResourceKind kind, Scope scope, String uuid) {
    return observe(kind, scope).map(l -> l.stream().filter(x -> uuid.equals(x.uuid())).toList());
  }

  @Override
  public Future<LiveResource> create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> attributes,
      Map<String, String> tags, String token) {
    return blocking(() -> {
      if (isIam(kind)) {
        return iam.create(kind, scope, uuid, attributes, tags);
      }
      if (kind == ResourceKind.DNS_RECORD) {
        return dns.upsert(scope, uuid, attributes, tags);
      }
      if (kind == ResourceKind.AUTOSCALING_GROUP) {
        return groups.create(scope, uuid, attributes, tags);
      }
      return ec2.create(kind, scope, uuid, attributes, tags, token);
    });
  }

  @Override
  public Future<LiveResource> update(LiveResource live, Map<String, Object> attributes, Map<String, String> tags,
      List<String> changed) {
    return blocking(() -> {
      if (isIam(live.kind())) {
        return iam.update(live, attributes, tags, changed);
      }
      Scope scope = new Scope(tags.get("baton:platform"), tags.get("baton:customer"), tags.get("baton:env"));
      if (live.kind() == ResourceKind.DNS_RECORD) {
        Map<String, Object> merged = new java.util.LinkedHashMap<>(live.attributes());
        merged.putAll(attributes);
        return dns.upsert(scope, live.uuid(), merged, tags);
      }
      if (live.kind() == ResourceKind.AUTOSCALING_GROUP) {
        return groups.update(scope, live, attributes, tags, changed);
      }
      return ec2.update(live, attributes, tags, changed);
    });
  }

  @Override
  public Future<Void> delete(LiveResource live) {
    return blocking(() -> {
      if (isIam(live.kind())) {
        iam.delete(live);
      } else if (live.kind() == ResourceKind.DNS_RECORD) {
        dns.delete(live);
      } else if (live.kind() == ResourceKind.AUTOSCALING_GROUP) {
        groups.delete(live);
      } else {
        ec2.delete(live);
      }
      return null;
    });
  }

  @Override
  public Future<List<GroupInstance>> groupInstances(LiveResource group) {
    return blocking(() -> groups.instances(group.id().id()));
  }

  @Override
  public Future<String> templateVersion(LiveResource group) {
    return blocking(() -> groups.templateVersion(group.id().id()));
  }

  @Override
  public Future<Void> setCapacity(LiveResource group, Integer min, int desired) {
    return blocking(() -> {
      groups.setCapacity(group.id().id(), min, desired);
      return null;
    });
  }

  @Override
  public Future<Void> terminateInGroup(LiveResource group, String instanceId, boolean decrement) {
    return blocking(() -> {
      groups.terminate(instanceId, decrement);
      return null;
    });
  }

  @Override
  public Future<Void> completeLifecycle(LiveResource group, String instanceId) {
    return blocking(() -> {
      groups.completeLifecycle(group.id().id(), instanceId);
      return null;
    });
  }

  @Override
  public Future<Void> upsertNodeRecord(Scope scope, String zone, String name, String address, String instanceId) {
    return blocking(() -> {
      dns.upsertNode(scope, zone, name, address, instanceId);
      return null;
    });
  }

  @Override
  public Future<Void> deleteNodeRecord(Scope scope, String zone, String name, String instanceId) {
    return blocking(() -> {
      dns.deleteNode(zone, name, instanceId);
      return null;
    });
  }

  @Override
  public Future<Void> stopInstances(List<String> instanceIds) {
    return instanceIds.isEmpty() ? Future.succeededFuture() : blocking(() -> {
      Ec2Kinds.call("StopInstances", () -> clients.ec2.stopInstances(b -> b.instanceIds(instanceIds)));
      return null;
    });
  }

  @Override
  public Future<Void> startInstances(List<String> instanceIds) {
    return instanceIds.isEmpty() ? Future.succeededFuture() : blocking(() -> {
      Ec2Kinds.call("StartInstances", () -> clients.ec2.startInstances(b -> b.instanceIds(instanceIds)));
      return null;
    });
  }

  @Override
  public Future<Void> block(List<String> targetGroups, String instanceId, java.time.Duration timeout) {
    return traffic.block(targetGroups, instanceId, timeout);
  }

  @Override
  public Future<Void> allow(List<String> targetGroups, String instanceId, java.time.Duration timeout) {
    return traffic.allow(targetGroups, instanceId, timeout);
  }

  @Override
  public CallStats stats() {
    return stats;
  }

  @Override
  public Future<Void> close() {
    if (shared) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      clients.close();
      return null;
    }, false);
  }
}
