package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Scope;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * The EC2 kinds: VPC (with its internet gateway), subnet (a public one with its own route table
 * to the gateway), security group (rules converged by difference), Elastic IP, volume, instance.
 * Every resource is tagged at creation ({@code TagSpecifications}) and listed with one filtered,
 * paginated call per kind; parts Baton makes for a resource (a gateway, a route table, a root
 * volume) carry its UUID and a {@code baton:part} tag.
 */
final class Ec2Kinds {
  static final String UUID = "baton:uuid";
  static final String PART = "baton:part";

  private final Ec2Client ec2;
  private final InstanceUserData userData;

  Ec2Kinds(Ec2Client ec2, InstanceUserData userData) {
    this.ec2 = ec2;
    this.userData = userData;
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



  private static boolean isPart(Map<String, String> tags) {
    return tags.containsKey(PART);
  }

  // ---- observe -------------------------------------------------------------------------------

  List<LiveResource> observe(ResourceKind kind, Scope scope) {
    return switch (kind) {
      case VPC -> vpcs(scope);
      case SUBNET -> subnets(scope);
      case SECURITY_GROUP -> groups(scope);
      case ELASTIC_IP -> addresses(scope);
      case VOLUME -> volumes(scope);
      case INSTANCE -> instances(scope);
      default -> throw new IllegalArgumentException(kind.yaml());
    };
  }

  private List<LiveResource> vpcs(Scope scope) {
    Map<String, Boolean> gateways = new HashMap<>();
    call("DescribeInternetGateways", () -> ec2.describeInternetGatewaysPaginator(b -> b.filters(scopeFilters(scope))))
        .internetGateways().forEach(g -> g.attachments().forEach(a -> gateways.put(a.vpcId(), true)));
    List<LiveResource> out = new ArrayList<>();
    for (Vpc v : call("DescribeVpcs", () -> ec2.describeVpcsPaginator(b -> b.filters(scopeFilters(scope)))).vpcs()) {
      Map<String, String> t = tags(v.tags());
      if (!t.containsKey(UUID)) {
        continue;
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("cidr", v.cidrBlock());
      a.put("internet_gateway", gateways.getOrDefault(v.vpcId(), false));
      // not in DescribeVpcs: one call per VPC of the platform (a platform has one or two)
      AttributeBooleanValue dns = call("DescribeVpcAttribute", () -> ec2.describeVpcAttribute(b -> b.vpcId(v.vpcId())
          .attribute("enableDnsHostnames"))).enableDnsHostnames();
      a.put("dns_hostnames", dns != null && Boolean.TRUE.equals(dns.value()));
      out.add(new LiveResource(ResourceKind.VPC, t.get(UUID), new CloudId(v.vpcId()), a, t, v.stateAsString()));
    }
    return out;
  }

  private List<LiveResource> subnets(Scope scope) {
    List<LiveResource> out = new ArrayList<>();
    for (Subnet s : call("DescribeSubnets", () -> ec2.describeSubnetsPaginator(b -> b.filters(scopeFilters(scope)))).subnets()) {
      Map<String, String> t = tags(s.tags());
      if (!t.containsKey(UUID)) {
        continue;
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("vpc", new CloudId(s.vpcId()));
      a.put("cidr", s.cidrBlock());
      a.put("az", s.availabilityZone());
      a.put("public", Boolean.TRUE.equals(s.mapPublicIpOnLaunch()));
      out.add(new LiveResource(ResourceKind.SUBNET, t.get(UUID), new CloudId(s.subnetId()), a, t, s.stateAsString()));
    }
    return out;
  }

  private List<LiveResource> groups(Scope scope) {
    List<LiveResource> out = new ArrayList<>();
    for (SecurityGroup g : call("DescribeSecurityGroups",
        () -> ec2.describeSecurityGroupsPaginator(b -> b.filters(scopeFilters(scope)))).securityGroups()) {
      Map<String, String> t = tags(g.tags());
      if (!t.containsKey(UUID)) {
        continue;
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("vpc", new CloudId(g.vpcId()));
      a.put("ingress", Rules.fromPermissions(g.ipPermissions()));
      a.put("egress", Rules.fromPermissions(g.ipPermissionsEgress()));
      out.add(new LiveResource(ResourceKind.SECURITY_GROUP, t.get(UUID), new CloudId(g.groupId()), a, t, ""));
    }
    return out;
  }

  private List<LiveResource> addresses(Scope scope) {
    List<LiveResource> out = new ArrayList<>();
    for (Address ad : call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.filters(scopeFilters(scope)))).addresses()) {
      Map<String, String> t = tags(ad.tags());
      if (!t.containsKey(UUID)) {
        continue;
      }
      out.add(new LiveResource(ResourceKind.ELASTIC_IP, t.get(UUID), new CloudId(ad.allocationId()), Map.of(), t,
          ad.instanceId() == null ? "unassociated" : "associated"));
    }
    return out;
  }

  private List<LiveResource> volumes(Scope scope) {
    List<LiveResource> out = new ArrayList<>();
    for (Volume v : call("DescribeVolumes", () -> ec2.describeVolumesPaginator(b -> b.filters(scopeFilters(scope)))).volumes()) {
      Map<String, String> t = tags(v.tags());
      if (!t.containsKey(UUID) || isPart(t)) {
        continue;
      }
      out.add(new LiveResource(ResourceKind.VOLUME, t.get(UUID), new CloudId(v.volumeId()), volumeAttributes(v), t,
          v.stateAsString()));
    }
    return out;
  }

  private static Map<String, Object> volumeAttributes(Volume v) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("az", v.availabilityZone());
    a.put("size_gb", v.size());
    a.put("type", v.volumeTypeAsString());
    if (v.iops() != null && !"gp2".equals(v.volumeTypeAsString())) {
      a.put("iops", v.iops());
    }
    if (v.throughput() != null) {
      a.put("throughput", v.throughput());
    }
    a.put("encrypted", Boolean.TRUE.equals(v.encrypted()));
    if (v.kmsKeyId() != null) {
      a.put("kms_key", v.kmsKeyId());
    }
    return a;
  }

  private List<LiveResource> instances(Scope scope) {
    List<Filter> f = new ArrayList<>(scopeFilters(scope));
    f.add(Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped").build());
    Map<String, String> eipOfInstance = new HashMap<>();
    call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.filters(scopeFilters(scope)))).addresses()
        .forEach(ad -> {
          if (ad.instanceId() != null) {
            eipOfInstance.put(ad.instanceId(), ad.allocationId());
          }
        });
    Map<String, Volume> roots = new HashMap<>();
    List<Filter> rf = new ArrayList<>(scopeFilters(scope));
    rf.add(Filter.builder().name("tag:" + PART).values("root").build());
    call("DescribeVolumes", () -> ec2.describeVolumesPaginator(b -> b.filters(rf))).volumes().forEach(v ->
        v.attachments().forEach(at -> roots.put(at.instanceId(), v)));
    List<LiveResource> out = new ArrayList<>();
    for (var r : call("DescribeInstances", () -> ec2.describeInstancesPaginator(b -> b.filters(f))).reservations()) {
      for (Instance i : r.instances()) {
        Map<String, String> t = tags(i.tags());
        if (!t.containsKey(UUID)) {
          continue;
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("subnet", i.subnetId() == null ? null : new CloudId(i.subnetId()));
        a.put("instance_type", i.instanceTypeAsString());
        a.put("ami", i.imageId());
        if (i.keyName() != null) {
          a.put("keypair", i.keyName());
        }
        a.put("az", i.placement() == null ? null : i.placement().availabilityZone());
        a.put("private_ip", i.privateIpAddress());
        a.put("security_groups", i.securityGroups().stream().map(g -> (Object) new CloudId(g.groupId())).toList());
        a.put("monitoring", i.monitoring() != null && !"disabled".equals(i.monitoring().stateAsString()));
        a.put("ebs_optimized", Boolean.TRUE.equals(i.ebsOptimized()));
        a.put("source_dest_check", i.sourceDestCheck() == null || i.sourceDestCheck());
        if (eipOfInstance.containsKey(i.instanceId())) {
          a.put("elastic_ip", new CloudId(eipOfInstance.get(i.instanceId())));
        }
        if (i.iamInstanceProfile() != null) {
          a.put("instance_profile", new CloudId(i.iamInstanceProfile().arn()));
        }
        Volume root = roots.get(i.instanceId());
        if (root != null) {
          a.put("root_volume", Map.of("size_gb", root.size(), "type", root.volumeTypeAsString(),
              "encrypted", Boolean.TRUE.equals(root.encrypted())));
        }
        List<Object> attached = new ArrayList<>();
        for (var m : i.blockDeviceMappings()) {
          if (!Objects.equals(m.deviceName(), i.rootDeviceName()) && m.ebs() != null) {
            attached.add(Map.of("volume", new CloudId(m.ebs().volumeId()), "device", m.deviceName()));
          }
        }
        a.put("volumes", attached);
        out.add(new LiveResource(ResourceKind.INSTANCE, t.get(UUID), new CloudId(i.instanceId()), a, t,
            i.state() == null ? "" : i.state().nameAsString()));
      }
    }
    return out;
  }

  // ---- create --------------------------------------------------------------------------------

  LiveResource create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> a, Map<String, String> tags,
      String token) {
    return switch (kind) {
      case VPC -> createVpc(a, tags);
      case SUBNET -> createSubnet(a, tags);
      case SECURITY_GROUP -> createGroup(a, tags);
      case ELASTIC_IP -> {
        var r = call("AllocateAddress", () -> ec2.allocateAddress(b -> b.domain("vpc")
            .tagSpecifications(spec(ResourceType.ELASTIC_IP, tags))));
        yield new LiveResource(kind, uuid, new CloudId(r.allocationId()), Map.of(), tags, "unassociated");
      }
      case VOLUME -> createVolume(a, tags);
      case INSTANCE -> createInstance(scope, uuid, a, tags, token);
      default -> throw new IllegalArgumentException(kind.yaml());
    };
  }

  private LiveResource createVpc(Map<String, Object> a, Map<String, String> tags) {
    String vpc = call("CreateVpc", () -> ec2.createVpc(b -> b.cidrBlock((String) a.get("cidr"))
        .tagSpecifications(spec(ResourceType.VPC, tags)))).vpc().vpcId();
    call("DescribeVpcs", () -> ec2.waiter().waitUntilVpcAvailable(b -> b.vpcIds(vpc)));
    if (bool(a.get("dns_hostnames"), true)) {
      call("ModifyVpcAttribute", () -> ec2.modifyVpcAttribute(b -> b.vpcId(vpc)
          .enableDnsHostnames(AttributeBooleanValue.builder().value(true).build())));
    }
    if (bool(a.get("internet_gateway"), true)) {
      attachGateway(vpc, tags);
    }
    return new LiveResource(ResourceKind.VPC, tags.get(UUID), new CloudId(vpc), a, tags, "available");
  }

  private void attachGateway(String vpc, Map<String, String> tags) {
    String igw = call("CreateInternetGateway", () -> ec2.createInternetGateway(b -> b.tagSpecifications(
        spec(ResourceType.INTERNET_GATEWAY, part(tags, "igw"))))).internetGateway().internetGatewayId();
    call("AttachInternetGateway", () -> ec2.attachInternetGateway(b -> b.vpcId(vpc).internetGatewayId(igw)));
  }

  private InternetGateway gatewayOf(String vpc) {
    return call("DescribeInternetGateways", () -> ec2.describeInternetGateways(b -> b.filters(
        Filter.builder().name("attachment.vpc-id").values(vpc).build()))).internetGateways().stream()
        .filter(g -> tags(g.tags()).containsKey(PART)).findFirst().orElse(null);
  }

  private LiveResource createSubnet(Map<String, Object> a, Map<String, String> tags) {
    String vpc = id(a.get("vpc"));
    String subnet = call("CreateSubnet", () -> ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock((String) a.get("cidr"))
        .availabilityZone((String) a.get("az")).tagSpecifications(spec(ResourceType.SUBNET, tags)))).subnet().subnetId();
    if (bool(a.get("public"), false)) {
      makePublic(subnet, vpc, tags);
    }
    return new LiveResource(ResourceKind.SUBNET, tags.get(UUID), new CloudId(subnet), a, tags, "available");
  }

  /** Public: public addresses on launch, and a route table of its own with a default route to the VPC's gateway. */
  private void makePublic(String subnet, String vpc, Map<String, String> tags) {
    call("ModifySubnetAttribute", () -> ec2.modifySubnetAttribute(b -> b.subnetId(subnet)
        .mapPublicIpOnLaunch(AttributeBooleanValue.builder().value(true).build())));
    InternetGateway igw = gatewayOf(vpc);
    if (igw == null) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "aws: subnet " + tags.get("Name") + " is public, but its VPC "
          + vpc + " has no internet gateway (set internet_gateway: true on the VPC)");
    }
    String rt = call("CreateRouteTable", () -> ec2.createRouteTable(b -> b.vpcId(vpc)
        .tagSpecifications(spec(ResourceType.ROUTE_TABLE, part(tags, "routes"))))).routeTable().routeTableId();
    call("CreateRoute", () -> ec2.createRoute(b -> b.routeTableId(rt).destinationCidrBlock("0.0.0.0/0")
        .gatewayId(igw.internetGatewayId())));
    call("AssociateRouteTable", () -> ec2.associateRouteTable(b -> b.routeTableId(rt).subnetId(subnet)));
  }

  private void makePrivate(String subnet, Map<String, String> tags) {
    call("ModifySubnetAttribute", () -> ec2.modifySubnetAttribute(b -> b.subnetId(subnet)
        .mapPublicIpOnLaunch(AttributeBooleanValue.builder().value(false).build())));
    deleteRouteTables(tags.get(UUID));
  }

  private void deleteRouteTables(String uuid) {
    List<RouteTable> tables = call("DescribeRouteTables", () -> ec2.describeRouteTables(b -> b.filters(
        Filter.builder().name("tag:" + UUID).values(uuid).build(), Filter.builder().name("tag:" + PART).values("routes")
            .build()))).routeTables();
    for (RouteTable rt : tables) {
      rt.associations().forEach(as -> call("DisassociateRouteTable", () -> ec2.disassociateRouteTable(b -> b
          .associationId(as.routeTableAssociationId()))));
      call("DeleteRouteTable", () -> ec2.deleteRouteTable(b -> b.routeTableId(rt.routeTableId())));
    }
  }

  private LiveResource createGroup(Map<String, Object> a, Map<String, String> tags) {
    String name = tags.getOrDefault("Name", tags.get(UUID));
    String description = "Baton " + name;
    String group = call("CreateSecurityGroup", () -> ec2.createSecurityGroup(b -> b.vpcId(id(a.get("vpc")))
        .groupName(name + "-" + tags.get(UUID).substring(0, Math.min(8, tags.get(UUID).length()))).description(description)
        .tagSpecifications(spec(ResourceType.SECURITY_GROUP, tags)))).groupId();
    SecurityGroup created = describeGroup(group);
    converge(group, true, Rules.fromPermissions(created.ipPermissions()), a.get("ingress"));
    if (a.containsKey("egress")) {
      converge(group, false, Rules.fromPermissions(created.ipPermissionsEgress()), a.get("egress"));
    }
    return new LiveResource(ResourceKind.SECURITY_GROUP, tags.get(UUID), new CloudId(group), a, tags, "");
  }

  private SecurityGroup describeGroup(String group) {
    return call("DescribeSecurityGroups", () -> ec2.describeSecurityGroups(b -> b.groupIds(group))).securityGroups().get(0);
  }

  /**
   * Authorizes the rules missing and revokes the rules too many; never revokes a rule that stays.
   * Rules are revoked by their IDs ({@code DescribeSecurityGroupRules}, one call for the group), so that a
   * rule naming a group deleted behind Baton's back goes like any other.
   */
  @SuppressWarnings("unchecked")
  private void converge(String group, boolean ingress, List<Object> live, Object desired) {
    Set<Rules.Atom> have = Rules.atoms(live);
    Set<Rules.Atom> want = Rules.atoms(desired == null ? List.of() : (List<Object>) desired);
    List<IpPermission> add = want.stream().filter(x -> !have.contains(x)).map(Rules.Atom::permission).toList();
    if (have.stream().anyMatch(x -> !want.contains(x))) {
      List<String> ids = new ArrayList<>();
      for (var r : call("DescribeSecurityGroupRules", () -> ec2.describeSecurityGroupRulesPaginator(b -> b.filters(
          Filter.builder().name("group-id").values(group).build()))).securityGroupRules()) {
        if (Boolean.TRUE.equals(r.isEgress()) != !ingress) {
          continue;
        }
        if (!want.contains(Rules.atomOf(r))) {
          ids.add(r.securityGroupRuleId());
        }
      }
      if (!ids.isEmpty()) {
        if (ingress) {
          call("RevokeSecurityGroupIngress", () -> ec2.revokeSecurityGroupIngress(b -> b.groupId(group)
              .securityGroupRuleIds(ids)));
        } else {
          call("RevokeSecurityGroupEgress", () -> ec2.revokeSecurityGroupEgress(b -> b.groupId(group)
              .securityGroupRuleIds(ids)));
        }
      }
    }
    if (!add.isEmpty()) {
      if (ingress) {
        call("AuthorizeSecurityGroupIngress", () -> ec2.authorizeSecurityGroupIngress(b -> b.groupId(group).ipPermissions(add)));
      } else {
        call("AuthorizeSecurityGroupEgress", () -> ec2.authorizeSecurityGroupEgress(b -> b.groupId(group).ipPermissions(add)));
      }
    }
  }

  private LiveResource createVolume(Map<String, Object> a, Map<String, String> tags) {
    var r = call("CreateVolume", () -> ec2.createVolume(b -> {
      b.availabilityZone((String) a.get("az")).size(integer(a.get("size_gb"))).volumeType((String) a.getOrDefault("type", "gp3"))
          .encrypted(bool(a.get("encrypted"), true)).tagSpecifications(spec(ResourceType.VOLUME, tags));
      if (a.get("iops") != null) {
        b.iops(integer(a.get("iops")));
      }
      if (a.get("throughput") != null) {
        b.throughput(integer(a.get("throughput")));
      }
      if (a.get("kms_key") != null) {
        b.kmsKeyId((String) a.get("kms_key"));
      }
    }));
    call("DescribeVolumes", () -> ec2.waiter().waitUntilVolumeAvailable(b -> b.volumeIds(r.volumeId())));
    return new LiveResource(ResourceKind.VOLUME, tags.get(UUID), new CloudId(r.volumeId()), a, tags, "available");
  }

  @SuppressWarnings("unchecked")
  private LiveResource createInstance(Scope scope, String uuid, Map<String, Object> a, Map<String, String> tags,
      String token) {
    String ami = (String) a.get("ami");
    if (ami == null) {
      throw new BatonException(ErrorCode.INVALID_ARGUMENT, "aws: instance " + tags.get("Name")
          + " needs \"ami\" (an image ID of the region)");
    }
    var image = call("DescribeImages", () -> ec2.describeImages(b -> b.imageIds(ami))).images();
    if (image.isEmpty()) {
      throw new BatonException(ErrorCode.INVALID_ARGUMENT, "aws: image " + ami + " of instance " + tags.get("Name")
          + " does not exist in this region");
    }
    String rootDevice = image.get(0).rootDeviceName() == null ? "/dev/xvda" : image.get(0).rootDeviceName();
    byte[] data;
    try {
      data = userData == null ? null : userData.userData(scope, uuid);
    } catch (java.io.IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "aws: the user data of " + tags.get("Name") + ": " + e.getMessage(), e);
    }
    Map<String, Object> root = a.get("root_volume") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    var res = call("RunInstances", () -> ec2.runInstances(b -> {
      b.imageId(ami).instanceType((String) a.get("instance_type")).minCount(1).maxCount(1).clientToken(token)
          .subnetId(id(a.get("subnet"))).monitoring(m -> m.enabled(bool(a.get("monitoring"), false)))
          .ebsOptimized(bool(a.get("ebs_optimized"), false))
          .tagSpecifications(spec(ResourceType.INSTANCE, tags), spec(ResourceType.VOLUME, part(tags, "root")))
          .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(rootDevice).ebs(e -> e
              .volumeSize(integer(root.getOrDefault("size_gb", 16))).volumeType((String) root.getOrDefault("type", "gp3"))
              .encrypted(bool(root.get("encrypted"), true)).deleteOnTermination(true)).build());
      if (a.get("keypair") != null) {
        b.keyName((String) a.get("keypair"));
      }
      if (a.get("az") != null) {
        b.placement(p -> p.availabilityZone((String) a.get("az")));
      }
      if (a.get("private_ip") != null) {
        b.privateIpAddress((String) a.get("private_ip"));
      }
      if (a.get("security_groups") instanceof List<?> sgs) {
        b.securityGroupIds(sgs.stream().map(Ec2Kinds::id).toList());
      }
      if (a.get("instance_profile") != null) {
        b.iamInstanceProfile(p -> p.arn(id(a.get("instance_profile"))));
      }
      if (data != null) {
        b.userData(Base64.getEncoder().encodeToString(data));
      }
    }));
    String id = res.instances().get(0).instanceId();
    call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceRunning(b -> b.instanceIds(id)));
    if (!bool(a.get("source_dest_check"), true)) {
      call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> b.instanceId(id)
          .sourceDestCheck(AttributeBooleanValue.builder().value(false).build())));
    }
    if (a.get("elastic_ip") != null) {
      call("AssociateAddress", () -> ec2.associateAddress(b -> b.allocationId(id(a.get("elastic_ip"))).instanceId(id)));
    }
    attachVolumes(id, List.of(), a.get("volumes"));
    return new LiveResource(ResourceKind.INSTANCE, uuid, new CloudId(id), a, tags, "running");
  }

  @SuppressWarnings("unchecked")
  /**
   * Detaches what is attached and not wanted, attaches what is wanted. What is attached is asked of
   * EC2 now, not taken from the plan: a volume replaced in the same run was detached and deleted
   * before this update, and detaching it again would meet {@code InvalidVolume.NotFound}.
   */
  private void attachVolumes(String instance, Object liveList, Object wantList) {
    Map<String, String> have = liveList instanceof List<?> l && l.isEmpty() ? Map.of() : attached(instance);
    Map<String, String> want = devices(wantList);
    have.forEach((volume, device) -> {
      if (!device.equals(want.get(volume))) {
        call("DetachVolume", () -> ec2.detachVolume(b -> b.volumeId(volume).instanceId(instance)));
        call("DescribeVolumes", () -> ec2.waiter().waitUntilVolumeAvailable(b -> b.volumeIds(volume)));
      }
    });
    want.forEach((volume, device) -> {
      if (!device.equals(have.get(volume))) {
        call("AttachVolume", () -> ec2.attachVolume(b -> b.volumeId(volume).instanceId(instance).device(device)));
      }
    });
  }

  /** The volumes attached to the instance now, by volume ID, with their devices (its root volume left out). */
  private Map<String, String> attached(String instance) {
    Map<String, String> m = new LinkedHashMap<>();
    for (var r : call("DescribeInstances", () -> ec2.describeInstances(b -> b.instanceIds(instance))).reservations()) {
      for (var i : r.instances()) {
        for (var bd : i.blockDeviceMappings()) {
          if (bd.ebs() != null && !bd.deviceName().equals(i.rootDeviceName())) {
            m.put(bd.ebs().volumeId(), bd.deviceName());
          }
        }
      }
    }
    return m;
  }

  private static Map<String, String> devices(Object list) {
    Map<String, String> m = new LinkedHashMap<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> v) {
          m.put(id(v.get("volume")), String.valueOf(v.get("device")));
        }
      }
    }
    return m;
  }

  // ---- update --------------------------------------------------------------------------------

  LiveResource update(LiveResource live, Map<String, Object> a, Map<String, String> tags, List<String> changed) {
    String id = live.id().id();
    Map<String, Object> merged = new LinkedHashMap<>(live.attributes());
    for (String k : changed) {
      switch (live.kind()) {
        case VPC -> {
          if (k.equals("dns_hostnames")) {
            call("ModifyVpcAttribute", () -> ec2.modifyVpcAttribute(b -> b.vpcId(id)
                .enableDnsHostnames(AttributeBooleanValue.builder().value(bool(a.get(k), true)).build())));
          } else if (k.equals("internet_gateway")) {
            if (bool(a.get(k), true)) {
              attachGateway(id, tags);
            } else {
              removeGateway(id);
            }
          }
        }
        case SUBNET -> {
          if (k.equals("public")) {
            if (bool(a.get(k), false)) {
              makePublic(id, id(live.attributes().get("vpc")), tags);
            } else {
              makePrivate(id, tags);
            }
          }
        }
        case SECURITY_GROUP -> {
          if (k.equals("ingress") || k.equals("egress")) {
            SecurityGroup g = describeGroup(id);
            converge(id, k.equals("ingress"), Rules.fromPermissions(k.equals("ingress") ? g.ipPermissions()
                : g.ipPermissionsEgress()), a.get(k));
          }
        }
        case VOLUME -> call("ModifyVolume", () -> ec2.modifyVolume(b -> {
          b.volumeId(id);
          if (k.equals("size_gb")) {
            b.size(integer(a.get(k)));
          } else if (k.equals("type")) {
            b.volumeType((String) a.get(k));
          } else if (k.equals("iops")) {
            b.iops(integer(a.get(k)));
          } else if (k.equals("throughput")) {
            b.throughput(integer(a.get(k)));
          }
        }));
        case INSTANCE -> updateInstance(id, k, live.attributes().get(k), a.get(k));
        default -> { }
      }
      merged.put(k, a.get(k));
    }
    retag(id, live.tags(), tags);
    return new LiveResource(live.kind(), live.uuid(), live.id(), merged, tags, live.state());
  }

  private void updateInstance(String id, String k, Object before, Object after) {
    switch (k) {
      case "security_groups" -> call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> b.instanceId(id)
          .groups(((List<?>) after).stream().map(Ec2Kinds::id).toList())));
      case "monitoring" -> {
        if (bool(after, false)) {
          call("MonitorInstances", () -> ec2.monitorInstances(b -> b.instanceIds(id)));
        } else {
          call("UnmonitorInstances", () -> ec2.unmonitorInstances(b -> b.instanceIds(id)));
        }
      }
      case "source_dest_check" -> call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> b.instanceId(id)
          .sourceDestCheck(AttributeBooleanValue.builder().value(bool(after, true)).build())));
      case "elastic_ip" -> {
        if (before != null) {
          var addr = call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.allocationIds(id(before)))).addresses();
          addr.stream().filter(x -> x.associationId() != null).forEach(x -> call("DisassociateAddress",
              () -> ec2.disassociateAddress(b -> b.associationId(x.associationId()))));
        }
        if (after != null) {
          call("AssociateAddress", () -> ec2.associateAddress(b -> b.allocationId(id(after)).instanceId(id)));
        }
      }
      case "volumes" -> attachVolumes(id, before, after);
      case "instance_type", "ebs_optimized" -> {
        // needs the instance stopped: stop, change, start
        call("StopInstances", () -> ec2.stopInstances(b -> b.instanceIds(id)));
        call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceStopped(b -> b.instanceIds(id)));
        call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> {
          b.instanceId(id);
          if (k.equals("instance_type")) {
            b.instanceType(v -> v.value((String) after));
          } else {
            b.ebsOptimized(AttributeBooleanValue.builder().value(bool(after, false)).build());
          }
        }));
        call("StartInstances", () -> ec2.startInstances(b -> b.instanceIds(id)));
        call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceRunning(b -> b.instanceIds(id)));
      }
      case "instance_profile" -> {
        var assoc = call("DescribeIamInstanceProfileAssociations", () -> ec2.describeIamInstanceProfileAssociations(b -> b
            .filters(Filter.builder().name("instance-id").values(id).build()))).iamInstanceProfileAssociations();
        for (var as : assoc) {
          call("DisassociateIamInstanceProfile", () -> ec2.disassociateIamInstanceProfile(b -> b
              .associationId(as.associationId())));
        }
        if (after != null) {
          call("AssociateIamInstanceProfile", () -> ec2.associateIamInstanceProfile(b -> b.instanceId(id)
              .iamInstanceProfile(p -> p.arn(id(after)))));
        }
      }
      default -> throw new BatonException(ErrorCode.FAILED_PRECONDITION, "aws: " + k + " of an instance cannot be changed in place");
    }
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
        case VPC -> {
          removeGateway(id);
          call("DeleteVpc", () -> ec2.deleteVpc(b -> b.vpcId(id)));
        }
        case SUBNET -> {
          deleteRouteTables(live.uuid());
          call("DeleteSubnet", () -> ec2.deleteSubnet(b -> b.subnetId(id)));
        }
        case SECURITY_GROUP -> {
          // rules naming other groups go first, so that groups naming each other can go; by their rule IDs,
          // so that one naming a group already gone goes too
          List<String> naming = new ArrayList<>();
          for (var r : call("DescribeSecurityGroupRules", () -> ec2.describeSecurityGroupRulesPaginator(b -> b.filters(
              Filter.builder().name("group-id").values(id).build()))).securityGroupRules()) {
            if (!Boolean.TRUE.equals(r.isEgress()) && r.referencedGroupInfo() != null) {
              naming.add(r.securityGroupRuleId());
            }
          }
          if (!naming.isEmpty()) {
            call("RevokeSecurityGroupIngress", () -> ec2.revokeSecurityGroupIngress(b -> b.groupId(id)
                .securityGroupRuleIds(naming)));
          }
          call("DeleteSecurityGroup", () -> ec2.deleteSecurityGroup(b -> b.groupId(id)));
        }
        case ELASTIC_IP -> {
          var addr = call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.allocationIds(id))).addresses();
          addr.stream().filter(x -> x.associationId() != null).forEach(x -> call("DisassociateAddress",
              () -> ec2.disassociateAddress(b -> b.associationId(x.associationId()))));
          call("ReleaseAddress", () -> ec2.releaseAddress(b -> b.allocationId(id)));
        }
        case VOLUME -> {
          Volume v = call("DescribeVolumes", () -> ec2.describeVolumes(b -> b.volumeIds(id))).volumes().get(0);
          for (var at : v.attachments()) {
            call("DetachVolume", () -> ec2.detachVolume(b -> b.volumeId(id).instanceId(at.instanceId())));
          }
          if (!v.attachments().isEmpty()) {
            call("DescribeVolumes", () -> ec2.waiter().waitUntilVolumeAvailable(b -> b.volumeIds(id)));
          }
          call("DeleteVolume", () -> ec2.deleteVolume(b -> b.volumeId(id)));
        }
        case INSTANCE -> {
          call("TerminateInstances", () -> ec2.terminateInstances(b -> b.instanceIds(id)));
          call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceTerminated(b -> b.instanceIds(id)));
        }
        default -> throw new IllegalArgumentException(live.kind().yaml());
      }
    } catch (BatonException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e; // already gone is done
      }
    }
  }

  private void removeGateway(String vpc) {
    InternetGateway igw = gatewayOf(vpc);
    if (igw != null) {
      call("DetachInternetGateway", () -> ec2.detachInternetGateway(b -> b.vpcId(vpc).internetGatewayId(igw.internetGatewayId())));
      call("DeleteInternetGateway", () -> ec2.deleteInternetGateway(b -> b.internetGatewayId(igw.internetGatewayId())));
    }
  }

}
