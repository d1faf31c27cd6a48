package dev.baton.controller.provider.aws;

import static dev.baton.controller.provider.aws.Ec2Kinds.PART;
import static dev.baton.controller.provider.aws.Ec2Kinds.UUID;
import static dev.baton.controller.provider.aws.Ec2Kinds.bool;
import static dev.baton.controller.provider.aws.Ec2Kinds.call;
import static dev.baton.controller.provider.aws.Ec2Kinds.id;
import static dev.baton.controller.provider.aws.Ec2Kinds.part;
import static dev.baton.controller.provider.aws.Ec2Kinds.scopeFilters;
import static dev.baton.controller.provider.aws.Ec2Kinds.spec;
import static dev.baton.controller.provider.aws.Ec2Kinds.tags;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * The EC2 network kinds: VPC (with its internet gateway), subnet (a public one with its own route
 * table to the gateway) and Elastic IP. The gateway and the route table are parts Baton makes for
 * their VPC and subnet: they carry its UUID and a {@code baton:part} tag, are found by these, and go
 * with it.
 */
final class Ec2Network {
  private final Ec2Client ec2;

  Ec2Network(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  // ---- observe -------------------------------------------------------------------------------

  List<LiveResource> vpcs(Scope scope) {
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

  List<LiveResource> subnets(Scope scope) {
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

  List<LiveResource> addresses(Scope scope) {
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

  // ---- create --------------------------------------------------------------------------------

  LiveResource createVpc(Map<String, Object> a, Map<String, String> tags) {
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

  LiveResource createSubnet(Map<String, Object> a, Map<String, String> tags) {
    String vpc = id(a.get("vpc"));
    String subnet = call("CreateSubnet", () -> ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock((String) a.get("cidr"))
        .availabilityZone((String) a.get("az")).tagSpecifications(spec(ResourceType.SUBNET, tags)))).subnet().subnetId();
    if (bool(a.get("public"), false)) {
      makePublic(subnet, vpc, tags);
    }
    return new LiveResource(ResourceKind.SUBNET, tags.get(UUID), new CloudId(subnet), a, tags, "available");
  }

  LiveResource allocateAddress(String uuid, Map<String, String> tags) {
    var r = call("AllocateAddress", () -> ec2.allocateAddress(b -> b.domain("vpc")
        .tagSpecifications(spec(ResourceType.ELASTIC_IP, tags))));
    return new LiveResource(ResourceKind.ELASTIC_IP, uuid, new CloudId(r.allocationId()), Map.of(), tags, "unassociated");
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

  // ---- update --------------------------------------------------------------------------------

  /** Changes one attribute of a VPC or a subnet in place (an Elastic IP has none to change). */
  void update(LiveResource live, String k, Object value, Map<String, String> tags) {
    String id = live.id().id();
    switch (live.kind()) {
      case VPC -> {
        if (k.equals("dns_hostnames")) {
          call("ModifyVpcAttribute", () -> ec2.modifyVpcAttribute(b -> b.vpcId(id)
              .enableDnsHostnames(AttributeBooleanValue.builder().value(bool(value, true)).build())));
        } else if (k.equals("internet_gateway")) {
          if (bool(value, true)) {
            attachGateway(id, tags);
          } else {
            removeGateway(id);
          }
        }
      }
      case SUBNET -> {
        if (k.equals("public")) {
          if (bool(value, false)) {
            makePublic(id, id(live.attributes().get("vpc")), tags);
          } else {
            makePrivate(id, tags);
          }
        }
      }
      default -> { }
    }
  }

  // ---- delete --------------------------------------------------------------------------------

  void delete(LiveResource live) {
    String id = live.id().id();
    switch (live.kind()) {
      case VPC -> {
        removeGateway(id);
        call("DeleteVpc", () -> ec2.deleteVpc(b -> b.vpcId(id)));
      }
      case SUBNET -> {
        deleteRouteTables(live.uuid());
        call("DeleteSubnet", () -> ec2.deleteSubnet(b -> b.subnetId(id)));
      }
      case ELASTIC_IP -> {
        var addr = call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.allocationIds(id))).addresses();
        addr.stream().filter(x -> x.associationId() != null).forEach(x -> call("DisassociateAddress",
            () -> ec2.disassociateAddress(b -> b.associationId(x.associationId()))));
        call("ReleaseAddress", () -> ec2.releaseAddress(b -> b.allocationId(id)));
      }
      default -> throw new IllegalArgumentException(live.kind().yaml());
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
