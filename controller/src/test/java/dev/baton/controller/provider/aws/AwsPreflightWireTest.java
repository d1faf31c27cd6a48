package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.Diagnostic;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a platform names that Baton does not own is checked in one call per kind, and the account before it. */
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AwsPreflightWireTest extends AwsWireFixture {
  static final String STS = "https://sts.amazonaws.com/doc/2011-06-15/";

  static Platform platform(Path dir, String account) throws Exception {
    Files.writeString(dir.resolve("platform.yaml"), "name: shop\ncustomer: acme\nprovider: aws\nregion: eu-west-1\n"
        + (account == null ? "" : "account: \"" + account + "\"\n") + "domain: shop.internal\n"
        + "controller: {endpoints: [10.0.0.5:7443]}\n");
    Files.writeString(dir.resolve("nodes.yaml"), """
        kind: vpc
        name: main
        uuid: 00000000-0000-4000-8000-000000000001
        cidr: 10.0.0.0/16
        ---
        kind: subnet
        name: a
        uuid: 00000000-0000-4000-8000-000000000002
        vpc: main
        cidr: 10.0.1.0/24
        az: eu-west-1a
        ---
        kind: instance
        name: web-1
        uuid: 00000000-0000-4000-8000-000000000003
        subnet: a
        instance_type: t3.micro
        ami: ami-0aaaaaaaaaaaaaaaa
        keypair: ops
        handoff: {config_management: none}
        ---
        kind: instance
        name: web-2
        uuid: 00000000-0000-4000-8000-000000000004
        subnet: a
        instance_type: t3.micro
        ami: ami-0bbbbbbbbbbbbbbbb
        keypair: gone
        handoff: {config_management: none}
        ---
        kind: dns_record
        name: www
        uuid: 00000000-0000-4000-8000-000000000005
        zone: shop.example.com
        record: www
        values: [10.0.0.9]
        """);
    return DefinitionLoader.load(dir, dir.toString(), null);
  }

  static Answer identity(String account) {
    return new Answer(200, "<GetCallerIdentityResponse xmlns=\"" + STS + "\"><GetCallerIdentityResult><Arn>arn:aws:iam::"
        + account + ":user/baton</Arn><UserId>AIDA1</UserId><Account>" + account + "</Account></GetCallerIdentityResult>"
        + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
  }

  @Test
  void everyImageKeyPairAndZoneIsCheckedInOneCallPerKind(@TempDir Path dir, VertxTestContext ctx) throws Exception {
    answers = s -> switch (s.action()) {
      case "GetCallerIdentity" -> identity("123456789012");
      case "DescribeImages" -> new Answer(200, ec2("DescribeImages", "<imagesSet><item><imageId>ami-0aaaaaaaaaaaaaaaa"
          + "</imageId></item></imagesSet>"));
      case "DescribeKeyPairs" -> new Answer(200, ec2("DescribeKeyPairs", "<keySet><item><keyName>ops</keyName></item>"
          + "</keySet>"));
      default -> s.path().endsWith("/hostedzone") ? new Answer(200, "<ListHostedZonesResponse xmlns=\"https://route53."
          + "amazonaws.com/doc/2013-04-01/\"><HostedZones><HostedZone><Id>/hostedzone/Z1</Id><Name>other.example.com."
          + "</Name><CallerReference>c</CallerReference></HostedZone></HostedZones><IsTruncated>false</IsTruncated>"
          + "<MaxItems>100</MaxItems></ListHostedZonesResponse>") : ec2Error(400, "InvalidAction");
    };
    Platform p = platform(dir, "123456789012");
    provider.check(p).onComplete(ctx.succeeding((List<Diagnostic> problems) -> ctx.verify(() -> {
      List<String> text = problems.stream().sorted().map(d -> d.pos().line() + ": " + d.message()).toList();
      assertEquals(List.of(
          "27: image ami-0bbbbbbbbbbbbbbbb does not exist in eu-west-1 (an AMI is regional: use this region's ID of the image)",
          "28: key pair gone does not exist in eu-west-1 (import it, or remove keypair)",
          "34: hosted zone shop.example.com does not exist in this account (create it, or name one that does)"), text);
      assertEquals("GetCallerIdentity", seen.get(0).action(), "the account first");
      Seen images = seen.stream().filter(s -> s.action().equals("DescribeImages")).findFirst().orElseThrow();
      assertEquals("image-id", images.params().get("Filter.1.Name"));
      assertEquals(java.util.Set.of("ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"), java.util.Set.of(
          images.params().get("Filter.1.Value.1"), images.params().get("Filter.1.Value.2")), "both images, one call");
      assertEquals(1, seen.stream().filter(s -> s.action().equals("DescribeImages")).count());
      assertEquals(1, seen.stream().filter(s -> s.action().equals("DescribeKeyPairs")).count());
      ctx.completeNow();
    })));
  }

  @Test
  void anotherAccountIsRefusedBeforeAnyOtherCall(@TempDir Path dir, VertxTestContext ctx) throws Exception {
    answers = s -> s.action().equals("GetCallerIdentity") ? identity("222222222222") : ec2Error(400, "InvalidAction");
    provider.check(platform(dir, "123456789012")).onComplete(ctx.succeeding((List<Diagnostic> problems) -> ctx.verify(() -> {
      assertEquals(1, problems.size());
      assertEquals(5, problems.get(0).pos().line(), "at the platform's account");
      assertTrue(problems.get(0).message().startsWith("the credentials act in AWS account 222222222222, not 123456789012"),
          problems.get(0).message());
      assertEquals(List.of("GetCallerIdentity"), seen.stream().map(Seen::action).toList(), "nothing else was asked");
      ctx.completeNow();
    })));
  }
}
