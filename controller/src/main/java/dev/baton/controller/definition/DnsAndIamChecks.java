package dev.baton.controller.definition;

import dev.baton.common.error.Pos;
import dev.baton.controller.definition.model.DnsRecordSpec;
import dev.baton.controller.definition.model.DnsType;
import dev.baton.controller.definition.model.IamPolicySpec;
import dev.baton.controller.definition.model.IamRoleSpec;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.StatementSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rules of DNS records (names within their zone, targets, one record per name and type) and
 * of IAM (policy actions, roles' trusted services). Part of {@link Validator}'s run.
 */
final class DnsAndIamChecks {
  private final Validator vd;

  DnsAndIamChecks(Validator vd) {
    this.vd = vd;
  }

  void checkDnsRecords() {
    Map<String, Resource> seen = new HashMap<>();
    for (Resource r : vd.platform.ofKind(ResourceKind.DNS_RECORD)) {
      DnsRecordSpec d = r.spec(DnsRecordSpec.class);
      int sources = (d.values().isEmpty() ? 0 : 1) + (d.instance() == null ? 0 : 1) + (d.elasticIp() == null ? 0 : 1);
      if (sources != 1) {
        vd.error(r.pos(sources == 0 ? "" : "values"), "a dns_record takes its value from exactly one of \"values\","
            + " \"instance\" or \"elastic_ip\"" + (sources == 0 ? "; none is given" : "; several are given"));
      }
      DnsType type = d.type();
      if ((d.instance() != null || d.elasticIp() != null) && type != DnsType.A) {
        vd.error(r.pos("type"), "a record that takes an instance's or elastic IP's address must be of type A, not " + type);
      }
      if (d.record() != null && !d.record().equals("@")) {
        String problem = Net.dnsNameProblem(d.record());
        if (problem != null) {
          vd.error(r.pos("record"), "\"record\": " + problem);
        } else if (d.zone() != null && d.record().endsWith(".")
            && !(d.record().equals(Validator.fq(d.zone())) || d.record().endsWith("." + Validator.fq(d.zone())))) {
          vd.error(r.pos("record"), "\"" + d.record() + "\" is not inside the zone " + d.zone());
        }
      }
      for (int i = 0; i < d.values().size(); i++) {
        String v = d.values().get(i);
        Pos pos = r.pos("values[" + i + "]");
        if (type == DnsType.A && Net.parseIpv4(v) < 0) {
          vd.error(pos, "an A record holds IPv4 addresses; \"" + v + "\" is not one");
        } else if (type == DnsType.AAAA && !v.contains(":")) {
          vd.error(pos, "an AAAA record holds IPv6 addresses; \"" + v + "\" is not one");
        } else if (type == DnsType.CNAME && Net.dnsNameProblem(v) != null) {
          vd.error(pos, "a CNAME points at a DNS name: " + Net.dnsNameProblem(v));
        }
      }
      if (type == DnsType.CNAME && d.values().size() > 1) {
        vd.error(r.pos("values[1]"), "a CNAME record has exactly one value");
      }
      if (d.zone() != null && d.record() != null && type != null) {
        String key = Validator.fqName(d) + " " + type;
        Resource other = seen.putIfAbsent(key, r);
        if (other != null) {
          vd.error(r.pos("record"), "record " + Validator.fqName(d) + " " + type + " is also defined by dns_record \"" + other.name()
              + "\"; merge their values into one");
        }
      }
    }
  }

  void checkIam() {
    for (Resource r : vd.platform.ofKind(ResourceKind.IAM_POLICY)) {
      IamPolicySpec p = r.spec(IamPolicySpec.class);
      if (p.statements() != null && p.statements().isEmpty() && r.positions().has("statements")) {
        vd.error(r.pos("statements"), "a policy needs at least one statement");
      }
      List<StatementSpec> statements = Objects.requireNonNullElse(p.statements(), List.of());
      for (int i = 0; i < statements.size(); i++) {
        List<String> actions = statements.get(i).actions();
        for (int k = 0; actions != null && k < actions.size(); k++) {
          if (!Validator.ACTION.matcher(actions.get(k)).matches()) {
            vd.error(r.pos("statements[" + i + "].actions[" + k + "]"), "\"" + actions.get(k) + "\" is not an action;"
                + " write SERVICE:ACTION such as ec2:DescribeInstances (wildcards allowed)");
          }
        }
      }
    }
    for (Resource r : vd.platform.ofKind(ResourceKind.IAM_ROLE)) {
      if (r.spec(IamRoleSpec.class).trustedServices().isEmpty()) {
        vd.error(r.pos("trusted_services"), "a role needs at least one trusted service, such as ec2.amazonaws.com");
      }
    }
  }
}
