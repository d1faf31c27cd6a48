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
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * DNS records in existing Route53 hosted zones. Records take no tags, so each record Baton
 * makes has an ownership record beside it, in the same change batch: a TXT record
 * {@code _baton-TYPE.NAME} whose value names the UUID, platform, customer and environment, the type,
 * and where the values come from (an instance or an Elastic IP). The cloud ID is
 * {@code ZONE_ID/NAME/TYPE}. Observing lists the record sets of every hosted zone of the account.
 */
final class DnsKinds {
  private final Route53Client route53;
  private final Ec2Client ec2;

  DnsKinds(Route53Client route53, Ec2Client ec2) {
    this.route53 = route53;
    this.ec2 = ec2;
  }

  static <T> T call(String what, Supplier<T> c) {
    return AwsErrors.call(what, c);
  }

  private static String dot(String name) {
    return name.endsWith(".") ? name : name + ".";
  }

  private static String undot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  static String fqdn(String record, String zone) {
    String r = undot(record);
    String z = undot(zone);
    return r.equals(z) || r.endsWith("." + z) ? r : r + "." + z;
  }

  private HostedZone zone(String name) {
    String want = dot(name);
    return call("ListHostedZonesByName", () -> route53.listHostedZonesByName(b -> b.dnsName(want))).hostedZones().stream()
        .filter(z -> z.name().equals(want)).findFirst().orElseThrow(() -> new BatonException(ErrorCode.FAILED_PRECONDITION,
            "aws: hosted zone " + name + " does not exist; Baton manages records in existing zones (create the zone first)"));
  }

  /** The ownership record of a record: {@code _baton-TYPE.NAME} (a name may have records of several types). */
  static String ownerName(String name, String type) {
    return "_baton-" + type.toLowerCase(java.util.Locale.ROOT) + "." + dot(name);
  }

  /** The ownership record's value. */
  private static String owner(Scope scope, String uuid, Map<String, Object> a) {
    StringBuilder b = new StringBuilder("baton:uuid=" + uuid + ";platform=" + scope.platform() + ";customer="
        + scope.customer() + ";env=" + (scope.env() == null ? "" : scope.env()) + ";type=" + a.getOrDefault("type", "A")
        + ";record=" + a.get("record"));
    if (a.get("instance") != null) {
      b.append(";instance=").append(Ec2Kinds.id(a.get("instance")));
    }
    if (a.get("elastic_ip") != null) {
      b.append(";eip=").append(Ec2Kinds.id(a.get("elastic_ip")));
    }
    return "\"" + b + "\"";
  }

  private static Map<String, String> parse(String txt) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : txt.replace("\"", "").split(";")) {
      int i = kv.indexOf('=');
      if (i > 0) {
        m.put(kv.substring(0, i), kv.substring(i + 1));
      }
    }
    return m;
  }

  List<LiveResource> observe(Scope scope) {
    List<LiveResource> out = new ArrayList<>();
    for (HostedZone z : call("ListHostedZones", () -> route53.listHostedZonesPaginator()).hostedZones()) {
      String zoneId = z.id().replace("/hostedzone/", "");
      Map<String, ResourceRecordSet> sets = new LinkedHashMap<>();
      List<ResourceRecordSet> owners = new ArrayList<>();
      for (ResourceRecordSet s : call("ListResourceRecordSets", () -> route53.listResourceRecordSetsPaginator(b -> b
          .hostedZoneId(zoneId))).resourceRecordSets()) {
        sets.put(s.name() + "/" + s.typeAsString(), s);
        if (s.typeAsString().equals("TXT") && s.name().startsWith("_baton-")) {
          owners.add(s);
        }
      }
      for (ResourceRecordSet o : owners) {
        Map<String, String> m = parse(o.resourceRecords().get(0).value());
        boolean mine = scope.platform().equals(m.get("platform")) && scope.customer().equals(m.get("customer"))
            && (scope.env() == null ? "" : scope.env()).equals(m.get("env"));
        if (!mine || m.containsKey("baton:node")) {
          continue; // another platform's, or a node's record (the controller's, not a resource of the platform)
        }
        String name = o.name().substring(o.name().indexOf('.') + 1);
        ResourceRecordSet rec = sets.get(name + "/" + m.get("type"));
        Map<String, String> tags = new LinkedHashMap<>(scope.tags());
        tags.put(Ec2Kinds.UUID, m.get("baton:uuid"));
        tags.put(LiveResource.UNTAGGED, "true");
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("zone", undot(z.name()));
        a.put("record", m.get("record"));
        a.put("type", m.get("type"));
        if (rec != null) {
          a.put("ttl", rec.ttl());
          a.put("values", rec.resourceRecords().stream().map(r -> (Object) r.value()).toList());
        }
        if (m.get("instance") != null) {
          a.put("instance", new CloudId(m.get("instance")));
        }
        if (m.get("eip") != null) {
          a.put("elastic_ip", new CloudId(m.get("eip")));
        }
        out.add(new LiveResource(ResourceKind.DNS_RECORD, m.get("baton:uuid"), new CloudId(zoneId + "/" + undot(name) + "/"
            + m.get("type")), a, tags, rec == null ? "missing" : ""));
      }
    }
    return out;
  }

  LiveResource upsert(Scope scope, String uuid, Map<String, Object> a, Map<String, String> tags) {
    HostedZone z = zone((String) a.get("zone"));
    String zoneId = z.id().replace("/hostedzone/", "");
    String name = fqdn((String) a.get("record"), (String) a.get("zone"));
    String type = String.valueOf(a.getOrDefault("type", "A"));
    List<String> values = values(a);
    long ttl = a.get("ttl") instanceof Number n ? n.longValue() : 300;
    List<Change> changes = List.of(
        change(ChangeAction.UPSERT, dot(name), type, ttl, values),
        change(ChangeAction.UPSERT, ownerName(name, type), "TXT", 300, List.of(owner(scope, uuid, a))));
    call("ChangeResourceRecordSets", () -> route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
        .changeBatch(c -> c.comment("baton " + uuid).changes(changes))));
    return new LiveResource(ResourceKind.DNS_RECORD, uuid, new CloudId(zoneId + "/" + name + "/" + type), a, tags, "");
  }

  /** The record's values: as written, or the address of its instance (public if it has one) or Elastic IP. */
  private List<String> values(Map<String, Object> a) {
    if (a.get("values") instanceof List<?> l && !l.isEmpty()) {
      return l.stream().map(Object::toString).toList();
    }
    if (a.get("elastic_ip") != null) {
      String alloc = Ec2Kinds.id(a.get("elastic_ip"));
      return List.of(Ec2Kinds.call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.allocationIds(alloc)))
          .addresses().get(0).publicIp());
    }
    if (a.get("instance") != null) {
      String id = Ec2Kinds.id(a.get("instance"));
      var i = Ec2Kinds.call("DescribeInstances", () -> ec2.describeInstances(b -> b.instanceIds(id))).reservations()
          .get(0).instances().get(0);
      return List.of(i.publicIpAddress() != null ? i.publicIpAddress() : i.privateIpAddress());
    }
    throw new BatonException(ErrorCode.INVALID_ARGUMENT, "aws: DNS record " + a.get("record") + " has no values,"
        + " instance or elastic_ip");
  }

  private static Change change(ChangeAction action, String name, String type, long ttl, List<String> values) {
    return Change.builder().action(action).resourceRecordSet(ResourceRecordSet.builder().name(name).type(type).ttl(ttl)
        .resourceRecords(values.stream().map(v -> ResourceRecord.builder().value(v).build()).toList()).build()).build();
  }

  /** The A record of a group's node, with its ownership record naming the node (not a UUID: plans skip it). */
  void upsertNode(Scope scope, String zone, String record, String address, String instanceId) {
    HostedZone z = zone(zone);
    String zoneId = z.id().replace("/hostedzone/", "");
    String name = fqdn(record, zone);
    String owner = "\"baton:node=" + instanceId + ";platform=" + scope.platform() + ";customer=" + scope.customer() + ";env="
        + (scope.env() == null ? "" : scope.env()) + ";type=A;record=" + name + "\"";
    List<Change> changes = List.of(change(ChangeAction.UPSERT, dot(name), "A", 60, List.of(address)),
        change(ChangeAction.UPSERT, ownerName(name, "A"), "TXT", 60, List.of(owner)));
    call("ChangeResourceRecordSets", () -> route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
        .changeBatch(c -> c.comment("baton node " + instanceId).changes(changes))));
  }

  /** Removes a node's A record and its ownership record, only when the ownership record names that node. */
  void deleteNode(String zone, String record, String instanceId) {
    HostedZone z = zone(zone);
    String zoneId = z.id().replace("/hostedzone/", "");
    String name = dot(fqdn(record, zone));
    List<Change> changes = new ArrayList<>();
    boolean mine = false;
    for (String[] nt : new String[][] {{ownerName(name, "A"), "TXT"}, {name, "A"}}) {
      for (ResourceRecordSet set : call("ListResourceRecordSets", () -> route53.listResourceRecordSets(b -> b
          .hostedZoneId(zoneId).startRecordName(nt[0]).startRecordType(nt[1]).maxItems("1"))).resourceRecordSets()) {
        if (!set.name().equals(nt[0]) || !set.typeAsString().equals(nt[1])) {
          continue;
        }
        if (nt[1].equals("TXT")) {
          mine = instanceId.equals(parse(set.resourceRecords().get(0).value()).get("baton:node"));
        }
        if (mine) {
          changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(set).build());
        }
      }
    }
    if (!changes.isEmpty()) {
      call("ChangeResourceRecordSets", () -> route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
          .changeBatch(c -> c.changes(changes))));
    }
  }

  void delete(LiveResource live) {
    String[] parts = live.id().id().split("/", 3);
    String zoneId = parts[0];
    String name = dot(parts[1]);
    List<Change> changes = new ArrayList<>();
    for (String[] nt : new String[][] {{name, parts[2]}, {ownerName(name, parts[2]), "TXT"}}) {
      call("ListResourceRecordSets", () -> route53.listResourceRecordSets(b -> b.hostedZoneId(zoneId).startRecordName(nt[0])
          .startRecordType(nt[1]).maxItems("1"))).resourceRecordSets().stream()
          .filter(s -> s.name().equals(nt[0]) && s.typeAsString().equals(nt[1]))
          .forEach(s -> changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(s).build()));
    }
    if (!changes.isEmpty()) {
      call("ChangeResourceRecordSets", () -> route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
          .changeBatch(c -> c.changes(changes))));
    }
  }
}
