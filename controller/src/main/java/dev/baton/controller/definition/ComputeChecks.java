package dev.baton.controller.definition;

import dev.baton.controller.definition.model.AttachmentSpec;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.ConfigManagementKind;
import dev.baton.controller.definition.model.HandoffSpec;
import dev.baton.controller.definition.model.ImageFamily;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.definition.model.InstanceSpec;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.SubnetSpec;
import dev.baton.controller.definition.model.VolumeSpec;
import dev.baton.controller.definition.model.VolumeType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The rules of the compute kinds, across resources: volumes and their attachments, instances
 * (zones, addresses, images, machines, hand-off), autoscaling groups (counts, subnets, certname
 * patterns). Part of {@link Validator}'s run.
 */
final class ComputeChecks {
  private final Validator vd;

  ComputeChecks(Validator vd) {
    this.vd = vd;
  }

  void checkVolumes() {
    for (Resource r : vd.platform.ofKind(ResourceKind.VOLUME)) {
      VolumeSpec v = r.spec(VolumeSpec.class);
      vd.checkAz(r, "az", v.az());
      VolumeType t = v.type();
      if ((t == VolumeType.IO1 || t == VolumeType.IO2) && !r.positions().has("iops")) {
        vd.error(r.pos("type"), Words.a(t.yaml()) + " volume needs \"iops\" (provisioned IOPS, such as 3000)");
      }
      if (v.iops() != null && t != null && t != VolumeType.IO1 && t != VolumeType.IO2 && t != VolumeType.GP3) {
        vd.error(r.pos("iops"), "\"iops\" applies only to gp3, io1 and io2 volumes, not " + t.yaml());
      }
      if (v.throughput() != null && t != null && t != VolumeType.GP3) {
        vd.error(r.pos("throughput"), "\"throughput\" applies only to gp3 volumes, not " + t.yaml());
      }
    }
  }

  // ---------------------------------------------------------------- instances

  void checkInstances() {
    Map<String, Resource> eipUsers = new HashMap<>();
    Map<String, Resource> volumeUsers = new HashMap<>();
    Map<Long, Resource> privateIps = new HashMap<>();
    for (Resource r : vd.platform.ofKind(ResourceKind.INSTANCE)) {
      InstanceSpec i = r.spec(InstanceSpec.class);
      Resource subnet = vd.target(r, ResourceKind.SUBNET, i.subnet());
      SubnetSpec s = subnet == null ? null : subnet.spec(SubnetSpec.class);
      vd.checkAz(r, "az", i.az());
      String az = i.az() != null ? i.az() : s == null ? null : s.az();
      if (i.az() != null && s != null && s.az() != null && !i.az().equals(s.az())) {
        vd.error(r.pos("az"), "instance zone " + i.az() + " differs from its subnet \"" + subnet.name() + "\" (" + s.az()
            + "); remove \"az\" or use " + s.az());
      }
      if (i.privateIp() != null && s != null && s.cidr() != null) {
        long ip = Net.parseIpv4(i.privateIp());
        Net.Cidr c = Net.parseCidr(s.cidr());
        if (!c.contains(ip)) {
          vd.error(r.pos("private_ip"), "address " + i.privateIp() + " is outside subnet \"" + subnet.name() + "\" (" + s.cidr() + ")");
        } else if (ip - c.address() < 4 || ip == c.last()) {
          vd.error(r.pos("private_ip"), "address " + i.privateIp() + " is reserved by AWS (the first four and the last"
              + " address of a subnet); choose another");
        } else {
          Resource other = privateIps.putIfAbsent(ip, r);
          if (other != null) {
            vd.error(r.pos("private_ip"), "address " + i.privateIp() + " is also given to instance \"" + other.name() + "\"");
          }
        }
      }
      vd.checkGroupsInVpc(r, "security_groups", i.securityGroups(), s == null ? null : s.vpc(),
          "its subnet \"" + i.subnet() + "\"");
      if (i.elasticIp() != null) {
        Resource other = eipUsers.putIfAbsent(i.elasticIp(), r);
        if (other != null) {
          vd.error(r.pos("elastic_ip"), "elastic IP \"" + i.elasticIp() + "\" is already used by instance \"" + other.name()
              + "\"; an address belongs to one instance");
        }
      }
      Set<String> devices = new HashSet<>();
      for (int k = 0; k < i.volumes().size(); k++) {
        AttachmentSpec a = i.volumes().get(k);
        String p = "volumes[" + k + "]";
        if (a.device() != null && !devices.add(a.device())) {
          vd.error(r.pos(p + ".device"), "device " + a.device() + " is used twice on this instance");
        }
        if (a.volume() == null) {
          continue;
        }
        Resource other = volumeUsers.putIfAbsent(a.volume(), r);
        if (other != null) {
          vd.error(r.pos(p + ".volume"), "volume \"" + a.volume() + "\" is already attached to instance \"" + other.name()
              + "\"; a volume is attached to one instance");
        }
        Resource vol = vd.target(r, ResourceKind.VOLUME, a.volume());
        if (vol != null && az != null) {
          String vaz = vol.spec(VolumeSpec.class).az();
          if (vaz != null && !vaz.equals(az)) {
            vd.error(r.pos(p + ".volume"), "volume \"" + a.volume() + "\" is in " + vaz + " but the instance is in " + az
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
    if (vd.spec.provider() != ProviderKind.LOCAL) {
      vd.error(r.pos(prefix + "image"), "\"image\" boots a machine on the local provider; on " + vd.spec.provider().yaml()
          + " the image is \"ami\"");
    } else if (r.positions().has(prefix + "image_family") && family != image.family()) {
      vd.error(r.pos(prefix + "image_family"), "image " + image.yaml() + " is of the " + image.family().yaml()
          + " family, not " + family.yaml() + "; leave image_family out");
    }
  }

  private void checkImage(Resource r, String path, String ami) {
    if (vd.spec.provider() == ProviderKind.AWS && ami == null && !r.positions().has(path)) {
      vd.error(r.pos(path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : ""),
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
        vd.error(r.pos("handoff"), "config_management puppet needs \"puppet: {role: ...}\" (the node's role class)");
      }
      if (domain == null && vd.spec.domain() == null) {
        vd.error(r.pos("handoff"), "puppet needs a domain for the node's certname: set \"domain\" on the "
            + r.kind().yaml() + " or in platform.yaml");
      }
    }
    if (cm == ConfigManagementKind.SHELL
        && (h.shell() == null || h.shell().bootstrap() == null && h.shell().final_() == null)) {
      vd.error(r.pos("handoff"), "config_management shell needs \"shell:\" with a \"bootstrap\" or \"final\" command");
    }
    if (cm != ConfigManagementKind.PUPPET && h.puppet() != null) {
      vd.error(r.pos("handoff.puppet"), "\"puppet\" settings are given but config_management is " + cm.yaml());
    }
    if (cm != ConfigManagementKind.SHELL && h.shell() != null) {
      vd.error(r.pos("handoff.shell"), "\"shell\" settings are given but config_management is " + cm.yaml());
    }
  }

  // ---------------------------------------------------------------- DNS

  void checkAutoscalingGroups() {
    Map<String, Resource> roles = new HashMap<>();
    for (Resource r : vd.platform.ofKind(ResourceKind.AUTOSCALING_GROUP)) {
      AutoscalingGroupSpec g = r.spec(AutoscalingGroupSpec.class);
      if (g.min() != null && g.max() != null) {
        if (g.min() > g.max()) {
          vd.error(r.pos("min"), "min (" + g.min() + ") is larger than max (" + g.max() + ")");
        } else if (g.desired() != null && (g.desired() < g.min() || g.desired() > g.max())) {
          vd.error(r.pos("desired"), "desired (" + g.desired() + ") must be between min (" + g.min() + ") and max ("
              + g.max() + ")");
        }
      }
      if (g.cluster() != null && g.role() != null) {
        Resource other = roles.putIfAbsent(g.cluster() + "/" + g.role(), r);
        if (other != null) {
          vd.error(r.pos("role"), "cluster \"" + g.cluster() + "\" already has a group of role \"" + g.role() + "\" (\""
              + other.name() + "\"); one group per role and cluster");
        }
      }
      if (g.subnets().isEmpty() && r.positions().has("subnets")) {
        vd.error(r.pos("subnets"), "an autoscaling group needs at least one subnet");
      }
      String vpc = null;
      for (int i = 0; i < g.subnets().size(); i++) {
        String v = vd.vpcOfSubnet(g.subnets().get(i));
        if (v != null && vpc != null && !v.equals(vpc)) {
          vd.error(r.pos("subnets[" + i + "]"), "subnet \"" + g.subnets().get(i) + "\" is in VPC \"" + v + "\", but the"
              + " group's first subnet is in VPC \"" + vpc + "\"; a group lives in one VPC");
        }
        vpc = vpc == null ? v : vpc;
      }
      if (g.launch() != null) {
        vd.checkGroupsInVpc(r, "launch.security_groups", g.launch().securityGroups(), vpc, "the group's subnets");
        checkImage(r, "launch.ami", g.launch().ami());
        checkMachine(r, "launch.", g.launch().image(), g.launch().imageFamily());
      }
      if (g.certnamePattern() != null) {
        Matcher m = Validator.PLACEHOLDER.matcher(g.certnamePattern());
        while (m.find()) {
          if (!Validator.CERTNAME_PLACEHOLDERS.contains(m.group(1))) {
            vd.error(r.pos("certname_pattern"), "unknown placeholder {" + m.group(1) + "} in certname_pattern; the"
                + " placeholders are {role}, {cluster}, {instance_id}, {domain}, {platform} and {env}"
                + Suggest.didYouMean(m.group(1), Validator.CERTNAME_PLACEHOLDERS));
          }
        }
        if (!g.certnamePattern().contains("{instance_id}")) {
          vd.error(r.pos("certname_pattern"), "certname_pattern must contain {instance_id}, or every node of the group"
              + " would get the same certificate name");
        }
      }
      checkHandoff(r, g.handoff(), g.domain());
      if (g.dnsZone() != null) {
        String domain = g.domain() != null ? g.domain() : vd.platform.spec().domain();
        String zone = g.dnsZone().replaceAll("\\.$", "");
        if (domain == null || !(domain.equals(zone) || domain.endsWith("." + zone))) {
          vd.error(r.pos("dns_zone"), "the nodes' domain (" + (domain == null ? "none: set domain" : domain) + ") is not in"
              + " dns_zone " + zone + ", so their records could not be written there");
        } else if (g.certnamePattern() != null && !g.certnamePattern().endsWith("{domain}")) {
          vd.error(r.pos("certname_pattern"), "with dns_zone, certname_pattern must end with {domain} (the record is the"
              + " node's certname, which must be in the zone)");
        }
      }
    }
  }

  // ---------------------------------------------------------------- IAM
}
