package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real SDK clients of the AWS provider against a local HTTP endpoint that answers in AWS's
 * own wire formats (EC2 and IAM query XML, Route53 REST XML): what the provider sends (filters,
 * pagination, tags at creation, client tokens, path prefixes, ownership records) and how it takes
 * AWS's errors (throttling, not found, duplicates, 5xx).
 */
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AwsWireTest extends AwsWireFixture {
  @Test
  void observeFiltersByTheScopesTagsAndFollowsEveryPage(VertxTestContext ctx) {
    answers = s -> switch (s.action()) {
      case "DescribeInternetGateways" -> new Answer(200, ec2("DescribeInternetGateways", "<internetGatewaySet/>"));
      case "DescribeVpcs" -> s.params().containsKey("NextToken")
          ? new Answer(200, ec2("DescribeVpcs", "<vpcSet>" + vpc("vpc-2", "u-2") + "</vpcSet>"))
          : new Answer(200, ec2("DescribeVpcs", "<vpcSet>" + vpc("vpc-1", "u-1") + "</vpcSet><nextToken>page-2</nextToken>"));
      case "DescribeVpcAttribute" -> new Answer(200, ec2("DescribeVpcAttribute", "<vpcId>" + s.params().get("VpcId")
          + "</vpcId><enableDnsHostnames><value>true</value></enableDnsHostnames>"));
      default -> ec2Error(400, "InvalidAction");
    };
    provider.observe(ResourceKind.VPC, SCOPE).onComplete(ctx.succeeding(vpcs -> ctx.verify(() -> {
      assertEquals(List.of("vpc-1", "vpc-2"), vpcs.stream().map(v -> v.id().id()).toList(), "both pages");
      assertEquals(Map.of("cidr", "10.0.0.0/16", "internet_gateway", false, "dns_hostnames", true), vpcs.get(0).attributes());
      Seen first = seen.stream().filter(s -> s.action().equals("DescribeVpcs")).findFirst().orElseThrow();
      Map<String, String> filters = new LinkedHashMap<>();
      for (int i = 1; first.params().containsKey("Filter." + i + ".Name"); i++) {
        filters.put(first.params().get("Filter." + i + ".Name"), first.params().get("Filter." + i + ".Value.1"));
      }
      assertEquals(Map.of("tag:baton:platform", "shop", "tag:baton:customer", "acme", "tag:baton:env", "dev"), filters);
      assertEquals("page-2", seen.stream().filter(s -> s.action().equals("DescribeVpcs")).toList().get(1).params()
          .get("NextToken"));
      ctx.completeNow();
    })));
  }

  @Test
  void runInstancesCarriesTheClientTokenTagsAtCreationAndUserData(VertxTestContext ctx) {
    Map<String, String> t = owned("u-9", "web-1-dev");
    answers = s -> switch (s.action()) {
      case "DescribeImages" -> new Answer(200, ec2("DescribeImages", "<imagesSet><item><imageId>ami-1</imageId>"
          + "<rootDeviceName>/dev/xvda</rootDeviceName></item></imagesSet>"));
      case "RunInstances" -> new Answer(200, ec2("RunInstances", "<reservationId>r-1</reservationId><instancesSet><item>"
          + "<instanceId>i-0abc</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item></instancesSet>"));
      case "DescribeInstances" -> new Answer(200, ec2("DescribeInstances", "<reservationSet><item><reservationId>r-1</reservationId>"
          + "<instancesSet><item><instanceId>i-0abc</instanceId><instanceState><code>16</code><name>running</name></instanceState>"
          + "</item></instancesSet></item></reservationSet>"));
      default -> ec2Error(400, "InvalidAction");
    };
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("ami", "ami-1");
    a.put("instance_type", "t3.micro");
    a.put("subnet", new CloudId("subnet-1"));
    a.put("security_groups", List.of(new CloudId("sg-1")));
    provider.create(ResourceKind.INSTANCE, SCOPE, "u-9", a, t, "u-9-1").onComplete(ctx.succeeding(live -> ctx.verify(() -> {
      assertEquals("i-0abc", live.id().id());
      Seen run = seen.stream().filter(s -> s.action().equals("RunInstances")).findFirst().orElseThrow();
      Map<String, String> p = run.params();
      assertEquals("u-9-1", p.get("ClientToken"), "the idempotency token");
      assertEquals("instance", p.get("TagSpecification.1.ResourceType"));
      assertEquals("volume", p.get("TagSpecification.2.ResourceType"));
      List<String> keys = new ArrayList<>();
      for (int i = 1; p.containsKey("TagSpecification.1.Tag." + i + ".Key"); i++) {
        keys.add(p.get("TagSpecification.1.Tag." + i + ".Key"));
      }
      assertTrue(keys.containsAll(List.of("baton:uuid", "baton:platform", "baton:customer", "baton:env", "Name")),
          keys.toString());
      assertEquals("sg-1", p.get("SecurityGroupId.1"));
      assertEquals("subnet-1", p.get("SubnetId"));
      assertEquals(java.util.Base64.getEncoder().encodeToString("#cloud-config\n".getBytes(StandardCharsets.UTF_8)),
          p.get("UserData"));
      assertEquals("/dev/xvda", p.get("BlockDeviceMapping.1.DeviceName"));
      assertEquals("true", p.get("BlockDeviceMapping.1.Ebs.Encrypted"), "root volumes are encrypted by default");
      ctx.completeNow();
    })));
  }

  @Test
  void throttlingIsRetriedAndNeverReachesTheUser(VertxTestContext ctx) {
    int[] calls = {0};
    answers = s -> s.action().equals("DescribeAddresses") && calls[0]++ < 2 ? ec2Error(503, "RequestLimitExceeded")
        : new Answer(200, ec2("DescribeAddresses", "<addressesSet/>"));
    provider.observe(ResourceKind.ELASTIC_IP, SCOPE).compose(eips -> {
      assertEquals(List.of(), eips, "answered on the third attempt");
      assertEquals(3, seen.size());
      answers = s -> ec2Error(503, "RequestLimitExceeded");
      return failure(provider.observe(ResourceKind.ELASTIC_IP, SCOPE));
    }).onComplete(ctx.succeeding(e -> ctx.verify(() -> {
      assertEquals(ErrorCode.UNAVAILABLE, e.code(), "still throttled: retryable for the engine, not an SDK exception");
      assertTrue(e.retryable());
      ctx.completeNow();
    })));
  }

  @Test
  void notFoundDuplicatesAndServerErrorsBecomeBatonErrors(VertxTestContext ctx) {
    answers = s -> s.action().equals("TerminateInstances") ? ec2Error(400, "InvalidInstanceID.NotFound")
        : ec2Error(400, "InvalidAction");
    LiveResource gone = new LiveResource(ResourceKind.INSTANCE, "u-1", new CloudId("i-gone"), Map.of(), owned("u-1", "x"), "");
    provider.delete(gone).compose(v -> { // already gone: done
      answers = s -> s.action().equals("CreateSecurityGroup") ? ec2Error(400, "InvalidGroup.Duplicate")
          : ec2Error(400, "InvalidAction");
      return failure(provider.create(ResourceKind.SECURITY_GROUP, SCOPE, "u-2", Map.of("vpc", new CloudId("vpc-1")),
          owned("u-2", "web-dev"), "t"));
    }).compose(dup -> {
      assertEquals(ErrorCode.FAILED_PRECONDITION, dup.code());
      assertTrue(dup.getMessage().contains("InvalidGroup.Duplicate"), dup.getMessage());
      answers = s -> s.action().equals("DescribeInstances") ? ec2Error(400, "InvalidInstanceID.NotFound")
          : new Answer(200, ec2(s.action(), s.action().equals("DescribeAddresses") ? "<addressesSet/>" : "<volumeSet/>"));
      return failure(provider.observe(ResourceKind.INSTANCE, SCOPE));
    }).compose(nf -> {
      assertEquals(ErrorCode.NOT_FOUND, nf.code());
      assertTrue(nf.retryable(), "right after a create, not visible yet: retried by the engine");
      seen.clear();
      answers = s -> ec2Error(500, "InternalError");
      return failure(provider.observe(ResourceKind.SUBNET, SCOPE));
    }).onComplete(ctx.succeeding(down -> ctx.verify(() -> {
      assertEquals(ErrorCode.UNAVAILABLE, down.code());
      assertEquals(3, seen.size(), "the SDK retried");
      ctx.completeNow();
    })));
  }

  @Test
  void aRegisteringNodesInstanceIsLookedUpInItsPlatformsRegion(VertxTestContext ctx) {
    answers = s -> s.params().get("InstanceId.1").equals("i-0abc")
        ? new Answer(200, ec2("DescribeInstances", "<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item>"
            + "<instanceId>i-0abc</instanceId><instanceState><code>16</code><name>running</name></instanceState>"
            + tags(owned("u-7", "web-1-dev")) + "</item></instancesSet></item></reservationSet>"))
        : ec2Error(400, "InvalidInstanceID.NotFound");
    var dir = new AwsInstanceDirectory(vertx, new io.vertx.core.json.JsonObject().put("provider", "aws").put("region", "eu-west-1")
        .put("endpoint_url", "http://127.0.0.1:" + server.getAddress().getPort()));
    dir.describe("i-0abc").compose(found -> {
      var facts = found.orElseThrow();
      assertTrue(facts.running());
      assertEquals("u-7", facts.uuid());
      assertEquals("shop", facts.tags().get("baton:platform"));
      return dir.describe("i-0nothere");
    }).onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
      assertEquals(java.util.Optional.empty(), unknown, "unknown: refused by the attestor");
      ctx.completeNow();
    })));
  }

  static String asg(String action, String inner) {
    return "<" + action + "Response xmlns=\"http://autoscaling.amazonaws.com/doc/2011-01-01/\"><" + action + "Result>" + inner
        + "</" + action + "Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></" + action + "Response>";
  }

  @Test
  void aGroupNodesMembershipIsTheAutoScalingApisAnswerNotATag(VertxTestContext ctx) {
    answers = s -> switch (s.params().getOrDefault("Action", "")) {
      case "DescribeAutoScalingInstances" -> s.params().get("InstanceIds.member.1").equals("i-0grp")
          ? new Answer(200, asg("DescribeAutoScalingInstances", "<AutoScalingInstances><member><InstanceId>i-0grp</InstanceId>"
              + "<AutoScalingGroupName>web-dev</AutoScalingGroupName><AvailabilityZone>eu-west-1a</AvailabilityZone>"
              + "<LifecycleState>InService</LifecycleState><HealthStatus>HEALTHY</HealthStatus>"
              + "<ProtectedFromScaleIn>false</ProtectedFromScaleIn></member></AutoScalingInstances>"))
          : new Answer(200, asg("DescribeAutoScalingInstances", "<AutoScalingInstances/>"));
      case "DescribeAutoScalingGroups" -> new Answer(200, asg("DescribeAutoScalingGroups", "<AutoScalingGroups><member>"
          + "<AutoScalingGroupName>" + s.params().get("AutoScalingGroupNames.member.1") + "</AutoScalingGroupName>"
          + "<MinSize>1</MinSize><MaxSize>4</MaxSize><DesiredCapacity>2</DesiredCapacity><Tags><member>"
          + "<ResourceId>web-dev</ResourceId><ResourceType>auto-scaling-group</ResourceType><Key>baton:uuid</Key>"
          + "<Value>g-web</Value><PropagateAtLaunch>false</PropagateAtLaunch></member></Tags></member></AutoScalingGroups>"));
      default -> ec2Error(400, "InvalidAction");
    };
    var dir = new AwsInstanceDirectory(vertx, new io.vertx.core.json.JsonObject().put("provider", "aws").put("region", "eu-west-1")
        .put("endpoint_url", "http://127.0.0.1:" + server.getAddress().getPort()));
    // the instance carries a baton:group tag of another group: the Auto Scaling API decides
    var tagged = new dev.baton.controller.attest.InstanceFacts("i-0grp", "running", Map.of("baton:group", "g-other"));
    var loner = new dev.baton.controller.attest.InstanceFacts("i-0solo", "running", Map.of("baton:group", "g-web"));
    dir.groupOf(tagged).compose(group -> {
      assertEquals(java.util.Optional.of("g-web"), group);
      return dir.groupOf(loner);
    }).onComplete(ctx.succeeding(none -> ctx.verify(() -> {
      assertEquals(java.util.Optional.empty(), none, "a tag copied onto a lone instance proves nothing");
      assertEquals("web-dev", seen.get(seen.size() - 2).params().get("AutoScalingGroupNames.member.1"));
      ctx.completeNow();
    })));
  }

  @Test
  void aHookedInstanceIsSeenWaitingAndLetGoWithTheHooksName(VertxTestContext ctx) {
    answers = s -> switch (s.params().getOrDefault("Action", "")) {
      case "DescribeAutoScalingGroups" -> new Answer(200, asg("DescribeAutoScalingGroups", "<AutoScalingGroups><member>"
          + "<AutoScalingGroupName>web-dev</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>4</MaxSize>"
          + "<DesiredCapacity>1</DesiredCapacity><Instances><member><InstanceId>i-0old</InstanceId>"
          + "<AvailabilityZone>eu-west-1a</AvailabilityZone><LifecycleState>Terminating:Wait</LifecycleState>"
          + "<HealthStatus>Healthy</HealthStatus><LaunchTemplate><LaunchTemplateId>lt-1</LaunchTemplateId><Version>3</Version>"
          + "</LaunchTemplate><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member></Instances></member>"
          + "</AutoScalingGroups>"));
      case "CompleteLifecycleAction" -> new Answer(200, asg("CompleteLifecycleAction", ""));
      default -> ec2Error(400, "InvalidAction");
    };
    LiveResource group = new LiveResource(ResourceKind.AUTOSCALING_GROUP, "g-1", new CloudId("web-dev"), Map.of(), Map.of(), "");
    provider.groupInstances(group).compose(instances -> {
      assertEquals(List.of(new dev.baton.controller.provider.AutoscalingGroups.GroupInstance("i-0old", "Terminating:Wait",
          dev.baton.controller.provider.AutoscalingGroups.Lifecycle.HELD_FOR_CLEANUP, "Healthy", "3", "eu-west-1a")), instances);
      return provider.completeLifecycle(group, "i-0old");
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      Seen done = seen.get(seen.size() - 1);
      assertEquals(Map.of("Action", "CompleteLifecycleAction", "Version", "2011-01-01", "AutoScalingGroupName", "web-dev",
          "LifecycleHookName", "baton-terminate", "InstanceId", "i-0old", "LifecycleActionResult", "CONTINUE"), done.params());
      ctx.completeNow();
    })));
  }

  @Test
  void aNodesRecordIsOwnedByTheNodeAndOnlyItsOwnIsRemoved(VertxTestContext ctx) {
    String[] owner = {"baton:node=i-0abc;platform=shop;customer=acme;env=dev;type=A;record=web-i-0abc.example.com"};
    answers = s -> {
      if (s.path().endsWith("/hostedzonesbyname")) {
        return zoneExampleCom();
      }
      if (s.method().equals("GET") && s.path().endsWith("/rrset")) {
        String name = s.params().get("name");
        String type = s.params().get("type");
        String value = type.equals("TXT") ? "\"" + owner[0] + "\"" : "10.0.0.5";
        return new Answer(200, "<ListResourceRecordSetsResponse xmlns=\"" + R53 + "\"><ResourceRecordSets><ResourceRecordSet>"
            + "<Name>" + name + "</Name><Type>" + type + "</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>"
            + value.replace("\"", "&quot;") + "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></ResourceRecordSets>"
            + "<IsTruncated>false</IsTruncated><MaxItems>1</MaxItems></ListResourceRecordSetsResponse>");
      }
      return s.path().endsWith("/rrset") || s.path().endsWith("/rrset/") ? changeAccepted() : noSuchZone();
    };
    provider.upsertNodeRecord(SCOPE, "example.com", "web-i-0abc.example.com", "10.0.0.5", "i-0abc").compose(v -> {
      String body = seen.stream().filter(s -> s.method().equals("POST")).reduce((a, b) -> b).orElseThrow().body();
      assertTrue(body.contains("<Name>web-i-0abc.example.com.</Name>") && body.contains("<Value>10.0.0.5</Value>")
          && body.contains(owner[0]), body);
      seen.clear();
      return provider.deleteNodeRecord(SCOPE, "example.com", "web-i-0abc.example.com", "i-0abc");
    }).compose(v -> {
      String delete = seen.stream().filter(s -> s.method().equals("POST")).findFirst().orElseThrow().body();
      assertEquals(2, delete.split("<Action>DELETE</Action>", -1).length - 1, "the record and its ownership record: " + delete);
      // a record of that name owned by another node (the name was reused) is left alone
      owner[0] = "baton:node=i-0other;platform=shop;customer=acme;env=dev;type=A;record=web-i-0abc.example.com";
      seen.clear();
      return provider.deleteNodeRecord(SCOPE, "example.com", "web-i-0abc.example.com", "i-0abc");
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertTrue(seen.stream().noneMatch(s -> s.method().equals("POST")), "nothing deleted");
      ctx.completeNow();
    })));
  }

  /** One GetAccountAuthorizationDetails listing serves the IAM kinds: filtered to the platform's path, no call per resource. */
  @Test
  void iamIsListedOnceForEveryKindAndFilteredToThePlatformsPath(VertxTestContext ctx) {
    String path = "/baton/acme/shop/dev/7b1f0000-0000-4000-8000-000000000001/";
    String trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22"
        + "%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    String role = "<member><Path>" + path + "</Path><RoleName>node-dev</RoleName><RoleId>AROA1</RoleId><Arn>"
        + "arn:aws:iam::123456789012:role" + path + "node-dev</Arn><CreateDate>2026-11-22T00:00:00Z</CreateDate>"
        + "<AssumeRolePolicyDocument>" + trust + "</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList/>"
        + "<AttachedManagedPolicies><member><PolicyName>AmazonSSMManagedInstanceCore</PolicyName><PolicyArn>"
        + "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore</PolicyArn></member></AttachedManagedPolicies>"
        + "<Tags><member><Key>owner</Key><Value>ops</Value></member></Tags></member>";
    String others = "<member><Path>/baton/acme/shop/prod/7b1f0000-0000-4000-8000-000000000002/</Path><RoleName>node-prod"
        + "</RoleName><RoleId>AROA2</RoleId><Arn>arn:aws:iam::123456789012:role/x/node-prod</Arn><CreateDate>"
        + "2026-11-22T00:00:00Z</CreateDate><AssumeRolePolicyDocument>" + trust + "</AssumeRolePolicyDocument></member>";
    String user = "<member><Path>" + path.replace("01/", "03/") + "</Path><UserName>alice-dev</UserName><UserId>AIDA1"
        + "</UserId><Arn>arn:aws:iam::123456789012:user/alice-dev</Arn><CreateDate>2026-11-22T00:00:00Z</CreateDate>"
        + "<GroupList><member>operators-dev</member></GroupList><AttachedManagedPolicies/><Tags><member><Key>Name</Key>"
        + "<Value>alice-dev</Value></member></Tags></member>";
    answers = s -> s.action().equals("GetAccountAuthorizationDetails") ? new Answer(200,
        "<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            + "<GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated><RoleDetailList>" + role + others
            + "</RoleDetailList><UserDetailList>" + user + "</UserDetailList><GroupDetailList/><Policies/>"
            + "</GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>")
        : new Answer(400, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>");
    List<List<LiveResource>> rolesThenUsers = new ArrayList<>();
    provider.observe(ResourceKind.IAM_ROLE, SCOPE).compose(roles -> { // one after the other, as before
      rolesThenUsers.add(roles);
      return provider.observe(ResourceKind.IAM_USER, SCOPE);
    }).onComplete(ctx.succeeding(users -> ctx.verify(() -> {
      List<LiveResource> roles = rolesThenUsers.get(0);
      assertEquals(1, roles.size(), "another environment's role is not this platform's");
      LiveResource r = roles.get(0);
      assertEquals("7b1f0000-0000-4000-8000-000000000001", r.uuid(), "the UUID from the path");
      assertEquals(List.of("ec2.amazonaws.com"), r.attributes().get("trusted_services"));
      assertEquals(List.of("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"), r.attributes().get("managed_policies"));
      assertEquals("ops", r.tags().get("owner"));
      assertEquals(List.of(new CloudId("operators-dev")), users.get(0).attributes().get("groups"));
      assertEquals(1, seen.size(), "one listing for both kinds, no call per role or user: " + seen);
      assertEquals("User,Group,Role,LocalManagedPolicy", String.join(",", seen.get(0).params().get("Filter.member.1"),
          seen.get(0).params().get("Filter.member.2"), seen.get(0).params().get("Filter.member.3"),
          seen.get(0).params().get("Filter.member.4")));
      ctx.completeNow();
    })));
  }

  static final String R53 = "https://route53.amazonaws.com/doc/2013-04-01/";

  /** Route53's answers: the hosted zone example.com, a change accepted, no such zone. */
  static Answer zoneExampleCom() {
    return new Answer(200, "<ListHostedZonesByNameResponse xmlns=\"" + R53 + "\"><HostedZones><HostedZone><Id>/hostedzone/Z1"
        + "</Id><Name>example.com.</Name><CallerReference>c</CallerReference><ResourceRecordSetCount>2"
        + "</ResourceRecordSetCount></HostedZone></HostedZones><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems>"
        + "</ListHostedZonesByNameResponse>");
  }

  static Answer changeAccepted() {
    return new Answer(200, "<ChangeResourceRecordSetsResponse xmlns=\"" + R53 + "\"><ChangeInfo><Id>/change/C1</Id>"
        + "<Status>PENDING</Status><SubmittedAt>2026-11-22T00:00:00Z</SubmittedAt></ChangeInfo>"
        + "</ChangeResourceRecordSetsResponse>");
  }

  static Answer noSuchZone() {
    return new Answer(404, "<ErrorResponse xmlns=\"" + R53 + "\"><Error><Code>NoSuchHostedZone</Code></Error></ErrorResponse>");
  }

  @Test
  void aDnsRecordIsWrittenWithItsOwnershipRecordInOneChange(VertxTestContext ctx) {
    answers = s -> {
      if (s.path().endsWith("/hostedzonesbyname")) {
        return zoneExampleCom();
      }
      return s.path().endsWith("/rrset") || s.path().endsWith("/rrset/") ? changeAccepted() : noSuchZone();
    };
    Map<String, Object> a = Map.of("zone", "example.com", "record", "www", "type", "A", "ttl", 60, "values", List.of("192.0.2.10"));
    provider.create(ResourceKind.DNS_RECORD, SCOPE, "u-5", a, owned("u-5", "site-dev"), "t")
        .onComplete(ctx.succeeding(live -> ctx.verify(() -> {
          assertEquals("Z1/www.example.com/A", live.id().id());
          Seen change = seen.stream().filter(s -> s.method().equals("POST")).findFirst().orElseThrow();
          assertEquals("/2013-04-01/hostedzone/Z1/rrset/", change.path());
          String body = change.body();
          assertTrue(body.contains("<Action>UPSERT</Action>") && body.contains("<Name>www.example.com.</Name>")
              && body.contains("<Value>192.0.2.10</Value>"), body);
          assertTrue(body.contains("<Name>_baton-a.www.example.com.</Name>") && body.contains("baton:uuid=u-5;platform=shop;"
              + "customer=acme;env=dev;type=A;record=www"), "the ownership record, in the same batch: " + body);
          ctx.completeNow();
        })));
  }
}
