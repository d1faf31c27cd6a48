package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups.GroupInstance;
import dev.baton.controller.provider.AutoscalingGroups.Lifecycle;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateBlockDeviceMappingRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateTagSpecificationRequest;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;

/**
 * Autoscaling groups: a launch template (the group's {@code launch}: image, type, key pair,
 * profile, security groups, monitoring, an encrypted root volume, the user data) and the group
 * over the subnets. A change of {@code launch} makes a new template version and points the group
 * at it without terminating anything. The instances a group launches carry the platform's tags
 * and {@code baton:group} (not {@code baton:uuid}: they are the group's, not resources of their
 * own). The cloud ID is the group's name; the group carries {@code baton:cluster} and
 * {@code baton:role}.
 */
final class AsgKinds {
  static final String GROUP = "baton:group";
  /** The group's termination hook: what the controller completes once it has cleaned up after a node. */
  static final String HOOK = "baton-terminate";
  /** The tag that records the hook's heartbeat, so that observing needs no call per group. */
  static final String HOOK_TAG = "baton:lifecycle-hook";

  private final AutoScalingClient asg;
  private final Ec2Client ec2;
  private final InstanceUserData userData;

  AsgKinds(AutoScalingClient asg, Ec2Client ec2, InstanceUserData userData) {
    this.asg = asg;
    this.ec2 = ec2;
    this.userData = userData;
  }

  static <T> T call(String what, Supplier<T> c) {
    return AwsErrors.call(what, c);
  }

  List<LiveResource> observe(Scope scope) {
    List<Filter> filters = new ArrayList<>();
    scope.tags().forEach((k, v) -> filters.add(Filter.builder().name("tag:" + k).values(v).build()));
    List<LiveResource> out = new ArrayList<>();
    for (AutoScalingGroup g : call("DescribeAutoScalingGroups", () -> asg.describeAutoScalingGroupsPaginator(b -> b
        .filters(filters))).autoScalingGroups()) {
      Map<String, String> t = new LinkedHashMap<>();
      g.tags().forEach(x -> t.put(x.key(), x.value()));
      if (!t.containsKey(Ec2Kinds.UUID)) {
        continue;
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("cluster", t.get("baton:cluster"));
      a.put("role", t.get("baton:role"));
      a.put("subnets", java.util.Arrays.stream(g.vpcZoneIdentifier() == null ? new String[0] : g.vpcZoneIdentifier().split(","))
          .filter(s -> !s.isBlank()).map(s -> (Object) new CloudId(s.trim())).toList());
      a.put("min", g.minSize());
      a.put("max", g.maxSize());
      a.put("desired", g.desiredCapacity());
      a.put("health_check", Map.of("type", g.healthCheckType() == null ? "ec2" : g.healthCheckType().toLowerCase(java.util.Locale.ROOT),
          "grace_seconds", g.healthCheckGracePeriod() == null ? 0 : g.healthCheckGracePeriod()));
      if (g.launchTemplate() != null) {
        String id = g.launchTemplate().launchTemplateId();
        String version = g.launchTemplate().version();
        var versions = Ec2Kinds.call("DescribeLaunchTemplateVersions", () -> ec2.describeLaunchTemplateVersions(b -> b
            .launchTemplateId(id).versions(version))).launchTemplateVersions();
        if (!versions.isEmpty()) {
          a.put("launch", launch(versions.get(0).launchTemplateData(), t.getOrDefault("baton:image-family", "debian")));
        }
      }
      if (t.get(HOOK_TAG) != null) {
        a.put("lifecycle_hook", Map.of("heartbeat_seconds", Integer.parseInt(t.get(HOOK_TAG))));
      }
      // attributes kept as tags on the group are attributes, not tags
      t.keySet().removeAll(List.of("baton:cluster", "baton:role", "baton:image-family", HOOK_TAG));
      out.add(new LiveResource(ResourceKind.AUTOSCALING_GROUP, t.get(Ec2Kinds.UUID), new CloudId(g.autoScalingGroupName()), a,
          t, g.status() == null ? "" : g.status()));
    }
    return out;
  }

  private static Map<String, Object> launch(ResponseLaunchTemplateData d, String family) {
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("instance_type", d.instanceTypeAsString());
    l.put("ami", d.imageId());
    l.put("image_family", family);
    if (d.keyName() != null) {
      l.put("keypair", d.keyName());
    }
    if (d.iamInstanceProfile() != null && d.iamInstanceProfile().arn() != null) {
      l.put("instance_profile", new CloudId(d.iamInstanceProfile().arn()));
    }
    l.put("security_groups", d.securityGroupIds().stream().map(s -> (Object) new CloudId(s)).toList());
    l.put("monitoring", d.monitoring() != null && Boolean.TRUE.equals(d.monitoring().enabled()));
    if (!d.blockDeviceMappings().isEmpty() && d.blockDeviceMappings().get(0).ebs() != null) {
      var ebs = d.blockDeviceMappings().get(0).ebs();
      Map<String, Object> root = Map.of("size_gb", ebs.volumeSize(), "type", ebs.volumeTypeAsString(),
          "encrypted", Boolean.TRUE.equals(ebs.encrypted()));
      // what Baton makes when launch.root_volume is not written is not reported, so that leaving it out is no change
      if (!root.equals(Map.of("size_gb", 16, "type", "gp3", "encrypted", true))) {
        l.put("root_volume", root);
      }
    }
    return l;
  }

  @SuppressWarnings("unchecked")
  private RequestLaunchTemplateData templateData(Scope scope, String uuid, Map<String, Object> launch,
      Map<String, String> tags) {
    String ami = (String) launch.get("ami");
    if (ami == null) {
      throw new BatonException(ErrorCode.INVALID_ARGUMENT, "aws: autoscaling group " + tags.get("Name")
          + " needs \"launch.ami\" (an image ID of the region)");
    }
    var image = Ec2Kinds.call("DescribeImages", () -> ec2.describeImages(b -> b.imageIds(ami))).images();
    if (image.isEmpty()) {
      throw new BatonException(ErrorCode.INVALID_ARGUMENT, "aws: image " + ami + " of group " + tags.get("Name")
          + " does not exist in this region");
    }
    String rootDevice = image.get(0).rootDeviceName() == null ? "/dev/xvda" : image.get(0).rootDeviceName();
    Map<String, Object> root = launch.get("root_volume") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Map<String, String> nodeTags = new LinkedHashMap<>(tags);
    nodeTags.remove(Ec2Kinds.UUID);
    nodeTags.put(GROUP, uuid);
    byte[] data;
    try {
      data = userData == null ? null : userData.groupUserData(scope, uuid);
    } catch (java.io.IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "aws: the user data of group " + tags.get("Name") + ": " + e.getMessage(), e);
    }
    RequestLaunchTemplateData.Builder b = RequestLaunchTemplateData.builder().imageId(ami)
        .instanceType((String) launch.get("instance_type"))
        .monitoring(m -> m.enabled(Ec2Kinds.bool(launch.get("monitoring"), false)))
        .blockDeviceMappings(LaunchTemplateBlockDeviceMappingRequest.builder().deviceName(rootDevice).ebs(e -> e
            .volumeSize(Ec2Kinds.integer(root.getOrDefault("size_gb", 16))).volumeType((String) root.getOrDefault("type", "gp3"))
            .encrypted(Ec2Kinds.bool(root.get("encrypted"), true)).deleteOnTermination(true)).build())
        .tagSpecifications(LaunchTemplateTagSpecificationRequest.builder().resourceType(ResourceType.INSTANCE)
            .tags(Ec2Kinds.toTags(nodeTags)).build(), LaunchTemplateTagSpecificationRequest.builder()
            .resourceType(ResourceType.VOLUME).tags(Ec2Kinds.toTags(Ec2Kinds.part(nodeTags, "root"))).build());
    if (launch.get("keypair") != null) {
      b.keyName((String) launch.get("keypair"));
    }
    if (launch.get("security_groups") instanceof List<?> sgs) {
      b.securityGroupIds(sgs.stream().map(Ec2Kinds::id).toList());
    }
    if (launch.get("instance_profile") != null) {
      b.iamInstanceProfile(p -> p.arn(Ec2Kinds.id(launch.get("instance_profile"))));
    }
    if (data != null) {
      b.userData(Base64.getEncoder().encodeToString(data));
    }
    return b.build();
  }

  private static List<Tag> groupTags(String name, Map<String, String> tags, Map<String, Object> a) {
    Map<String, String> t = new LinkedHashMap<>(tags);
    t.put("baton:cluster", String.valueOf(a.get("cluster")));
    t.put("baton:role", String.valueOf(a.get("role")));
    if (a.get("launch") instanceof Map<?, ?> l && l.get("image_family") != null) {
      t.put("baton:image-family", l.get("image_family").toString());
    }
    if (a.get("lifecycle_hook") instanceof Map<?, ?> h) {
      t.put(HOOK_TAG, String.valueOf(h.get("heartbeat_seconds") == null ? 300 : h.get("heartbeat_seconds")));
    }
    return t.entrySet().stream().map(e -> Tag.builder().resourceId(name).resourceType("auto-scaling-group").key(e.getKey())
        .value(e.getValue()).propagateAtLaunch(false).build()).toList();
  }

  private static String subnets(Object list) {
    return list instanceof List<?> l ? String.join(",", l.stream().map(Ec2Kinds::id).toList()) : "";
  }

  @SuppressWarnings("unchecked")
  LiveResource create(Scope scope, String uuid, Map<String, Object> a, Map<String, String> tags) {
    String name = tags.getOrDefault("Name", uuid);
    Map<String, Object> launch = (Map<String, Object>) a.get("launch");
    String template = Ec2Kinds.call("CreateLaunchTemplate", () -> ec2.createLaunchTemplate(b -> b.launchTemplateName(name)
        .launchTemplateData(templateData(scope, uuid, launch, tags))
        .tagSpecifications(Ec2Kinds.spec(ResourceType.LAUNCH_TEMPLATE, tags)))).launchTemplate().launchTemplateId();
    Map<String, Object> hc = a.get("health_check") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    call("CreateAutoScalingGroup", () -> asg.createAutoScalingGroup(b -> b.autoScalingGroupName(name)
        .launchTemplate(lt -> lt.launchTemplateId(template).version("1"))
        .vpcZoneIdentifier(subnets(a.get("subnets"))).minSize(Ec2Kinds.integer(a.get("min")))
        .maxSize(Ec2Kinds.integer(a.get("max")))
        .desiredCapacity(Ec2Kinds.integer(a.get("desired") != null ? a.get("desired") : a.get("min")))
        .healthCheckType(String.valueOf(hc.getOrDefault("type", "ec2")).toUpperCase(java.util.Locale.ROOT))
        .healthCheckGracePeriod(Ec2Kinds.integer(hc.getOrDefault("grace_seconds", 300)))
        .tags(groupTags(name, tags, a))));
    if (a.get("lifecycle_hook") != null) {
      hook(name, a.get("lifecycle_hook"));
    }
    return new LiveResource(ResourceKind.AUTOSCALING_GROUP, uuid, new CloudId(name), a, tags, "");
  }

  @SuppressWarnings("unchecked")
  LiveResource update(Scope scope, LiveResource live, Map<String, Object> a, Map<String, String> tags, List<String> changed) {
    String name = live.id().id();
    Map<String, Object> merged = new LinkedHashMap<>(live.attributes());
    String version = null;
    String template = null;
    if (changed.contains("launch")) {
      AutoScalingGroup g = call("DescribeAutoScalingGroups", () -> asg.describeAutoScalingGroups(b -> b
          .autoScalingGroupNames(name))).autoScalingGroups().get(0);
      template = g.launchTemplate().launchTemplateId();
      String t = template;
      version = String.valueOf(Ec2Kinds.call("CreateLaunchTemplateVersion", () -> ec2.createLaunchTemplateVersion(b -> b
          .launchTemplateId(t).launchTemplateData(templateData(scope, live.uuid(), (Map<String, Object>) a.get("launch"), tags))))
          .launchTemplateVersion().versionNumber());
    }
    Map<String, Object> hc = a.get("health_check") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    String v = version;
    String tid = template;
    call("UpdateAutoScalingGroup", () -> asg.updateAutoScalingGroup(b -> {
      b.autoScalingGroupName(name);
      if (v != null) {
        b.launchTemplate(lt -> lt.launchTemplateId(tid).version(v)); // new instances only: none is terminated
      }
      if (changed.contains("subnets")) {
        b.vpcZoneIdentifier(subnets(a.get("subnets")));
      }
      if (changed.contains("min")) {
        b.minSize(Ec2Kinds.integer(a.get("min")));
      }
      if (changed.contains("max")) {
        b.maxSize(Ec2Kinds.integer(a.get("max")));
      }
      if (changed.contains("desired")) {
        b.desiredCapacity(Ec2Kinds.integer(a.get("desired")));
      }
      if (changed.contains("health_check")) {
        b.healthCheckType(String.valueOf(hc.getOrDefault("type", "ec2")).toUpperCase(java.util.Locale.ROOT))
            .healthCheckGracePeriod(Ec2Kinds.integer(hc.getOrDefault("grace_seconds", 300)));
      }
    }));
    if (changed.contains("lifecycle_hook")) {
      hook(name, a.get("lifecycle_hook"));
      if (a.get("lifecycle_hook") == null) {
        call("DeleteTags", () -> asg.deleteTags(b -> b.tags(Tag.builder().resourceId(name).resourceType("auto-scaling-group")
            .key(HOOK_TAG).build())));
      }
    }
    call("CreateOrUpdateTags", () -> asg.createOrUpdateTags(b -> b.tags(groupTags(name, tags, a))));
    changed.forEach(k -> merged.put(k, a.get(k)));
    return new LiveResource(ResourceKind.AUTOSCALING_GROUP, live.uuid(), live.id(), merged, tags, live.state());
  }

  /** Puts (or, with null, deletes) the group's termination hook. */
  private void hook(String name, Object spec) {
    if (spec instanceof Map<?, ?> h) {
      int heartbeat = h.get("heartbeat_seconds") instanceof Number n ? n.intValue() : 300;
      call("PutLifecycleHook", () -> asg.putLifecycleHook(b -> b.autoScalingGroupName(name).lifecycleHookName(HOOK)
          .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING").heartbeatTimeout(heartbeat).defaultResult("CONTINUE")));
    } else {
      try {
        call("DeleteLifecycleHook", () -> asg.deleteLifecycleHook(b -> b.autoScalingGroupName(name).lifecycleHookName(HOOK)));
      } catch (BatonException e) {
        if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.INVALID_ARGUMENT) {
          throw e;
        }
      }
    }
  }

  void completeLifecycle(String name, String instanceId) {
    call("CompleteLifecycleAction", () -> asg.completeLifecycleAction(b -> b.autoScalingGroupName(name)
        .lifecycleHookName(HOOK).instanceId(instanceId).lifecycleActionResult("CONTINUE")));
  }

  private AutoScalingGroup describe(String name) {
    var all = call("DescribeAutoScalingGroups", () -> asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)))
        .autoScalingGroups();
    if (all.isEmpty()) {
      throw new BatonException(ErrorCode.NOT_FOUND, "aws: autoscaling group " + name + " does not exist");
    }
    return all.get(0);
  }

  /** The group's instances with their lifecycle state, health and launch-template version. */
  List<GroupInstance> instances(String name) {
    return describe(name).instances().stream().map(i -> new GroupInstance(
        i.instanceId(), i.lifecycleStateAsString(), lifecycle(i.lifecycleStateAsString()), i.healthStatus(),
        i.launchTemplate() == null ? null : i.launchTemplate().version(), i.availabilityZone())).toList();
  }

  /** EC2 Auto Scaling's lifecycle states in Baton's terms (they stay in this provider). */
  static Lifecycle lifecycle(String state) {
    String s = state == null ? "" : state;
    if (s.equalsIgnoreCase("Terminating:Wait")) {
      return Lifecycle.HELD_FOR_CLEANUP;
    }
    if (s.equalsIgnoreCase("InService")) {
      return Lifecycle.IN_SERVICE;
    }
    if (s.startsWith("Pending")) {
      return Lifecycle.STARTING;
    }
    if (s.startsWith("Terminating") || s.startsWith("Terminated") || s.startsWith("Detach") || s.startsWith("Warmed")) {
      return Lifecycle.LEAVING;
    }
    return Lifecycle.OTHER;
  }

  /** The version the group launches from: a number ($Latest and $Default are looked up). */
  String templateVersion(String name) {
    AutoScalingGroup g = describe(name);
    if (g.launchTemplate() == null) {
      return null;
    }
    String v = g.launchTemplate().version();
    if (v != null && v.startsWith("$")) {
      var lt = Ec2Kinds.call("DescribeLaunchTemplates", () -> ec2.describeLaunchTemplates(b -> b.launchTemplateIds(
          g.launchTemplate().launchTemplateId()))).launchTemplates().get(0);
      return String.valueOf("$Latest".equals(v) ? lt.latestVersionNumber() : lt.defaultVersionNumber());
    }
    return v;
  }

  void setCapacity(String name, Integer min, int desired) {
    call("UpdateAutoScalingGroup", () -> asg.updateAutoScalingGroup(b -> {
      b.autoScalingGroupName(name).desiredCapacity(desired);
      if (min != null) {
        b.minSize(min);
      }
    }));
  }

  void terminate(String instanceId, boolean decrement) {
    call("TerminateInstanceInAutoScalingGroup", () -> asg.terminateInstanceInAutoScalingGroup(b -> b.instanceId(instanceId)
        .shouldDecrementDesiredCapacity(decrement)));
  }

  void delete(LiveResource live) {
    String name = live.id().id();
    var groups = call("DescribeAutoScalingGroups", () -> asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)))
        .autoScalingGroups();
    if (groups.isEmpty()) {
      return;
    }
    String template = groups.get(0).launchTemplate() == null ? null : groups.get(0).launchTemplate().launchTemplateId();
    call("DeleteAutoScalingGroup", () -> asg.deleteAutoScalingGroup(b -> b.autoScalingGroupName(name).forceDelete(true)));
    // its instances are terminated with it; wait until the group is gone so subnets and groups can go
    long end = System.currentTimeMillis() + 600_000;
    while (System.currentTimeMillis() < end && !call("DescribeAutoScalingGroups", () -> asg.describeAutoScalingGroups(b -> b
        .autoScalingGroupNames(name))).autoScalingGroups().isEmpty()) {
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (template != null) {
      Ec2Kinds.call("DeleteLaunchTemplate", () -> ec2.deleteLaunchTemplate(b -> b.launchTemplateId(template)));
    }
  }
}
