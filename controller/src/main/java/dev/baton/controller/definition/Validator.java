package dev.baton.controller.definition;

import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import dev.baton.controller.definition.model.AttachmentSpec;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.ConfigManagementKind;
import dev.baton.controller.definition.model.DnsRecordSpec;
import dev.baton.controller.definition.model.DnsType;
import dev.baton.controller.definition.model.HandoffSpec;
import dev.baton.controller.definition.model.IamPolicySpec;
import dev.baton.controller.definition.model.IamRoleSpec;
import dev.baton.controller.definition.model.ImageFamily;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.definition.model.InstanceSpec;
import dev.baton.controller.definition.model.PlatformSpec;
import dev.baton.controller.definition.model.Protocol;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.RuleSpec;
import dev.baton.controller.definition.model.SecurityGroupSpec;
import dev.baton.controller.definition.model.StatementSpec;
import dev.baton.controller.definition.model.SubnetSpec;
import dev.baton.controller.definition.model.VolumeSpec;
import dev.baton.controller.definition.model.VolumeType;
import dev.baton.controller.definition.model.VpcSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that need more than one value: references, uniqueness, cycles, address ranges,
 * zones, and the rules of each kind. Runs after binding; tolerates values that binding left
 * unset (they were reported already).
 */
final class Validator {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]*)}");
  private static final Set<String> CERTNAME_PLACEHOLDERS = Set.of("role", "cluster", "instance_id", "domain",
      "platform", "env");
  private static final Pattern ACTION = Pattern.compile("^(\\*|[a-z0-9-]+:[A-Za-z0-9*]+)$");
  private static final Pattern LOCAL_REGION = Pattern.compile("^local(-[a-z0-9]+)*$");

  private final Platform platform;
  private final PlatformSpec spec;
  private final Positions platformPositions;
  private final Pos platformPos;
  private final Diagnostics diags;
  private final Map<String, Resource> byAddress = new LinkedHashMap<>();

  Validator(Platform platform, Positions platformPositions, Pos platformPos, Diagnostics diags) {
    this.platform = platform;
    this.spec = platform.spec();
    this.platformPositions = platformPositions;
    this.platformPos = platformPos;
    this.diags = diags;
  }

  void run() {
    checkPlatform();
    checkUniqueness();
    for (Resource r : platform.resources()) {
      checkTags(r.tags(), r.positions(), "tags");
      checkReferences(r);
    }
    checkCycles();
    checkNetwork();
    checkSecurityGroups();
    checkVolumes();
    checkInstances();
    checkDnsRecords();
    checkAutoscalingGroups();
    checkIam();
  }

  // ---------------------------------------------------------------- platform

  private void checkPlatform() {
    if (spec.provider() == ProviderKind.AWS && !AwsRegions.ALL.contains(spec.region())) {
      error(platformPositions.at("region"), "unknown AWS region \"" + spec.region() + "\""
          + Suggest.didYouMean(spec.region(), AwsRegions.ALL));
    }
    if (spec.provider() == ProviderKind.LOCAL && !LOCAL_REGION.matcher(spec.region()).matches()) {
      error(platformPositions.at("region"), "the local provider's region is \"local\" or \"local-NAME\" (such as"
          + " local-1), not \"" + spec.region() + "\"");
    }
    if (spec.provider() == ProviderKind.LOCAL && (spec.credentials() != null || spec.account() != null)) {
      error(platformPositions.at(spec.credentials() != null ? "credentials" : "account"),
          "the local provider uses no cloud account; remove \"" + (spec.credentials() != null ? "credentials" : "account")
              + "\" or set provider: aws");
    }
    checkEndpoints();
    checkTags(spec.tags(), platformPositions, "tags");
    spec.environments().forEach((name, e) -> checkTags(e.tags(), platformPositions, "environments." + name + ".tags"));
  }

  /**
   * Nodes in a cloud are told where the controller is: the platform's {@code controller.endpoints},
   * never an address that means the node itself (the agent would download from, and connect to, its
   * own loopback).
   */
  private void checkEndpoints() {
    boolean nodes = !platform.ofKind(ResourceKind.INSTANCE).isEmpty()
        || !platform.ofKind(ResourceKind.AUTOSCALING_GROUP).isEmpty();
    if (spec.provider() == ProviderKind.LOCAL || !nodes) {
      return;
    }
    if (spec.controller() == null || !platformPositions.has("controller.endpoints")) {
      error(platformPositions.at(spec.controller() == null ? "provider" : "controller"), "the nodes of an "
          + spec.provider().yaml() + " platform need \"controller.endpoints\": the HOST:PORT they reach the controller"
          + " at (such as controller: {endpoints: [10.0.0.5:7443]}; the controller advertises it with serve --advertise)");
      return;
    }
    List<String> eps = spec.controller().endpoints();
    for (int i = 0; i < eps.size(); i++) {
      String ep = eps.get(i);
      int colon = ep.lastIndexOf(':');
      if (colon > 0 && Net.isOwnHost(ep.substring(0, colon))) {
        error(platformPositions.at("controller.endpoints[" + i + "]"), "nodes on " + spec.provider().yaml()
            + " cannot reach the controller at " + ep + ": for a node that address is itself; give the address nodes"
            + " reach the controller at (a private address or DNS name of its host)");
      }
    }
  }

  private void checkTags(Map<String, String> tags, Positions pos, String path) {
    for (Map.Entry<String, String> t : tags.entrySet()) {
      String k = t.getKey();
      if (k.startsWith("baton:") || k.startsWith("aws:")) {
        error(pos.at(path + "." + k), "the tag \"" + k + "\" is reserved (" + (k.startsWith("aws:") ? "AWS" : "Baton")
            + " sets it); choose another key");
      } else if (k.length() > 128 || t.getValue().length() > 256) {
        error(pos.at(path + "." + k), "tag \"" + abbreviate(k) + "\": keys are at most 128 characters and values 256");
      }
    }
  }

  // ---------------------------------------------------------------- names, uuids, references

  private void checkUniqueness() {
    Map<String, Resource> uuids = new HashMap<>();
    for (Resource r : platform.resources()) {
      Resource twin = byAddress.putIfAbsent(r.address(), r);
      if (twin != null) {
        error(r.pos("name"), "duplicate name: another " + r.kind().yaml() + " is called \"" + r.name() + "\" ("
            + twin.pos("name") + "); names are unique per kind");
      }
      if (r.uuid() != null) {
        Resource same = uuids.putIfAbsent(r.uuid().toLowerCase(java.util.Locale.ROOT), r);
        if (same != null) {
          error(r.pos("uuid"), "uuid already used by " + same.address() + " (" + same.pos("uuid") + "); every"
              + " resource needs its own, for example " + java.util.UUID.randomUUID());
        }
      }
    }
  }

  private void checkReferences(Resource r) {
    for (Reference ref : r.references()) {
      resolve(ref.name(), ref.target(), ref.pos());
    }
    List<String> deps = r.common().dependsOn();
    for (int i = 0; i < deps.size(); i++) {
      String d = deps.get(i);
      String kindName = d.substring(0, d.indexOf('/'));
      Pos pos = r.pos("depends_on[" + i + "]");
      ResourceKind kind = ResourceKind.byYaml(kindName).orElse(null);
      if (kind == null) {
        error(pos, "unknown kind \"" + kindName + "\" in depends_on" + Suggest.didYouMean(kindName, ResourceKind.yamlNames()));
        continue;
      }
      if (d.equals(r.address())) {
        error(pos, r.address() + " cannot depend on itself");
        continue;
      }
      resolve(d.substring(d.indexOf('/') + 1), kind, pos);
    }
  }

  /** Finds a referenced resource, reporting why when it cannot. */
  private Resource resolve(String name, ResourceKind kind, Pos pos) {
    if (name.contains("/") || name.contains(":")) {
      error(pos, "\"" + name + "\" is not a name of this platform: references name resources of the same"
          + " platform only, never another platform or customer");
      return null;
    }
    Resource target = byAddress.get(kind.yaml() + "/" + name);
    if (target != null) {
      return target;
    }
    List<String> others = byAddress.values().stream().filter(o -> o.name().equals(name)).map(o -> o.kind().yaml())
        .toList();
    List<String> sameKind = byAddress.values().stream().filter(o -> o.kind() == kind).map(Resource::name).toList();
    String msg = "no " + kind.yaml() + " named \"" + name + "\" in this platform";
    if (!others.isEmpty()) {
      msg += "; \"" + name + "\" is " + String.join(" and ", others.stream().map(Words::a).toList()) + ", not "
          + Words.a(kind.yaml());
    } else {
      msg += Suggest.didYouMean(name, sameKind);
    }
    error(pos, msg);
    return null;
  }

  private Resource target(Resource from, ResourceKind kind, String name) {
    return name == null ? null : byAddress.get(kind.yaml() + "/" + name);
  }

  // ---------------------------------------------------------------- cycles

  private void checkCycles() {
    Map<String, List<Edge>> edges = new LinkedHashMap<>();
    for (Resource r : platform.resources()) {
      List<Edge> out = edges.computeIfAbsent(r.address(), k -> new ArrayList<>());
      for (Reference ref : r.references()) {
        if (!ref.weak() && byAddress.containsKey(ref.targetAddress())) {
          out.add(new Edge(ref.targetAddress(), ref.pos()));
        }
      }
      List<String> deps = r.common().dependsOn();
      for (int i = 0; i < deps.size(); i++) {
        if (byAddress.containsKey(deps.get(i)) && !deps.get(i).equals(r.address())) {
          out.add(new Edge(deps.get(i), r.pos("depends_on[" + i + "]")));
        }
      }
    }
    Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
    List<String> stack = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    for (String start : edges.keySet()) {
      dfs(start, edges, state, stack, reported);
    }
  }

  private record Edge(String to, Pos pos) {}

  private void dfs(String node, Map<String, List<Edge>> edges, Map<String, Integer> state, List<String> stack,
      Set<String> reported) {
    Integer s = state.get(node);
    if (s != null) {
      return;
    }
    state.put(node, 1);
    stack.add(node);
    for (Edge e : edges.getOrDefault(node, List.of())) {
      Integer t = state.get(e.to);
      if (t == null) {
        dfs(e.to, edges, state, stack, reported);
      } else if (t == 1) {
        List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(e.to), stack.size()));
        Set<String> key = new java.util.TreeSet<>(cycle);
        if (reported.add(String.join(",", key))) {
          cycle.add(e.to);
          error(e.pos, "dependency cycle: " + String.join(" -> ", cycle) + "; remove one of these references"
              + " or depends_on entries");
        }
      }
    }
    stack.remove(stack.size() - 1);
    state.put(node, 2);
  }

  // ---------------------------------------------------------------- network

  private void checkAz(Resource r, String path, String az) {
    if (az == null || spec.region() == null) {
      return;
    }
    String region = spec.region();
    String rest = az.startsWith(region) ? az.substring(region.length()) : null;
    if (rest == null || !(rest.matches("[a-z]") || rest.matches("-[a-z0-9-]+[a-z]"))) {
      error(r.pos(path), "availability zone \"" + az + "\" is not in the platform's region " + region
          + " (zones of " + region + " are named " + region + "a, " + region + "b ...)");
    }
  }

  private void checkNetwork() {
    for (Resource r : platform.ofKind(ResourceKind.VPC)) {
      VpcSpec v = r.spec(VpcSpec.class);
      if (v.cidr() != null) {
        int prefix = Net.parseCidr(v.cidr()).prefix();
        if (prefix < 16 || prefix > 28) {
          error(r.pos("cidr"), "a VPC's range must be from /16 to /28, not /" + prefix);
        }
      }
    }
    Map<String, List<Resource>> subnetsByVpc = new LinkedHashMap<>();
    for (Resource r : platform.ofKind(ResourceKind.SUBNET)) {
      SubnetSpec s = r.spec(SubnetSpec.class);
      checkAz(r, "az", s.az());
      Resource vpc = target(r, ResourceKind.VPC, s.vpc());
      if (s.cidr() == null) {
        continue;
      }
      Net.Cidr c = Net.parseCidr(s.cidr());
      if (c.prefix() < 16 || c.prefix() > 28) {
        error(r.pos("cidr"), "a subnet's range must be from /16 to /28, not /" + c.prefix());
      }
      if (vpc != null) {
        VpcSpec v = vpc.spec(VpcSpec.class);
        if (v.cidr() != null && !Net.parseCidr(v.cidr()).contains(c)) {
          error(r.pos("cidr"), "subnet range " + s.cidr() + " is outside its VPC \"" + vpc.name() + "\" (" + v.cidr() + ")");
        }
        if (Boolean.TRUE.equals(s.public_()) && Boolean.FALSE.equals(v.internetGateway())) {
          error(r.pos("public"), "a public subnet needs an internet gateway, but VPC \"" + vpc.name()
              + "\" has internet_gateway: false; set it to true or make the subnet private");
        }
        subnetsByVpc.computeIfAbsent(vpc.name(), k -> new ArrayList<>()).add(r);
      }
    }
    for (List<Resource> subnets : subnetsByVpc.values()) {
      for (int i = 0; i < subnets.size(); i++) {
        for (int j = 0; j < i; j++) {
          SubnetSpec a = subnets.get(i).spec(SubnetSpec.class);
          SubnetSpec b = subnets.get(j).spec(SubnetSpec.class);
          if (Net.parseCidr(a.cidr()).overlaps(Net.parseCidr(b.cidr()))) {
            error(subnets.get(i).pos("cidr"), "subnet range " + a.cidr() + " overlaps subnet \"" + subnets.get(j).name()
                + "\" (" + b.cidr() + ")");
          }
        }
      }
    }
  }

  private String vpcOfSubnet(String subnet) {
    Resource s = byAddress.get("subnet/" + subnet);
    return s == null ? null : s.spec(SubnetSpec.class).vpc();
  }

  private String vpcOfGroup(String group) {
    Resource g = byAddress.get("security_group/" + group);
    return g == null ? null : g.spec(SecurityGroupSpec.class).vpc();
  }

  private void checkGroupsInVpc(Resource r, String path, List<String> groups, String vpc, String where) {
    if (vpc == null) {
      return;
    }
    for (int i = 0; i < groups.size(); i++) {
      String gv = vpcOfGroup(groups.get(i));
      if (gv != null && !gv.equals(vpc)) {
        error(r.pos(path + "[" + i + "]"), "security group \"" + groups.get(i) + "\" is in VPC \"" + gv + "\", but "
            + where + " is in VPC \"" + vpc + "\"");
      }
    }
  }

  private void checkSecurityGroups() {
    for (Resource r : platform.ofKind(ResourceKind.SECURITY_GROUP)) {
      SecurityGroupSpec sg = r.spec(SecurityGroupSpec.class);
      checkRules(r, "ingress", sg.ingress(), sg.vpc());
      checkRules(r, "egress", sg.egress(), sg.vpc());
    }
  }

  private void checkRules(Resource r, String path, List<RuleSpec> rules, String vpc) {
    for (int i = 0; i < rules.size(); i++) {
      RuleSpec rule = rules.get(i);
      String p = path + "[" + i + "]";
      Protocol proto = rule.protocol();
      if ((proto == Protocol.TCP || proto == Protocol.UDP) && !r.positions().has(p + ".ports")) {
        error(r.pos(p), Words.a(proto.yaml()) + " rule needs \"ports\" (a port such as 443, or a range such as 1024-65535)");
      }
      if ((proto == Protocol.ALL || proto == Protocol.ICMP) && rule.ports() != null) {
        error(r.pos(p + ".ports"), "\"ports\" does not apply to protocol " + proto.yaml() + "; remove it");
      }
      if (rule.cidrs().isEmpty() && rule.groups().isEmpty()) {
        error(r.pos(p), "the rule allows nothing: give \"cidrs\" (address ranges) or \"groups\" (security groups)");
      }
      checkGroupsInVpc(r, p + ".groups", rule.groups(), vpc, "security group \"" + r.name() + "\"");
    }
  }

  private void checkVolumes() {
    for (Resource r : platform.ofKind(ResourceKind.VOLUME)) {
      VolumeSpec v = r.spec(VolumeSpec.class);
      checkAz(r, "az", v.az());
      VolumeType t = v.type();
      if ((t == VolumeType.IO1 || t == VolumeType.IO2) && !r.positions().has("iops")) {
        error(r.pos("type"), Words.a(t.yaml()) + " volume needs \"iops\" (provisioned IOPS, such as 3000)");
      }
      if (v.iops() != null && t != null && t != VolumeType.IO1 && t != VolumeType.IO2 && t != VolumeType.GP3) {
        error(r.pos("iops"), "\"iops\" applies only to gp3, io1 and io2 volumes, not " + t.yaml());
      }
      if (v.throughput() != null && t != null && t != VolumeType.GP3) {
        error(r.pos("throughput"), "\"throughput\" applies only to gp3 volumes, not " + t.yaml());
      }
    }
  }

  // ---------------------------------------------------------------- instances

  private void checkInstances() {
    Map<String, Resource> eipUsers = new HashMap<>();
    Map<String, Resource> volumeUsers = new HashMap<>();
    Map<Long, Resource> privateIps = new HashMap<>();
    for (Resource r : platform.ofKind(ResourceKind.INSTANCE)) {
      InstanceSpec i = r.spec(InstanceSpec.class);
      Resource subnet = target(r, ResourceKind.SUBNET, i.subnet());
      SubnetSpec s = subnet == null ? null : subnet.spec(SubnetSpec.class);
      checkAz(r, "az", i.az());
      String az = i.az() != null ? i.az() : s == null ? null : s.az();
      if (i.az() != null && s != null && s.az() != null && !i.az().equals(s.az())) {
        error(r.pos("az"), "instance zone " + i.az() + " differs from its subnet \"" + subnet.name() + "\" (" + s.az()
            + "); remove \"az\" or use " + s.az());
      }
      if (i.privateIp() != null && s != null && s.cidr() != null) {
        long ip = Net.parseIpv4(i.privateIp());
        Net.Cidr c = Net.parseCidr(s.cidr());
        if (!c.contains(ip)) {
          error(r.pos("private_ip"), "address " + i.privateIp() + " is outside subnet \"" + subnet.name() + "\" (" + s.cidr() + ")");
        } else if (ip - c.address() < 4 || ip == c.last()) {
          error(r.pos("private_ip"), "address " + i.privateIp() + " is reserved by AWS (the first four and the last"
              + " address of a subnet); choose another");
        } else {
          Resource other = privateIps.putIfAbsent(ip, r);
          if (other != null) {
            error(r.pos("private_ip"), "address " + i.privateIp() + " is also given to instance \"" + other.name() + "\"");
          }
        }
      }
      checkGroupsInVpc(r, "security_groups", i.securityGroups(), s == null ? null : s.vpc(),
          "its subnet \"" + i.subnet() + "\"");
      if (i.elasticIp() != null) {
        Resource other = eipUsers.putIfAbsent(i.elasticIp(), r);
        if (other != null) {
          error(r.pos("elastic_ip"), "elastic IP \"" + i.elasticIp() + "\" is already used by instance \"" + other.name()
              + "\"; an address belongs to one instance");
        }
      }
      Set<String> devices = new HashSet<>();
      for (int k = 0; k < i.volumes().size(); k++) {
        AttachmentSpec a = i.volumes().get(k);
        String p = "volumes[" + k + "]";
        if (a.device() != null && !devices.add(a.device())) {
          error(r.pos(p + ".device"), "device " + a.device() + " is used twice on this instance");
        }
        if (a.volume() == null) {
          continue;
        }
        Resource other = volumeUsers.putIfAbsent(a.volume(), r);
        if (other != null) {
          error(r.pos(p + ".volume"), "volume \"" + a.volume() + "\" is already attached to instance \"" + other.name()
              + "\"; a volume is attached to one instance");
        }
        Resource vol = target(r, ResourceKind.VOLUME, a.volume());
        if (vol != null && az != null) {
          String vaz = vol.spec(VolumeSpec.class).az();
          if (vaz != null && !vaz.equals(az)) {
            error(r.pos(p + ".volume"), "volume \"" + a.volume() + "\" is in " + vaz + " but the instance is in " + az
                + "; a volume attaches only in its own zone");
          }
        }
      }
      checkImage(r, "ami", i.ami());
      checkMachine(r, "", i.image(), i.imageFamily());
      checkHandoff(r, i.handoff(), i.domain());
    }
  }

  /** A machine image is the local provider's; its family is the image's own. */
  private void checkMachine(Resource r, String prefix, MachineImage image, ImageFamily family) {
    if (image == null) {
      return;
    }
    if (spec.provider() != ProviderKind.LOCAL) {
      error(r.pos(prefix + "image"), "\"image\" boots a machine on the local provider; on " + spec.provider().yaml()
          + " the image is \"ami\"");
    } else if (r.positions().has(prefix + "image_family") && family != image.family()) {
      error(r.pos(prefix + "image_family"), "image " + image.yaml() + " is of the " + image.family().yaml()
          + " family, not " + family.yaml() + "; leave image_family out");
    }
  }

  private void checkImage(Resource r, String path, String ami) {
    if (spec.provider() == ProviderKind.AWS && ami == null && !r.positions().has(path)) {
      error(r.pos(path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : ""),
          "\"ami\" is required on the aws provider (an image ID such as ami-0abcdef1234567890)");
    }
  }

  private void checkHandoff(Resource r, HandoffSpec h, String domain) {
    if (h == null) {
      return;
    }
    ConfigManagementKind cm = h.configManagement();
    if (cm == ConfigManagementKind.PUPPET) {
      if (h.puppet() == null || h.puppet().role() == null) {
        error(r.pos("handoff"), "config_management puppet needs \"puppet: {role: ...}\" (the node's role class)");
      }
      if (domain == null && spec.domain() == null) {
        error(r.pos("handoff"), "puppet needs a domain for the node's certname: set \"domain\" on the "
            + r.kind().yaml() + " or in platform.yaml");
      }
    }
    if (cm == ConfigManagementKind.SHELL
        && (h.shell() == null || h.shell().bootstrap() == null && h.shell().final_() == null)) {
      error(r.pos("handoff"), "config_management shell needs \"shell:\" with a \"bootstrap\" or \"final\" command");
    }
    if (cm != ConfigManagementKind.PUPPET && h.puppet() != null) {
      error(r.pos("handoff.puppet"), "\"puppet\" settings are given but config_management is " + cm.yaml());
    }
    if (cm != ConfigManagementKind.SHELL && h.shell() != null) {
      error(r.pos("handoff.shell"), "\"shell\" settings are given but config_management is " + cm.yaml());
    }
  }

  // ---------------------------------------------------------------- DNS

  private void checkDnsRecords() {
    Map<String, Resource> seen = new HashMap<>();
    for (Resource r : platform.ofKind(ResourceKind.DNS_RECORD)) {
      DnsRecordSpec d = r.spec(DnsRecordSpec.class);
      int sources = (d.values().isEmpty() ? 0 : 1) + (d.instance() == null ? 0 : 1) + (d.elasticIp() == null ? 0 : 1);
      if (sources != 1) {
        error(r.pos(sources == 0 ? "" : "values"), "a dns_record takes its value from exactly one of \"values\","
            + " \"instance\" or \"elastic_ip\"" + (sources == 0 ? "; none is given" : "; several are given"));
      }
      DnsType type = d.type();
      if ((d.instance() != null || d.elasticIp() != null) && type != DnsType.A) {
        error(r.pos("type"), "a record that takes an instance's or elastic IP's address must be of type A, not " + type);
      }
      if (d.record() != null && !d.record().equals("@")) {
        String problem = Net.dnsNameProblem(d.record());
        if (problem != null) {
          error(r.pos("record"), "\"record\": " + problem);
        } else if (d.zone() != null && d.record().endsWith(".")
            && !(d.record().equals(fq(d.zone())) || d.record().endsWith("." + fq(d.zone())))) {
          error(r.pos("record"), "\"" + d.record() + "\" is not inside the zone " + d.zone());
        }
      }
      for (int i = 0; i < d.values().size(); i++) {
        String v = d.values().get(i);
        Pos pos = r.pos("values[" + i + "]");
        if (type == DnsType.A && Net.parseIpv4(v) < 0) {
          error(pos, "an A record holds IPv4 addresses; \"" + v + "\" is not one");
        } else if (type == DnsType.AAAA && !v.contains(":")) {
          error(pos, "an AAAA record holds IPv6 addresses; \"" + v + "\" is not one");
        } else if (type == DnsType.CNAME && Net.dnsNameProblem(v) != null) {
          error(pos, "a CNAME points at a DNS name: " + Net.dnsNameProblem(v));
        }
      }
      if (type == DnsType.CNAME && d.values().size() > 1) {
        error(r.pos("values[1]"), "a CNAME record has exactly one value");
      }
      if (d.zone() != null && d.record() != null && type != null) {
        String key = fqName(d) + " " + type;
        Resource other = seen.putIfAbsent(key, r);
        if (other != null) {
          error(r.pos("record"), "record " + fqName(d) + " " + type + " is also defined by dns_record \"" + other.name()
              + "\"; merge their values into one");
        }
      }
    }
  }

  private static String fq(String name) {
    return name.endsWith(".") ? name : name + ".";
  }

  static String fqName(DnsRecordSpec d) {
    if (d.record().equals("@")) {
      return fq(d.zone());
    }
    return d.record().endsWith(".") ? d.record() : d.record() + "." + fq(d.zone());
  }

  // ---------------------------------------------------------------- autoscaling

  private void checkAutoscalingGroups() {
    Map<String, Resource> roles = new HashMap<>();
    for (Resource r : platform.ofKind(ResourceKind.AUTOSCALING_GROUP)) {
      AutoscalingGroupSpec g = r.spec(AutoscalingGroupSpec.class);
      if (g.min() != null && g.max() != null) {
        if (g.min() > g.max()) {
          error(r.pos("min"), "min (" + g.min() + ") is larger than max (" + g.max() + ")");
        } else if (g.desired() != null && (g.desired() < g.min() || g.desired() > g.max())) {
          error(r.pos("desired"), "desired (" + g.desired() + ") must be between min (" + g.min() + ") and max ("
              + g.max() + ")");
        }
      }
      if (g.cluster() != null && g.role() != null) {
        Resource other = roles.putIfAbsent(g.cluster() + "/" + g.role(), r);
        if (other != null) {
          error(r.pos("role"), "cluster \"" + g.cluster() + "\" already has a group of role \"" + g.role() + "\" (\""
              + other.name() + "\"); one group per role and cluster");
        }
      }
      if (g.subnets().isEmpty() && r.positions().has("subnets")) {
        error(r.pos("subnets"), "an autoscaling group needs at least one subnet");
      }
      String vpc = null;
      for (int i = 0; i < g.subnets().size(); i++) {
        String v = vpcOfSubnet(g.subnets().get(i));
        if (v != null && vpc != null && !v.equals(vpc)) {
          error(r.pos("subnets[" + i + "]"), "subnet \"" + g.subnets().get(i) + "\" is in VPC \"" + v + "\", but the"
              + " group's first subnet is in VPC \"" + vpc + "\"; a group lives in one VPC");
        }
        vpc = vpc == null ? v : vpc;
      }
      if (g.launch() != null) {
        checkGroupsInVpc(r, "launch.security_groups", g.launch().securityGroups(), vpc, "the group's subnets");
        checkImage(r, "launch.ami", g.launch().ami());
        checkMachine(r, "launch.", g.launch().image(), g.launch().imageFamily());
      }
      if (g.certnamePattern() != null) {
        Matcher m = PLACEHOLDER.matcher(g.certnamePattern());
        while (m.find()) {
          if (!CERTNAME_PLACEHOLDERS.contains(m.group(1))) {
            error(r.pos("certname_pattern"), "unknown placeholder {" + m.group(1) + "} in certname_pattern; the"
                + " placeholders are {role}, {cluster}, {instance_id}, {domain}, {platform} and {env}"
                + Suggest.didYouMean(m.group(1), CERTNAME_PLACEHOLDERS));
          }
        }
        if (!g.certnamePattern().contains("{instance_id}")) {
          error(r.pos("certname_pattern"), "certname_pattern must contain {instance_id}, or every node of the group"
              + " would get the same certificate name");
        }
      }
      checkHandoff(r, g.handoff(), g.domain());
      if (g.dnsZone() != null) {
        String domain = g.domain() != null ? g.domain() : platform.spec().domain();
        String zone = g.dnsZone().replaceAll("\\.$", "");
        if (domain == null || !(domain.equals(zone) || domain.endsWith("." + zone))) {
          error(r.pos("dns_zone"), "the nodes' domain (" + (domain == null ? "none: set domain" : domain) + ") is not in"
              + " dns_zone " + zone + ", so their records could not be written there");
        } else if (g.certnamePattern() != null && !g.certnamePattern().endsWith("{domain}")) {
          error(r.pos("certname_pattern"), "with dns_zone, certname_pattern must end with {domain} (the record is the"
              + " node's certname, which must be in the zone)");
        }
      }
    }
  }

  // ---------------------------------------------------------------- IAM

  private void checkIam() {
    for (Resource r : platform.ofKind(ResourceKind.IAM_POLICY)) {
      IamPolicySpec p = r.spec(IamPolicySpec.class);
      if (p.statements() != null && p.statements().isEmpty() && r.positions().has("statements")) {
        error(r.pos("statements"), "a policy needs at least one statement");
      }
      List<StatementSpec> statements = Objects.requireNonNullElse(p.statements(), List.of());
      for (int i = 0; i < statements.size(); i++) {
        List<String> actions = statements.get(i).actions();
        for (int k = 0; actions != null && k < actions.size(); k++) {
          if (!ACTION.matcher(actions.get(k)).matches()) {
            error(r.pos("statements[" + i + "].actions[" + k + "]"), "\"" + actions.get(k) + "\" is not an action;"
                + " write SERVICE:ACTION such as ec2:DescribeInstances (wildcards allowed)");
          }
        }
      }
    }
    for (Resource r : platform.ofKind(ResourceKind.IAM_ROLE)) {
      if (r.spec(IamRoleSpec.class).trustedServices().isEmpty()) {
        error(r.pos("trusted_services"), "a role needs at least one trusted service, such as ec2.amazonaws.com");
      }
    }
  }

  // ----------------------------------------------------------------

  private void error(Pos pos, String message) {
    diags.error(pos, message);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}
