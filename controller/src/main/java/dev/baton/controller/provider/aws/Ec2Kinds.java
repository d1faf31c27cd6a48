package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The EC2 kinds, each to its family: the network ({@link Ec2Network}: VPC with its internet gateway,
 * subnet with its route table, Elastic IP), {@link Ec2SecurityGroups}, and {@link Ec2Instances}
 * (instances and volumes). Every resource is tagged at creation ({@code TagSpecifications}) and listed
 * with one filtered, paginated call per kind; parts Baton makes for a resource (a gateway, a route
 * table, a root volume) carry its UUID and a {@code baton:part} tag. The helpers here are shared by the
 * families and by the other kinds' classes.
 */
final class Ec2Kinds {
  static final String UUID = "baton:uuid";
  static final String PART = "baton:part";

  private final Ec2Client ec2;
  private final Ec2Network network;
  private final Ec2SecurityGroups securityGroups;
  private final Ec2Instances instances;

  Ec2Kinds(Ec2Client ec2, InstanceUserData userData) {
    this.ec2 = ec2;
    this.network = new Ec2Network(ec2);
    this.securityGroups = new Ec2SecurityGroups(ec2);
    this.instances = new Ec2Instances(ec2, userData);
  }

  // ---- helpers -------------------------------------------------------------------------------

  static List<Filter> scopeFilters(Scope scope) {
    List<Filter> f = new ArrayList<>();
    f.add(Filter.builder().name("tag:baton:platform").values(scope.platform()).build());
    f.add(Filter.builder().name("tag:baton:customer").values(scope.customer()).build());
    if (scope.env() != null) {
      f.add(Filter.builder().name("tag:baton:env").values(scope.env()).build());
    }
    return f;
  }

  static Map<String, String> tags(List<Tag> tags) {
    Map<String, String> m = new LinkedHashMap<>();
    tags.forEach(t -> m.put(t.key(), t.value()));
    return m;
  }

  static TagSpecification spec(ResourceType type, Map<String, String> tags) {
    return TagSpecification.builder().resourceType(type).tags(toTags(tags)).build();
  }

  static List<Tag> toTags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  static Map<String, String> part(Map<String, String> tags, String part) {
    Map<String, String> t = new LinkedHashMap<>(tags);
    t.put(PART, part);
    t.put("Name", tags.getOrDefault("Name", "") + "-" + part);
    return t;
  }

  static String id(Object v) {
    return v instanceof CloudId c ? c.id() : v == null ? null : v.toString();
  }

  static boolean bool(Object v, boolean dflt) {
    return v instanceof Boolean b ? b : dflt;
  }

  static Integer integer(Object v) {
    return v instanceof Number n ? n.intValue() : v == null ? null : Integer.valueOf(v.toString());
  }

  static <T> T call(String what, java.util.function.Supplier<T> c) {
    return AwsErrors.call(what, c);
  }

  // ---- observe -------------------------------------------------------------------------------

  List<LiveResource> observe(ResourceKind kind, Scope scope) {
    return switch (kind) {
      case VPC -> network.vpcs(scope);
      case SUBNET -> network.subnets(scope);
      case SECURITY_GROUP -> securityGroups.observe(scope);
      case ELASTIC_IP -> network.addresses(scope);
      case VOLUME -> instances.volumes(scope);
      case INSTANCE -> instances.instances(scope);
      default -> throw new IllegalArgumentException(kind.yaml());
    };
  }

  // ---- create --------------------------------------------------------------------------------

  LiveResource create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> a, Map<String, String> tags,
      String token) {
    return switch (kind) {
      case VPC -> network.createVpc(a, tags);
      case SUBNET -> network.createSubnet(a, tags);
      case SECURITY_GROUP -> securityGroups.create(a, tags);
      case ELASTIC_IP -> network.allocateAddress(uuid, tags);
      case VOLUME -> instances.createVolume(a, tags);
      case INSTANCE -> instances.createInstance(scope, uuid, a, tags, token);
      default -> throw new IllegalArgumentException(kind.yaml());
    };
  }

  // ---- update --------------------------------------------------------------------------------

  LiveResource update(LiveResource live, Map<String, Object> a, Map<String, String> tags, List<String> changed) {
    String id = live.id().id();
    Map<String, Object> merged = new LinkedHashMap<>(live.attributes());
    for (String k : changed) {
      switch (live.kind()) {
        case VPC, SUBNET -> network.update(live, k, a.get(k), tags);
        case SECURITY_GROUP -> securityGroups.update(id, k, a.get(k));
        case VOLUME -> instances.updateVolume(id, k, a.get(k));
        case INSTANCE -> instances.updateInstance(id, k, live.attributes().get(k), a.get(k));
        default -> { }
      }
      merged.put(k, a.get(k));
    }
    retag(id, live.tags(), tags);
    return new LiveResource(live.kind(), live.uuid(), live.id(), merged, tags, live.state());
  }

  private void retag(String id, Map<String, String> before, Map<String, String> after) {
    Map<String, String> add = new LinkedHashMap<>();
    after.forEach((k, v) -> {
      if (!v.equals(before.get(k))) {
        add.put(k, v);
      }
    });
    List<Tag> remove = before.keySet().stream().filter(k -> !after.containsKey(k) && !k.startsWith("aws:"))
        .map(k -> Tag.builder().key(k).build()).toList();
    if (!add.isEmpty()) {
      call("CreateTags", () -> ec2.createTags(b -> b.resources(id).tags(toTags(add))));
    }
    if (!remove.isEmpty()) {
      call("DeleteTags", () -> ec2.deleteTags(b -> b.resources(id).tags(remove)));
    }
  }

  // ---- delete --------------------------------------------------------------------------------

  void delete(LiveResource live) {
    String id = live.id().id();
    try {
      switch (live.kind()) {
        case VPC, SUBNET, ELASTIC_IP -> network.delete(live);
        case SECURITY_GROUP -> securityGroups.delete(id);
        case VOLUME -> instances.deleteVolume(id);
        case INSTANCE -> instances.terminate(id);
        default -> throw new IllegalArgumentException(live.kind().yaml());
      }
    } catch (BatonException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e; // already gone is done
      }
    }
  }
}
