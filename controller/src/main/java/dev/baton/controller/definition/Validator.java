package dev.baton.controller.definition;

import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import dev.baton.controller.definition.model.DnsRecordSpec;
import dev.baton.controller.definition.model.PlatformSpec;
import dev.baton.controller.definition.model.Protocol;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.RuleSpec;
import dev.baton.controller.definition.model.SecurityGroupSpec;
import dev.baton.controller.definition.model.SubnetSpec;
import dev.baton.controller.definition.model.VpcSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that need more than one value: references, uniqueness, cycles, address ranges,
 * zones, and the rules of each kind. Runs after binding; tolerates values that binding left
 * unset (they were reported already).
 */
final class Validator {
  static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]*)}");
  static final Set<String> CERTNAME_PLACEHOLDERS = Set.of("role", "cluster", "instance_id", "domain",
      "platform", "env");
  static final Pattern ACTION = Pattern.compile("^(\\*|[a-z0-9-]+:[A-Za-z0-9*]+)$");
  private static final Pattern LOCAL_REGION = Pattern.compile("^local(-[a-z0-9]+)*$");

  final Platform platform;
  final PlatformSpec spec;
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
    ComputeChecks compute = new ComputeChecks(this);
    compute.checkVolumes();
    compute.checkInstances();
    DnsAndIamChecks dnsAndIam = new DnsAndIamChecks(this);
    dnsAndIam.checkDnsRecords();
    compute.checkAutoscalingGroups();
    dnsAndIam.checkIam();
    new ApplicationChecks(this).check();
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

  Resource target(Resource from, ResourceKind kind, String name) {
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

  void checkAz(Resource r, String path, String az) {
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

  String vpcOfSubnet(String subnet) {
    Resource s = byAddress.get("subnet/" + subnet);
    return s == null ? null : s.spec(SubnetSpec.class).vpc();
  }

  private String vpcOfGroup(String group) {
    Resource g = byAddress.get("security_group/" + group);
    return g == null ? null : g.spec(SecurityGroupSpec.class).vpc();
  }

  void checkGroupsInVpc(Resource r, String path, List<String> groups, String vpc, String where) {
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

  static String fq(String name) {
    return name.endsWith(".") ? name : name + ".";
  }

  static String fqName(DnsRecordSpec d) {
    if (d.record().equals("@")) {
      return fq(d.zone());
    }
    return d.record().endsWith(".") ? d.record() : d.record() + "." + fq(d.zone());
  }

  // ---------------------------------------------------------------- autoscaling

  // ----------------------------------------------------------------

  void error(Pos pos, String message) {
    diags.error(pos, message);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}
