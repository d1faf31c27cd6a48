package dev.baton.controller.provider.aws;

import static dev.baton.controller.provider.aws.Ec2Kinds.PART;
import static dev.baton.controller.provider.aws.Ec2Kinds.UUID;
import static dev.baton.controller.provider.aws.Ec2Kinds.bool;
import static dev.baton.controller.provider.aws.Ec2Kinds.call;
import static dev.baton.controller.provider.aws.Ec2Kinds.id;
import static dev.baton.controller.provider.aws.Ec2Kinds.integer;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Volume;

/**
 * Instances and EBS volumes. An instance is launched with its tags and its root volume's
 * ({@code baton:part} {@code root}) at once, waited for until it runs, then given its Elastic IP and
 * its volumes; what attaches to it is converged by difference with what EC2 says is attached now.
 */
final class Ec2Instances {
  private final Ec2Client ec2;
  private final InstanceUserData userData;

  Ec2Instances(Ec2Client ec2, InstanceUserData userData) {
    this.ec2 = ec2;
    this.userData = userData;
  }

  // ---- observe -------------------------------------------------------------------------------

  List<LiveResource> volumes(Scope scope) {
    List<LiveResource> out = new ArrayList<>();
    for (Volume v : call("DescribeVolumes", () -> ec2.describeVolumesPaginator(b -> b.filters(scopeFilters(scope)))).volumes()) {
      Map<String, String> t = tags(v.tags());
      if (!t.containsKey(UUID) || isPart(t)) {
        continue;
      }
      out.add(new LiveResource(ResourceKind.VOLUME, t.get(UUID), new CloudId(v.volumeId()), volumeAttributes(v), t,
          v.stateAsString()));
    }
    return out;
  }

  private static boolean isPart(Map<String, String> tags) {
    return tags.containsKey(PART);
  }

  private static Map<String, Object> volumeAttributes(Volume v) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("az", v.availabilityZone());
    a.put("size_gb", v.size());
    a.put("type", v.volumeTypeAsString());
    if (v.iops() != null && !"gp2".equals(v.volumeTypeAsString())) {
      a.put("iops", v.iops());
    }
    if (v.throughput() != null) {
      a.put("throughput", v.throughput());
    }
    a.put("encrypted", Boolean.TRUE.equals(v.encrypted()));
    if (v.kmsKeyId() != null) {
      a.put("kms_key", v.kmsKeyId());
    }
    return a;
  }

  List<LiveResource> instances(Scope scope) {
    List<Filter> f = new ArrayList<>(scopeFilters(scope));
    f.add(Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped").build());
    Map<String, String> eipOfInstance = new HashMap<>();
    call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.filters(scopeFilters(scope)))).addresses()
        .forEach(ad -> {
          if (ad.instanceId() != null) {
            eipOfInstance.put(ad.instanceId(), ad.allocationId());
          }
        });
    Map<String, Volume> roots = new HashMap<>();
    List<Filter> rf = new ArrayList<>(scopeFilters(scope));
    rf.add(Filter.builder().name("tag:" + PART).values("root").build());
    call("DescribeVolumes", () -> ec2.describeVolumesPaginator(b -> b.filters(rf))).volumes().forEach(v ->
        v.attachments().forEach(at -> roots.put(at.instanceId(), v)));
    List<LiveResource> out = new ArrayList<>();
    for (var r : call("DescribeInstances", () -> ec2.describeInstancesPaginator(b -> b.filters(f))).reservations()) {
      for (Instance i : r.instances()) {
        Map<String, String> t = tags(i.tags());
        if (!t.containsKey(UUID)) {
          continue;
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("subnet", i.subnetId() == null ? null : new CloudId(i.subnetId()));
        a.put("instance_type", i.instanceTypeAsString());
        a.put("ami", i.imageId());
        if (i.keyName() != null) {
          a.put("keypair", i.keyName());
        }
        a.put("az", i.placement() == null ? null : i.placement().availabilityZone());
        a.put("private_ip", i.privateIpAddress());
        a.put("security_groups", i.securityGroups().stream().map(g -> (Object) new CloudId(g.groupId())).toList());
        a.put("monitoring", i.monitoring() != null && !"disabled".equals(i.monitoring().stateAsString()));
        a.put("ebs_optimized", Boolean.TRUE.equals(i.ebsOptimized()));
        a.put("source_dest_check", i.sourceDestCheck() == null || i.sourceDestCheck());
        if (eipOfInstance.containsKey(i.instanceId())) {
          a.put("elastic_ip", new CloudId(eipOfInstance.get(i.instanceId())));
        }
        if (i.iamInstanceProfile() != null) {
          a.put("instance_profile", new CloudId(i.iamInstanceProfile().arn()));
        }
        Volume root = roots.get(i.instanceId());
        if (root != null) {
          a.put("root_volume", Map.of("size_gb", root.size(), "type", root.volumeTypeAsString(),
              "encrypted", Boolean.TRUE.equals(root.encrypted())));
        }
        List<Object> attached = new ArrayList<>();
        for (var m : i.blockDeviceMappings()) {
          if (!Objects.equals(m.deviceName(), i.rootDeviceName()) && m.ebs() != null) {
            attached.add(Map.of("volume", new CloudId(m.ebs().volumeId()), "device", m.deviceName()));
          }
        }
        a.put("volumes", attached);
        out.add(new LiveResource(ResourceKind.INSTANCE, t.get(UUID), new CloudId(i.instanceId()), a, t,
            i.state() == null ? "" : i.state().nameAsString()));
      }
    }
    return out;
  }

  // ---- create --------------------------------------------------------------------------------

  LiveResource createVolume(Map<String, Object> a, Map<String, String> tags) {
    var r = call("CreateVolume", () -> ec2.createVolume(b -> {
      b.availabilityZone((String) a.get("az")).size(integer(a.get("size_gb"))).volumeType((String) a.getOrDefault("type", "gp3"))
          .encrypted(bool(a.get("encrypted"), true)).tagSpecifications(spec(ResourceType.VOLUME, tags));
      if (a.get("iops") != null) {
        b.iops(integer(a.get("iops")));
      }
      if (a.get("throughput") != null) {
        b.throughput(integer(a.get("throughput")));
      }
      if (a.get("kms_key") != null) {
        b.kmsKeyId((String) a.get("kms_key"));
      }
    }));
    call("DescribeVolumes", () -> ec2.waiter().waitUntilVolumeAvailable(b -> b.volumeIds(r.volumeId())));
    return new LiveResource(ResourceKind.VOLUME, tags.get(UUID), new CloudId(r.volumeId()), a, tags, "available");
  }

  @SuppressWarnings("unchecked")
  LiveResource createInstance(Scope scope, String uuid, Map<String, Object> a, Map<String, String> tags,
      String token) {
    String ami = (String) a.get("ami");
    if (ami == null) {
      throw new BatonException(ErrorCode.INVALID_ARGUMENT, "aws: instance " + tags.get("Name")
          + " needs \"ami\" (an image ID of the region)");
    }
    var image = call("DescribeImages", () -> ec2.describeImages(b -> b.imageIds(ami))).images();
    if (image.isEmpty()) {
      throw new BatonException(ErrorCode.INVALID_ARGUMENT, "aws: image " + ami + " of instance " + tags.get("Name")
          + " does not exist in this region");
    }
    String rootDevice = image.get(0).rootDeviceName() == null ? "/dev/xvda" : image.get(0).rootDeviceName();
    byte[] data;
    try {
      data = userData == null ? null : userData.userData(scope, uuid);
    } catch (java.io.IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "aws: the user data of " + tags.get("Name") + ": " + e.getMessage(), e);
    }
    Map<String, Object> root = a.get("root_volume") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    var res = call("RunInstances", () -> ec2.runInstances(b -> {
      b.imageId(ami).instanceType((String) a.get("instance_type")).minCount(1).maxCount(1).clientToken(token)
          .subnetId(id(a.get("subnet"))).monitoring(m -> m.enabled(bool(a.get("monitoring"), false)))
          .ebsOptimized(bool(a.get("ebs_optimized"), false))
          .tagSpecifications(spec(ResourceType.INSTANCE, tags), spec(ResourceType.VOLUME, part(tags, "root")))
          .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(rootDevice).ebs(e -> e
              .volumeSize(integer(root.getOrDefault("size_gb", 16))).volumeType((String) root.getOrDefault("type", "gp3"))
              .encrypted(bool(root.get("encrypted"), true)).deleteOnTermination(true)).build());
      if (a.get("keypair") != null) {
        b.keyName((String) a.get("keypair"));
      }
      if (a.get("az") != null) {
        b.placement(p -> p.availabilityZone((String) a.get("az")));
      }
      if (a.get("private_ip") != null) {
        b.privateIpAddress((String) a.get("private_ip"));
      }
      if (a.get("security_groups") instanceof List<?> sgs) {
        b.securityGroupIds(sgs.stream().map(Ec2Kinds::id).toList());
      }
      if (a.get("instance_profile") != null) {
        b.iamInstanceProfile(p -> p.arn(id(a.get("instance_profile"))));
      }
      if (data != null) {
        b.userData(Base64.getEncoder().encodeToString(data));
      }
    }));
    String id = res.instances().get(0).instanceId();
    call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceRunning(b -> b.instanceIds(id)));
    if (!bool(a.get("source_dest_check"), true)) {
      call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> b.instanceId(id)
          .sourceDestCheck(AttributeBooleanValue.builder().value(false).build())));
    }
    if (a.get("elastic_ip") != null) {
      call("AssociateAddress", () -> ec2.associateAddress(b -> b.allocationId(id(a.get("elastic_ip"))).instanceId(id)));
    }
    attachVolumes(id, List.of(), a.get("volumes"));
    return new LiveResource(ResourceKind.INSTANCE, uuid, new CloudId(id), a, tags, "running");
  }

  /**
   * Detaches what is attached and not wanted, attaches what is wanted. What is attached is asked of
   * EC2 now, not taken from the plan: a volume replaced in the same run was detached and deleted
   * before this update, and detaching it again would meet {@code InvalidVolume.NotFound}.
   */
  private void attachVolumes(String instance, Object liveList, Object wantList) {
    Map<String, String> have = liveList instanceof List<?> l && l.isEmpty() ? Map.of() : attached(instance);
    Map<String, String> want = devices(wantList);
    have.forEach((volume, device) -> {
      if (!device.equals(want.get(volume))) {
        call("DetachVolume", () -> ec2.detachVolume(b -> b.volumeId(volume).instanceId(instance)));
        call("DescribeVolumes", () -> ec2.waiter().waitUntilVolumeAvailable(b -> b.volumeIds(volume)));
      }
    });
    want.forEach((volume, device) -> {
      if (!device.equals(have.get(volume))) {
        call("AttachVolume", () -> ec2.attachVolume(b -> b.volumeId(volume).instanceId(instance).device(device)));
      }
    });
  }

  /** The volumes attached to the instance now, by volume ID, with their devices (its root volume left out). */
  private Map<String, String> attached(String instance) {
    Map<String, String> m = new LinkedHashMap<>();
    for (var r : call("DescribeInstances", () -> ec2.describeInstances(b -> b.instanceIds(instance))).reservations()) {
      for (var i : r.instances()) {
        for (var bd : i.blockDeviceMappings()) {
          if (bd.ebs() != null && !bd.deviceName().equals(i.rootDeviceName())) {
            m.put(bd.ebs().volumeId(), bd.deviceName());
          }
        }
      }
    }
    return m;
  }

  private static Map<String, String> devices(Object list) {
    Map<String, String> m = new LinkedHashMap<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> v) {
          m.put(id(v.get("volume")), String.valueOf(v.get("device")));
        }
      }
    }
    return m;
  }

  // ---- update --------------------------------------------------------------------------------

  /** Changes one attribute of a volume in place (ModifyVolume). */
  void updateVolume(String id, String k, Object value) {
    call("ModifyVolume", () -> ec2.modifyVolume(b -> {
      b.volumeId(id);
      if (k.equals("size_gb")) {
        b.size(integer(value));
      } else if (k.equals("type")) {
        b.volumeType((String) value);
      } else if (k.equals("iops")) {
        b.iops(integer(value));
      } else if (k.equals("throughput")) {
        b.throughput(integer(value));
      }
    }));
  }

  void updateInstance(String id, String k, Object before, Object after) {
    switch (k) {
      case "security_groups" -> call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> b.instanceId(id)
          .groups(((List<?>) after).stream().map(Ec2Kinds::id).toList())));
      case "monitoring" -> {
        if (bool(after, false)) {
          call("MonitorInstances", () -> ec2.monitorInstances(b -> b.instanceIds(id)));
        } else {
          call("UnmonitorInstances", () -> ec2.unmonitorInstances(b -> b.instanceIds(id)));
        }
      }
      case "source_dest_check" -> call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> b.instanceId(id)
          .sourceDestCheck(AttributeBooleanValue.builder().value(bool(after, true)).build())));
      case "elastic_ip" -> {
        if (before != null) {
          var addr = call("DescribeAddresses", () -> ec2.describeAddresses(b -> b.allocationIds(id(before)))).addresses();
          addr.stream().filter(x -> x.associationId() != null).forEach(x -> call("DisassociateAddress",
              () -> ec2.disassociateAddress(b -> b.associationId(x.associationId()))));
        }
        if (after != null) {
          call("AssociateAddress", () -> ec2.associateAddress(b -> b.allocationId(id(after)).instanceId(id)));
        }
      }
      case "volumes" -> attachVolumes(id, before, after);
      case "instance_type", "ebs_optimized" -> {
        // needs the instance stopped: stop, change, start
        call("StopInstances", () -> ec2.stopInstances(b -> b.instanceIds(id)));
        call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceStopped(b -> b.instanceIds(id)));
        call("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(b -> {
          b.instanceId(id);
          if (k.equals("instance_type")) {
            b.instanceType(v -> v.value((String) after));
          } else {
            b.ebsOptimized(AttributeBooleanValue.builder().value(bool(after, false)).build());
          }
        }));
        call("StartInstances", () -> ec2.startInstances(b -> b.instanceIds(id)));
        call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceRunning(b -> b.instanceIds(id)));
      }
      case "instance_profile" -> {
        var assoc = call("DescribeIamInstanceProfileAssociations", () -> ec2.describeIamInstanceProfileAssociations(b -> b
            .filters(Filter.builder().name("instance-id").values(id).build()))).iamInstanceProfileAssociations();
        for (var as : assoc) {
          call("DisassociateIamInstanceProfile", () -> ec2.disassociateIamInstanceProfile(b -> b
              .associationId(as.associationId())));
        }
        if (after != null) {
          call("AssociateIamInstanceProfile", () -> ec2.associateIamInstanceProfile(b -> b.instanceId(id)
              .iamInstanceProfile(p -> p.arn(id(after)))));
        }
      }
      default -> throw new BatonException(ErrorCode.FAILED_PRECONDITION, "aws: " + k + " of an instance cannot be changed in place");
    }
  }

  // ---- delete --------------------------------------------------------------------------------

  /** Removes a volume, detached first from the instance it is attached to. */
  void deleteVolume(String id) {
    Volume v = call("DescribeVolumes", () -> ec2.describeVolumes(b -> b.volumeIds(id))).volumes().get(0);
    for (var at : v.attachments()) {
      call("DetachVolume", () -> ec2.detachVolume(b -> b.volumeId(id).instanceId(at.instanceId())));
    }
    if (!v.attachments().isEmpty()) {
      call("DescribeVolumes", () -> ec2.waiter().waitUntilVolumeAvailable(b -> b.volumeIds(id)));
    }
    call("DeleteVolume", () -> ec2.deleteVolume(b -> b.volumeId(id)));
  }

  /** Terminates an instance and waits until it is gone (its root volume goes with it). */
  void terminate(String id) {
    call("TerminateInstances", () -> ec2.terminateInstances(b -> b.instanceIds(id)));
    call("DescribeInstances", () -> ec2.waiter().waitUntilInstanceTerminated(b -> b.instanceIds(id)));
  }
}
