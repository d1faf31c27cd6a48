package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The IAM kinds. IAM lists cannot filter by tag, so every IAM resource of a platform lives under
 * one path, {@code /baton/CUSTOMER/PLATFORM/ENV/UUID/} ({@code _} when there are no environments):
 * one {@code List*} call with that path prefix finds them all, and the path says whose each is.
 * The name is the resource's {@code Name} tag (its name, with {@code -ENV} in an environment).
 * Cloud IDs: a policy's and an instance profile's ARN, a group's, user's and role's name.
 */
final class IamKinds {
  private final IamClient iam;

  IamKinds(IamClient iam) {
    this.iam = iam;
    this.observer = new IamObserver(iam);
  }

  static String prefix(Scope scope) {
    return "/baton/" + scope.customer() + "/" + scope.platform() + "/" + (scope.env() == null ? "_" : scope.env()) + "/";
  }

  static String path(Scope scope, String uuid) {
    return prefix(scope) + uuid + "/";
  }

  /** The ownership tags a path stands for. */
  static Map<String, String> owner(Scope scope, String path, String name) {
    Map<String, String> t = new LinkedHashMap<>(scope.tags());
    String[] parts = path.split("/");
    t.put(Ec2Kinds.UUID, parts[parts.length - 1]);
    t.put("Name", name);
    return t;
  }

  static <T> T call(String what, Supplier<T> c) {
    return AwsErrors.call(what, c);
  }

  static Map<String, String> withTags(Map<String, String> owner, List<Tag> tags) {
    Map<String, String> t = new LinkedHashMap<>();
    tags.forEach(x -> t.put(x.key(), x.value()));
    t.putAll(owner);
    return t;
  }

  private static List<Tag> toTags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  // ---- observe -------------------------------------------------------------------------------

  private final IamObserver observer;

  List<LiveResource> observe(ResourceKind kind, Scope scope) {
    return observer.observe(kind, scope);
  }

  static String decode(String doc) {
    return doc != null && doc.startsWith("%") ? URLDecoder.decode(doc, StandardCharsets.UTF_8)
        : doc != null && !doc.trim().startsWith("{") ? URLDecoder.decode(doc, StandardCharsets.UTF_8) : doc;
  }

  /** Attached policies: Baton's (under /baton/) as references, the others as managed policy ARNs. */
  static Map<String, Object> attached(List<AttachedPolicy> policies) {
    Map<String, Object> a = new LinkedHashMap<>();
    List<Object> ours = new ArrayList<>();
    List<Object> managed = new ArrayList<>();
    for (AttachedPolicy p : policies) {
      if (p.policyArn().contains(":policy/baton/")) {
        ours.add(new CloudId(p.policyArn()));
      } else {
        managed.add(p.policyArn());
      }
    }
    a.put("policies", ours);
    a.put("managed_policies", managed);
    return a;
  }

  // ---- create --------------------------------------------------------------------------------

  LiveResource create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> a, Map<String, String> tags) {
    observer.changed();
    try {
      return createNow(kind, scope, uuid, a, tags);
    } finally {
      observer.changed(); // an observation made meanwhile is not kept
    }
  }

  private LiveResource createNow(ResourceKind kind, Scope scope, String uuid, Map<String, Object> a,
      Map<String, String> tags) {
    String name = tags.getOrDefault("Name", uuid);
    String path = path(scope, uuid);
    CloudId id = switch (kind) {
      case IAM_POLICY -> new CloudId(call("CreatePolicy", () -> iam.createPolicy(b -> b.policyName(name).path(path)
          .policyDocument(Policies.document(a.get("statements"))).tags(toTags(tags)))).policy().arn());
      case IAM_GROUP -> {
        call("CreateGroup", () -> iam.createGroup(b -> b.groupName(name).path(path)));
        yield new CloudId(name);
      }
      case IAM_USER -> {
        call("CreateUser", () -> iam.createUser(b -> b.userName(name).path(path).tags(toTags(tags))));
        yield new CloudId(name);
      }
      case IAM_ROLE -> {
        call("CreateRole", () -> iam.createRole(b -> b.roleName(name).path(path).tags(toTags(tags))
            .assumeRolePolicyDocument(Policies.trust(a.get("trusted_services")))));
        yield new CloudId(name);
      }
      case INSTANCE_PROFILE -> {
        String arn = call("CreateInstanceProfile", () -> iam.createInstanceProfile(b -> b.instanceProfileName(name)
            .path(path).tags(toTags(tags)))).instanceProfile().arn();
        if (a.get("role") != null) {
          call("AddRoleToInstanceProfile", () -> iam.addRoleToInstanceProfile(b -> b.instanceProfileName(name)
              .roleName(Ec2Kinds.id(a.get("role")))));
        }
        yield new CloudId(arn);
      }
      default -> throw new IllegalArgumentException(kind.yaml());
    };
    Map<String, Object> none = Map.of();
    for (String k : List.of("policies", "managed_policies", "groups")) {
      if (a.containsKey(k)) {
        relink(kind, id.id(), k, none.get(k), a.get(k));
      }
    }
    return new LiveResource(kind, uuid, id, a, tags, "");
  }

  /** Attaches and detaches policies, adds to and removes from groups, by difference. */
  private void relink(ResourceKind kind, String id, String key, Object before, Object after) {
    Set<String> have = ids(before);
    Set<String> want = ids(after);
    for (String x : want) {
      if (!have.contains(x)) {
        link(kind, id, key, x, true);
      }
    }
    for (String x : have) {
      if (!want.contains(x)) {
        link(kind, id, key, x, false);
      }
    }
  }

  private void link(ResourceKind kind, String id, String key, String x, boolean on) {
    if (key.equals("groups")) {
      if (on) {
        call("AddUserToGroup", () -> iam.addUserToGroup(b -> b.userName(id).groupName(x)));
      } else {
        call("RemoveUserFromGroup", () -> iam.removeUserFromGroup(b -> b.userName(id).groupName(x)));
      }
      return;
    }
    switch (kind) {
      case IAM_GROUP -> call(on ? "AttachGroupPolicy" : "DetachGroupPolicy", () -> on
          ? iam.attachGroupPolicy(b -> b.groupName(id).policyArn(x)) : iam.detachGroupPolicy(b -> b.groupName(id).policyArn(x)));
      case IAM_USER -> call(on ? "AttachUserPolicy" : "DetachUserPolicy", () -> on
          ? iam.attachUserPolicy(b -> b.userName(id).policyArn(x)) : iam.detachUserPolicy(b -> b.userName(id).policyArn(x)));
      case IAM_ROLE -> call(on ? "AttachRolePolicy" : "DetachRolePolicy", () -> on
          ? iam.attachRolePolicy(b -> b.roleName(id).policyArn(x)) : iam.detachRolePolicy(b -> b.roleName(id).policyArn(x)));
      default -> throw new IllegalArgumentException(kind.yaml() + " has no " + key);
    }
  }

  private static Set<String> ids(Object list) {
    Set<String> out = new LinkedHashSet<>();
    if (list instanceof List<?> l) {
      l.forEach(x -> out.add(Ec2Kinds.id(x)));
    }
    return out;
  }

  // ---- update --------------------------------------------------------------------------------

  LiveResource update(LiveResource live, Map<String, Object> a, Map<String, String> tags, List<String> changed) {
    observer.changed();
    try {
      return updateNow(live, a, tags, changed);
    } finally {
      observer.changed();
    }
  }

  private LiveResource updateNow(LiveResource live, Map<String, Object> a, Map<String, String> tags, List<String> changed) {
    String id = live.id().id();
    Map<String, Object> merged = new LinkedHashMap<>(live.attributes());
    for (String k : changed) {
      switch (k) {
        case "statements" -> {
          var versions = call("ListPolicyVersions", () -> iam.listPolicyVersions(b -> b.policyArn(id))).versions();
          if (versions.size() >= 5) { // IAM keeps five: drop the oldest that is not the default
            versions.stream().filter(v -> !v.isDefaultVersion()).min(java.util.Comparator.comparing(v -> v.createDate()))
                .ifPresent(v -> call("DeletePolicyVersion", () -> iam.deletePolicyVersion(b -> b.policyArn(id)
                    .versionId(v.versionId()))));
          }
          call("CreatePolicyVersion", () -> iam.createPolicyVersion(b -> b.policyArn(id).setAsDefault(true)
              .policyDocument(Policies.document(a.get(k)))));
        }
        case "trusted_services" -> call("UpdateAssumeRolePolicy", () -> iam.updateAssumeRolePolicy(b -> b.roleName(id)
            .policyDocument(Policies.trust(a.get(k)))));
        case "role" -> {
          String profile = live.tags().get("Name");
          if (live.attributes().get("role") != null) {
            call("RemoveRoleFromInstanceProfile", () -> iam.removeRoleFromInstanceProfile(b -> b.instanceProfileName(profile)
                .roleName(Ec2Kinds.id(live.attributes().get("role")))));
          }
          if (a.get(k) != null) {
            call("AddRoleToInstanceProfile", () -> iam.addRoleToInstanceProfile(b -> b.instanceProfileName(profile)
                .roleName(Ec2Kinds.id(a.get(k)))));
          }
        }
        case "policies", "managed_policies", "groups" -> relink(live.kind(), id, k, live.attributes().get(k), a.get(k));
        default -> { }
      }
      merged.put(k, a.get(k));
    }
    retag(live, tags);
    return new LiveResource(live.kind(), live.uuid(), live.id(), merged, tags, live.state());
  }

  private void retag(LiveResource live, Map<String, String> tags) {
    if (live.kind() == ResourceKind.IAM_GROUP) {
      return;
    }
    Map<String, String> add = new LinkedHashMap<>();
    tags.forEach((k, v) -> {
      if (!v.equals(live.tags().get(k))) {
        add.put(k, v);
      }
    });
    List<String> remove = live.tags().keySet().stream().filter(k -> !tags.containsKey(k)).toList();
    String id = live.id().id();
    String name = live.tags().get("Name");
    if (!add.isEmpty()) {
      List<Tag> t = toTags(add);
      switch (live.kind()) {
        case IAM_POLICY -> call("TagPolicy", () -> iam.tagPolicy(b -> b.policyArn(id).tags(t)));
        case IAM_USER -> call("TagUser", () -> iam.tagUser(b -> b.userName(id).tags(t)));
        case IAM_ROLE -> call("TagRole", () -> iam.tagRole(b -> b.roleName(id).tags(t)));
        case INSTANCE_PROFILE -> call("TagInstanceProfile", () -> iam.tagInstanceProfile(b -> b.instanceProfileName(name).tags(t)));
        default -> { }
      }
    }
    if (!remove.isEmpty()) {
      switch (live.kind()) {
        case IAM_POLICY -> call("UntagPolicy", () -> iam.untagPolicy(b -> b.policyArn(id).tagKeys(remove)));
        case IAM_USER -> call("UntagUser", () -> iam.untagUser(b -> b.userName(id).tagKeys(remove)));
        case IAM_ROLE -> call("UntagRole", () -> iam.untagRole(b -> b.roleName(id).tagKeys(remove)));
        case INSTANCE_PROFILE -> call("UntagInstanceProfile", () -> iam.untagInstanceProfile(b -> b.instanceProfileName(name)
            .tagKeys(remove)));
        default -> { }
      }
    }
  }

  // ---- delete --------------------------------------------------------------------------------

  void delete(LiveResource live) {
    observer.changed();
    try {
      deleteNow(live);
    } finally {
      observer.changed();
    }
  }

  private void deleteNow(LiveResource live) {
    String id = live.id().id();
    try {
      switch (live.kind()) {
        case IAM_POLICY -> {
          var entities = call("ListEntitiesForPolicy", () -> iam.listEntitiesForPolicy(b -> b.policyArn(id)));
          entities.policyGroups().forEach(g -> link(ResourceKind.IAM_GROUP, g.groupName(), "policies", id, false));
          entities.policyUsers().forEach(u -> link(ResourceKind.IAM_USER, u.userName(), "policies", id, false));
          entities.policyRoles().forEach(r -> link(ResourceKind.IAM_ROLE, r.roleName(), "policies", id, false));
          call("ListPolicyVersions", () -> iam.listPolicyVersions(b -> b.policyArn(id))).versions().stream()
              .filter(v -> !v.isDefaultVersion()).forEach(v -> call("DeletePolicyVersion", () -> iam.deletePolicyVersion(b -> b
                  .policyArn(id).versionId(v.versionId()))));
          call("DeletePolicy", () -> iam.deletePolicy(b -> b.policyArn(id)));
        }
        case IAM_GROUP -> {
          call("GetGroup", () -> iam.getGroup(b -> b.groupName(id))).users()
              .forEach(u -> link(ResourceKind.IAM_USER, u.userName(), "groups", id, false));
          call("ListAttachedGroupPolicies", () -> iam.listAttachedGroupPolicies(b -> b.groupName(id))).attachedPolicies()
              .forEach(p -> link(ResourceKind.IAM_GROUP, id, "policies", p.policyArn(), false));
          call("DeleteGroup", () -> iam.deleteGroup(b -> b.groupName(id)));
        }
        case IAM_USER -> {
          call("ListGroupsForUser", () -> iam.listGroupsForUser(b -> b.userName(id))).groups()
              .forEach(g -> link(ResourceKind.IAM_USER, id, "groups", g.groupName(), false));
          call("ListAttachedUserPolicies", () -> iam.listAttachedUserPolicies(b -> b.userName(id))).attachedPolicies()
              .forEach(p -> link(ResourceKind.IAM_USER, id, "policies", p.policyArn(), false));
          call("ListAccessKeys", () -> iam.listAccessKeys(b -> b.userName(id))).accessKeyMetadata().forEach(k ->
              call("DeleteAccessKey", () -> iam.deleteAccessKey(b -> b.userName(id).accessKeyId(k.accessKeyId()))));
          try {
            call("DeleteLoginProfile", () -> iam.deleteLoginProfile(b -> b.userName(id)));
          } catch (BatonException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
              throw e;
            }
          }
          call("DeleteUser", () -> iam.deleteUser(b -> b.userName(id)));
        }
        case IAM_ROLE -> {
          call("ListAttachedRolePolicies", () -> iam.listAttachedRolePolicies(b -> b.roleName(id))).attachedPolicies()
              .forEach(p -> link(ResourceKind.IAM_ROLE, id, "policies", p.policyArn(), false));
          call("ListInstanceProfilesForRole", () -> iam.listInstanceProfilesForRole(b -> b.roleName(id))).instanceProfiles()
              .forEach(p -> call("RemoveRoleFromInstanceProfile", () -> iam.removeRoleFromInstanceProfile(b -> b
                  .instanceProfileName(p.instanceProfileName()).roleName(id))));
          call("DeleteRole", () -> iam.deleteRole(b -> b.roleName(id)));
        }
        case INSTANCE_PROFILE -> {
          String name = live.tags().get("Name");
          call("GetInstanceProfile", () -> iam.getInstanceProfile(b -> b.instanceProfileName(name))).instanceProfile().roles()
              .forEach(r -> call("RemoveRoleFromInstanceProfile", () -> iam.removeRoleFromInstanceProfile(b -> b
                  .instanceProfileName(name).roleName(r.roleName()))));
          call("DeleteInstanceProfile", () -> iam.deleteInstanceProfile(b -> b.instanceProfileName(name)));
        }
        default -> throw new IllegalArgumentException(live.kind().yaml());
      }
    } catch (BatonException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
    }
  }
}
