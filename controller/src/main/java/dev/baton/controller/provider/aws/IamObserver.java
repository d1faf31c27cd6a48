package dev.baton.controller.provider.aws;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityType;
import software.amazon.awssdk.services.iam.model.GetAccountAuthorizationDetailsResponse;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Observes the IAM kinds from one listing: {@code GetAccountAuthorizationDetails} (users with their
 * tags, groups and attached policies; groups with their policies; roles with their tags, trust and
 * policies; Baton's policies with their documents), paginated, read once for the five IAM kinds of a
 * plan and filtered to the platform's path. It was three calls per user, two per role and policy.
 *
 * <p>What that listing cannot give costs a call per resource still: a policy's tags
 * ({@code GetPolicy}: IAM keeps them out of every listing) and an instance profile's tags when no role
 * holds it ({@code GetInstanceProfile}; a profile with a role comes with its tags in the role's
 * details). Instance profiles themselves are one {@code ListInstanceProfiles} listing under the path.
 */
final class IamObserver {
  /** A snapshot serves the kinds of one plan: younger than this, and no IAM change since. */
  private static final long FRESH_MILLIS = 10_000;

  private final IamClient iam;
  private final AtomicLong generation = new AtomicLong();
  private volatile Snapshot last;

  private record Snapshot(long generation, long at, CompletableFuture<List<GetAccountAuthorizationDetailsResponse>> pages) {}

  IamObserver(IamClient iam) {
    this.iam = iam;
  }

  /** An IAM change was made (or is being made): the next observation lists again. */
  void changed() {
    generation.incrementAndGet();
  }

  private List<GetAccountAuthorizationDetailsResponse> details() {
    Snapshot s = last;
    long g = generation.get();
    if (s == null || s.generation() != g || System.currentTimeMillis() - s.at() > FRESH_MILLIS) {
      CompletableFuture<List<GetAccountAuthorizationDetailsResponse>> mine = new CompletableFuture<>();
      Snapshot fresh = new Snapshot(g, System.currentTimeMillis(), mine);
      synchronized (this) {
        s = last;
        if (s == null || s.generation() != g || System.currentTimeMillis() - s.at() > FRESH_MILLIS) {
          last = fresh;
          s = null;
        }
      }
      if (s == null) {
        try {
          mine.complete(IamKinds.call("GetAccountAuthorizationDetails", () -> iam.getAccountAuthorizationDetailsPaginator(
              b -> b.filter(EntityType.USER, EntityType.GROUP, EntityType.ROLE, EntityType.LOCAL_MANAGED_POLICY)
                  .maxItems(1000)).stream().toList()));
        } catch (RuntimeException e) {
          mine.completeExceptionally(e);
          synchronized (this) {
            if (last == fresh) {
              last = null;
            }
          }
          throw e;
        }
        return mine.join();
      }
    }
    try {
      return s.pages().join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  List<LiveResource> observe(ResourceKind kind, Scope scope) {
    String prefix = IamKinds.prefix(scope);
    List<LiveResource> out = new ArrayList<>();
    switch (kind) {
      case IAM_POLICY -> details().forEach(page -> page.policies().stream().filter(p -> p.path().startsWith(prefix))
          .forEach(p -> {
            String name = p.policyName() != null ? p.policyName() : p.arn().substring(p.arn().lastIndexOf('/') + 1);
            String doc = p.policyVersionList().stream().filter(v -> Boolean.TRUE.equals(v.isDefaultVersion()))
                .map(v -> v.document()).findFirst().orElse(null);
            List<Tag> tags = IamKinds.call("GetPolicy", () -> iam.getPolicy(b -> b.policyArn(p.arn()))).policy().tags();
            Map<String, String> t = IamKinds.withTags(IamKinds.owner(scope, p.path(), name), tags);
            out.add(new LiveResource(kind, t.get(Ec2Kinds.UUID), new CloudId(p.arn()),
                Map.of("statements", Policies.statements(IamKinds.decode(doc))), t, ""));
          }));
      case IAM_GROUP -> details().forEach(page -> page.groupDetailList().stream().filter(g -> g.path().startsWith(prefix))
          .forEach(g -> {
            Map<String, String> t = IamKinds.owner(scope, g.path(), g.groupName());
            t.put(LiveResource.UNTAGGED, "true"); // IAM groups take no tags
            out.add(new LiveResource(kind, t.get(Ec2Kinds.UUID), new CloudId(g.groupName()),
                IamKinds.attached(g.attachedManagedPolicies()), t, ""));
          }));
      case IAM_USER -> details().forEach(page -> page.userDetailList().stream().filter(u -> u.path().startsWith(prefix))
          .forEach(u -> {
            Map<String, String> t = IamKinds.withTags(IamKinds.owner(scope, u.path(), u.userName()), u.tags());
            Map<String, Object> a = IamKinds.attached(u.attachedManagedPolicies());
            a.put("groups", u.groupList().stream().map(g -> (Object) new CloudId(g)).toList());
            out.add(new LiveResource(kind, t.get(Ec2Kinds.UUID), new CloudId(u.userName()), a, t, ""));
          }));
      case IAM_ROLE -> details().forEach(page -> page.roleDetailList().stream().filter(r -> r.path().startsWith(prefix))
          .forEach(r -> {
            Map<String, String> t = IamKinds.withTags(IamKinds.owner(scope, r.path(), r.roleName()), r.tags());
            Map<String, Object> a = IamKinds.attached(r.attachedManagedPolicies());
            a.put("trusted_services", Policies.trustedServices(IamKinds.decode(r.assumeRolePolicyDocument())));
            out.add(new LiveResource(kind, t.get(Ec2Kinds.UUID), new CloudId(r.roleName()), a, t, ""));
          }));
      case INSTANCE_PROFILE -> {
        Map<String, List<Tag>> tagsOfProfile = new LinkedHashMap<>();
        details().forEach(page -> page.roleDetailList().forEach(r -> r.instanceProfileList().forEach(p -> {
          if (p.hasTags()) {
            tagsOfProfile.put(p.arn(), p.tags());
          }
        })));
        IamKinds.call("ListInstanceProfiles", () -> iam.listInstanceProfilesPaginator(b -> b.pathPrefix(prefix)))
            .instanceProfiles().forEach(p -> {
              // a profile no role holds is not in the roles' details: its tags are asked for
              List<Tag> tags = tagsOfProfile.containsKey(p.arn()) ? tagsOfProfile.get(p.arn())
                  : IamKinds.call("GetInstanceProfile", () -> iam.getInstanceProfile(b -> b
                      .instanceProfileName(p.instanceProfileName()))).instanceProfile().tags();
              Map<String, String> t = IamKinds.withTags(IamKinds.owner(scope, p.path(), p.instanceProfileName()), tags);
              Map<String, Object> a = new LinkedHashMap<>();
              if (!p.roles().isEmpty()) {
                a.put("role", new CloudId(p.roles().get(0).roleName()));
              }
              out.add(new LiveResource(kind, t.get(Ec2Kinds.UUID), new CloudId(p.arn()), a, t, ""));
            });
      }
      default -> throw new IllegalArgumentException(kind.yaml());
    }
    return out;
  }
}
