package dev.baton.controller.provider.aws;

import static dev.baton.controller.provider.aws.Ec2Kinds.UUID;
import static dev.baton.controller.provider.aws.Ec2Kinds.call;
import static dev.baton.controller.provider.aws.Ec2Kinds.id;
import static dev.baton.controller.provider.aws.Ec2Kinds.scopeFilters;
import static dev.baton.controller.provider.aws.Ec2Kinds.spec;
import static dev.baton.controller.provider.aws.Ec2Kinds.tags;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Security groups: their rules are converged by difference ({@link Rules} atoms), never replaced
 * wholesale, so that a rule that stays is never revoked, not even for a moment.
 */
final class Ec2SecurityGroups {
  private final Ec2Client ec2;

  Ec2SecurityGroups(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  List<LiveResource> observe(Scope scope) {
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

  LiveResource create(Map<String, Object> a, Map<String, String> tags) {
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

  /** Converges the ingress or the egress rules of group {@code id} to {@code value}; nothing else changes in place. */
  void update(String id, String k, Object value) {
    if (k.equals("ingress") || k.equals("egress")) {
      SecurityGroup g = describeGroup(id);
      converge(id, k.equals("ingress"), Rules.fromPermissions(k.equals("ingress") ? g.ipPermissions()
          : g.ipPermissionsEgress()), value);
    }
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

  /**
   * Removes group {@code id}. Rules naming other groups go first, so that groups naming each other can
   * go; by their rule IDs, so that one naming a group already gone goes too.
   */
  void delete(String id) {
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
}
