package dev.baton.controller.provider.aws;

import dev.baton.controller.provider.CloudId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * Security-group rules between the definitions' form ({@code {protocol, ports, cidrs, groups,
 * description}}) and EC2's {@code IpPermission}s. Rules are compared as atoms (one protocol, port
 * range, source and description each), so converging adds and revokes exactly the atoms that
 * differ.
 */
final class Rules {
  private Rules() {}

  /** One protocol, port range and source (a CIDR or a group), with its description. */
  record Atom(String protocol, Integer from, Integer to, String cidr, String group, String description) {
    IpPermission permission() {
      IpPermission.Builder b = IpPermission.builder().ipProtocol(protocol);
      if (from != null) {
        b.fromPort(from).toPort(to);
      }
      if (group != null) {
        b.userIdGroupPairs(UserIdGroupPair.builder().groupId(group).description(description).build());
      } else if (cidr.contains(":")) {
        b.ipv6Ranges(Ipv6Range.builder().cidrIpv6(cidr).description(description).build());
      } else {
        b.ipRanges(IpRange.builder().cidrIp(cidr).description(description).build());
      }
      return b.build();
    }
  }

  /** The atoms of rules in the definitions' form. */
  static Set<Atom> atoms(List<?> rules) {
    Set<Atom> out = new LinkedHashSet<>();
    for (Object o : rules) {
      if (!(o instanceof Map<?, ?> r)) {
        continue;
      }
      String proto = String.valueOf(r.get("protocol") == null ? "tcp" : r.get("protocol"));
      String ip = proto.equals("all") ? "-1" : proto;
      Integer from = null;
      Integer to = null;
      Object ports = r.get("ports");
      if (!ip.equals("-1")) {
        if (ports == null || ports.toString().isBlank()) {
          from = proto.equals("icmp") ? -1 : 0;
          to = proto.equals("icmp") ? -1 : 65535;
        } else {
          String[] p = ports.toString().split("-", 2);
          from = Integer.valueOf(p[0].trim());
          to = Integer.valueOf(p.length == 2 ? p[1].trim() : p[0].trim());
        }
      }
      String d = r.get("description") == null ? null : r.get("description").toString();
      if (r.get("cidrs") instanceof List<?> cidrs) {
        for (Object c : cidrs) {
          out.add(new Atom(ip, from, to, c.toString(), null, d));
        }
      }
      if (r.get("groups") instanceof List<?> groups) {
        for (Object g : groups) {
          out.add(new Atom(ip, from, to, null, Ec2Kinds.id(g), d));
        }
      }
    }
    return out;
  }

  /** EC2's permissions in the definitions' form: one rule per protocol, port range and description. */
  static List<Object> fromPermissions(List<IpPermission> permissions) {
    Map<List<Object>, Map<String, Object>> rules = new LinkedHashMap<>();
    for (IpPermission p : permissions) {
      String proto = "-1".equals(p.ipProtocol()) ? "all" : p.ipProtocol();
      String ports = null;
      if (!proto.equals("all") && p.fromPort() != null) {
        boolean everything = proto.equals("icmp") ? p.fromPort() == -1 : p.fromPort() == 0 && p.toPort() == 65535;
        ports = everything ? null : p.fromPort().equals(p.toPort()) ? p.fromPort().toString() : p.fromPort() + "-" + p.toPort();
      }
      for (IpRange r : p.ipRanges()) {
        add(rules, proto, ports, r.description(), "cidrs", r.cidrIp());
      }
      for (Ipv6Range r : p.ipv6Ranges()) {
        add(rules, proto, ports, r.description(), "cidrs", r.cidrIpv6());
      }
      for (UserIdGroupPair g : p.userIdGroupPairs()) {
        add(rules, proto, ports, g.description(), "groups", new CloudId(g.groupId()));
      }
    }
    return new ArrayList<>(rules.values());
  }

  @SuppressWarnings("unchecked")
  private static void add(Map<List<Object>, Map<String, Object>> rules, String proto, String ports, String description,
      String key, Object source) {
    List<Object> k = java.util.Arrays.asList(proto, ports, description);
    Map<String, Object> rule = rules.computeIfAbsent(k, x -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("protocol", proto);
      if (ports != null) {
        m.put("ports", ports);
      }
      if (description != null) {
        m.put("description", description);
      }
      return m;
    });
    ((List<Object>) rule.computeIfAbsent(key, x -> new ArrayList<>())).add(source);
  }

  /**
   * The atom of one of EC2's rules ({@code DescribeSecurityGroupRules}): what it permits, so that
   * a rule to remove is revoked by its ID. A rule naming a group that no longer exists can be revoked
   * so (by its permission, EC2 answers {@code InvalidGroup.NotFound}).
   */
  static Atom atomOf(software.amazon.awssdk.services.ec2.model.SecurityGroupRule r) {
    String proto = r.ipProtocol();
    Integer from = "-1".equals(proto) ? null : r.fromPort();
    Integer to = "-1".equals(proto) ? null : r.toPort();
    String group = r.referencedGroupInfo() == null ? null : r.referencedGroupInfo().groupId();
    String cidr = group != null ? null : r.cidrIpv4() != null ? r.cidrIpv4() : r.cidrIpv6();
    return new Atom(proto, from, to, cidr, group, r.description());
  }
}
