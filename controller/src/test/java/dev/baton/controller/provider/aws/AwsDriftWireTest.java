package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Drift repair on the wire: whatever was deleted or detached behind Baton's back, one provision takes
 * the platform back. Rules are revoked by their IDs; what an instance has attached is asked of EC2 at
 * the update, not taken from the plan.
 */
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AwsDriftWireTest extends AwsWireFixture {
  /** EC2's rules of sg-web: one naming a group that no longer exists (sgr-gone), one from a CIDR (sgr-ssh). */
  static String rules() {
    return ec2("DescribeSecurityGroupRules", "<securityGroupRuleSet><item><securityGroupRuleId>sgr-gone"
        + "</securityGroupRuleId><groupId>sg-web</groupId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol>"
        + "<fromPort>22</fromPort><toPort>22</toPort><referencedGroupInfo><groupId>sg-gone</groupId></referencedGroupInfo>"
        + "</item><item><securityGroupRuleId>sgr-ssh</securityGroupRuleId><groupId>sg-web</groupId><isEgress>false"
        + "</isEgress><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><cidrIpv4>10.0.0.0/16"
        + "</cidrIpv4></item></securityGroupRuleSet>");
  }

  /** Revoking a rule by its permission names the vanished group (InvalidGroup.NotFound); by its rule ID it goes. */
  static Answer revoke(Seen s) {
    return s.params().containsKey("SecurityGroupRuleId.1") ? new Answer(200, ec2("RevokeSecurityGroupIngress",
        "<return>true</return>")) : ec2Error(400, "InvalidGroup.NotFound");
  }

  @Test
  void aGroupWhoseRuleNamesAGroupAlreadyGoneIsStillDeleted(VertxTestContext ctx) {
    answers = s -> switch (s.action()) {
      case "DescribeSecurityGroupRules" -> new Answer(200, rules());
      case "RevokeSecurityGroupIngress" -> revoke(s);
      case "DeleteSecurityGroup" -> new Answer(200, ec2("DeleteSecurityGroup", "<return>true</return>"));
      default -> ec2Error(400, "InvalidAction");
    };
    provider.delete(new LiveResource(ResourceKind.SECURITY_GROUP, "u-3", new CloudId("sg-web"), Map.of(),
        owned("u-3", "web-dev"), "")).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          Seen revoked = seen.stream().filter(s -> s.action().equals("RevokeSecurityGroupIngress")).findFirst().orElseThrow();
          assertEquals("sgr-gone", revoked.params().get("SecurityGroupRuleId.1"), "the rule naming a group, by its ID");
          assertTrue(!revoked.params().containsKey("SecurityGroupRuleId.2"), "a CIDR rule goes with the group");
          assertTrue(seen.stream().anyMatch(s -> s.action().equals("DeleteSecurityGroup")
              && "sg-web".equals(s.params().get("GroupId"))));
          ctx.completeNow();
        })));
  }

  /**
   * Drift repair: the group a rule named was deleted behind Baton's back and made again (sg-new); the
   * rule naming the old one is revoked by its ID, the one naming the new group added, the CIDR rule kept.
   */
  @Test
  void aRuleNamingAVanishedGroupIsReplacedByOneNamingItsSuccessor(VertxTestContext ctx) {
    answers = s -> switch (s.action()) {
      case "DescribeSecurityGroups" -> new Answer(200, ec2("DescribeSecurityGroups", "<securityGroupInfo><item>"
          + "<groupId>sg-web</groupId><groupName>web</groupName><vpcId>vpc-1</vpcId><ipPermissions><item>"
          + "<ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><groups><item><groupId>sg-gone</groupId>"
          + "</item></groups><ipRanges><item><cidrIp>10.0.0.0/16</cidrIp></item></ipRanges></item></ipPermissions>"
          + "</item></securityGroupInfo>"));
      case "DescribeSecurityGroupRules" -> new Answer(200, rules());
      case "RevokeSecurityGroupIngress" -> revoke(s);
      case "AuthorizeSecurityGroupIngress" -> new Answer(200, ec2("AuthorizeSecurityGroupIngress", "<return>true</return>"));
      default -> ec2Error(400, "InvalidAction");
    };
    LiveResource live = new LiveResource(ResourceKind.SECURITY_GROUP, "u-3", new CloudId("sg-web"), Map.of(),
        owned("u-3", "web-dev"), "");
    Map<String, Object> want = Map.of("ingress", List.of(Map.of("protocol", "tcp", "ports", "22", "groups",
        List.of(new CloudId("sg-new"))), Map.of("protocol", "tcp", "ports", "22", "cidrs", List.of("10.0.0.0/16"))));
    provider.update(live, want, owned("u-3", "web-dev"), List.of("ingress")).onComplete(ctx.succeeding(updated -> ctx.verify(() -> {
      Seen revoked = seen.stream().filter(s -> s.action().equals("RevokeSecurityGroupIngress")).findFirst().orElseThrow();
      assertEquals("sgr-gone", revoked.params().get("SecurityGroupRuleId.1"));
      assertTrue(!revoked.params().containsKey("SecurityGroupRuleId.2"), "the rule that stays is not revoked");
      Seen added = seen.stream().filter(s -> s.action().equals("AuthorizeSecurityGroupIngress")).findFirst().orElseThrow();
      assertEquals("sg-new", added.params().get("IpPermissions.1.Groups.1.GroupId"));
      ctx.completeNow();
    })));
  }

  /**
   * A volume replaced in the same run was detached and deleted before the instance's update: the update
   * asks EC2 what is attached now, detaches nothing that is gone, and attaches the new volume.
   */
  @Test
  void anInstanceWhoseVolumeWasReplacedAttachesTheNewOneWithoutDetachingTheOld(VertxTestContext ctx) {
    answers = s -> switch (s.action()) {
      case "DescribeInstances" -> new Answer(200, ec2("DescribeInstances", "<reservationSet><item><reservationId>r-1"
          + "</reservationId><instancesSet><item><instanceId>i-web</instanceId><instanceState><code>16</code><name>running"
          + "</name></instanceState><rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping><item><deviceName>/dev/xvda"
          + "</deviceName><ebs><volumeId>vol-root</volumeId></ebs></item></blockDeviceMapping></item></instancesSet></item>"
          + "</reservationSet>"));
      case "AttachVolume" -> new Answer(200, ec2("AttachVolume", "<volumeId>vol-new</volumeId><instanceId>i-web</instanceId>"
          + "<device>/dev/sdf</device><status>attaching</status>"));
      case "DetachVolume" -> ec2Error(400, "InvalidVolume.NotFound");
      default -> ec2Error(400, "InvalidAction");
    };
    LiveResource live = new LiveResource(ResourceKind.INSTANCE, "u-web", new CloudId("i-web"), Map.of("volumes",
        List.of(Map.of("volume", new CloudId("vol-old"), "device", "/dev/sdf"))), owned("u-web", "web-1-dev"), "running");
    provider.update(live, Map.of("volumes", List.of(Map.of("volume", new CloudId("vol-new"), "device", "/dev/sdf"))),
        owned("u-web", "web-1-dev"), List.of("volumes")).onComplete(ctx.succeeding(updated -> ctx.verify(() -> {
          assertTrue(seen.stream().noneMatch(s -> s.action().equals("DetachVolume")), "the old volume is gone already");
          Seen attach = seen.stream().filter(s -> s.action().equals("AttachVolume")).findFirst().orElseThrow();
          assertEquals("vol-new", attach.params().get("VolumeId"));
          assertEquals("/dev/sdf", attach.params().get("Device"));
          ctx.completeNow();
        })));
  }
}
