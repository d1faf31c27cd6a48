package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.controller.cli.CliRun;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The whole {@code examples/aws/acme} platform (environment dev) against whatever
 * {@code AWS_ENDPOINT_URL} points at — a real account or an AWS-compatible emulator: plan,
 * provision, provision again with no mutating call, audit, a security group deleted behind
 * Baton's back found by audit and repaired by provision, destroy. Runs with
 * {@code mvn verify -Paws-it}; credentials from the SDK's default chain; the example's role and
 * AMI are replaced by the caller's credentials and an image of the endpoint
 * ({@code BATON_IT_AMI}, else the first Amazon image it lists). Skipped when no endpoint is set.
 */
class PlatformAwsIT {
  static final String REGION = "eu-west-1";
  @TempDir
  static Path dir;
  static Path acme;
  static Path globex;
  static Ec2Client ec2;
  static dev.baton.controller.bridge.ControllerFixture controller;

  @BeforeAll
  static void setUp() throws Exception {
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    assumeTrue(endpoint != null && !endpoint.isBlank(), "AWS_ENDPOINT_URL is not set: the aws-it suite needs an endpoint"
        + " (an AWS account's, or an AWS-compatible emulator's) and credentials in the SDK's default chain");
    System.setProperty("baton.home", dir.resolve("home").toString());
    // the controller that issues the nodes' join tokens (provision would start one in the background)
    // advertising the examples' endpoints, as `serve --advertise` would (their nodes never boot here)
    controller = new dev.baton.controller.bridge.ControllerFixture(dir.resolve("home"),
        dev.baton.controller.bridge.BridgeServer.Limits.defaults(), 0,
        List.of("controller-1.baton.example.net:7443", "controller-2.baton.example.net:7443"));
    ec2 = Ec2Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint)).build();
    String ami = System.getenv("BATON_IT_AMI");
    if (ami == null) {
      ami = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
    }
    acme = copy("acme", "ami-0f1e2d3c4b5a69788", ami);
    try (Ec2Client east = Ec2Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint)).build()) {
      String eastAmi = System.getenv("BATON_IT_AMI_US_EAST_1") != null ? System.getenv("BATON_IT_AMI_US_EAST_1")
          : east.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
      globex = copy("globex", "ami-0a1b2c3d4e5f60718", eastAmi);
    }
    for (String zone : List.of("acme-cms.example.com.", "globex-apps.example.org.")) {
      try (Route53Client r53 = Route53Client.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(endpoint)).build()) {
        if (r53.listHostedZonesByName(b -> b.dnsName(zone)).hostedZones().stream().noneMatch(z -> z.name().equals(zone))) {
          r53.createHostedZone(b -> b.name(zone).callerReference("baton-it-" + System.nanoTime()));
        }
      }
    }
    if (ec2.describeKeyPairs().keyPairs().stream().noneMatch(k -> k.keyName().equals("acme-ops"))) {
      ec2.createKeyPair(b -> b.keyName("acme-ops"));
    }
  }

  /** A copy of an example, on the caller's own credentials and with an image of the endpoint. */
  static Path copy(String example, String exampleAmi, String ami) throws Exception {
    Path to = dir.resolve(example);
    Path src = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/aws/" + example);
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : files.toList()) {
        Path t = to.resolve(src.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
    String platform = Files.readString(to.resolve("platform.yaml"))
        .replaceAll("(?m)^credentials:\\n(  .*\\n)+", "") // the caller's own credentials
        .replaceAll("(?m)^account: .*\\n", "")
        .replace(exampleAmi, ami);
    Files.writeString(to.resolve("platform.yaml"), platform);
    return to;
  }

  @AfterAll
  static void tearDown() {
    for (Path p : new Path[] {acme, globex}) {
      if (p != null) {
        CliRun.of("destroy", "--yes", "--force", "--env", "dev", p.toString());
      }
    }
    if (controller != null) {
      controller.close();
    }
    System.clearProperty("baton.home");
  }

  static CliRun run(String... args) {
    CliRun r = CliRun.of(args);
    System.out.println("$ controller " + String.join(" ", args) + " -> " + r.exitCode() + "\n" + r.out() + r.err());
    return r;
  }

  @Test
  void theWholePlatformFromPlanToDestroy() throws Exception {
    assertEquals(2, run("plan", "--env", "dev", acme.toString()).exitCode(), "plan: changes to make");
    CliRun first = run("provision", "--yes", "--wait", "0", "--env", "dev", acme.toString());
    assertEquals(0, first.exitCode(), first.out() + first.err());

    CliRun again = run("provision", "--yes", "--wait", "0", "--env", "dev", "--output", "json", acme.toString());
    assertEquals(0, again.exitCode());
    JsonObject json = new JsonObject(again.out());
    assertEquals(0, json.getJsonObject("summary").getInteger("create") + json.getJsonObject("summary").getInteger("update")
        + json.getJsonObject("summary").getInteger("replace") + json.getJsonObject("summary").getInteger("delete"), again.out());
    List<String> mutating = json.getJsonObject("calls").getJsonObject("by_operation").fieldNames().stream()
        .filter(op -> !op.startsWith("Sts:")).filter(op -> Throttle.mutating(op.substring(op.indexOf(':') + 1))).toList();
    assertEquals(List.of(), mutating, "the second provision makes no mutating call");

    assertEquals(0, run("audit", "--env", "dev", acme.toString()).exitCode(), "in sync");
    String web1 = ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:Name").values("web-1-dev").build(),
        Filter.builder().name("instance-state-name").values("running").build()))
        .reservations().get(0).instances().get(0).instanceId();
    String userData = userData(web1);
    assertTrue(userData.contains("controller-1.baton.example.net:7443") && userData.contains("join_token"),
        "the instance boots with the agent's configuration: the platform's controllers and a join token");

    // behind Baton's back: a group that others' rules name is deleted (their rules now name a group that is
    // gone), the volume of web-1 detached, the Elastic IP of web-1 disassociated, a policy detached from a role
    deleteBehindBatonsBack("bastion-dev");
    String vol = ec2.describeVolumes(b -> b.filters(Filter.builder().name("tag:Name").values("web-1-media-dev").build()))
        .volumes().get(0).volumeId();
    ec2.detachVolume(b -> b.volumeId(vol).instanceId(web1).device("/dev/sdf"));
    ec2.describeAddresses(b -> b.filters(Filter.builder().name("tag:Name").values("web-1-dev").build())).addresses()
        .forEach(a -> ec2.disassociateAddress(b -> b.associationId(a.associationId())));
    String role;
    try (var iam = software.amazon.awssdk.services.iam.IamClient.builder().region(Region.AWS_GLOBAL)
        .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL"))).build()) {
      role = iam.listRoles(b -> b.pathPrefix("/baton/acme/")).roles().stream().filter(r -> r.roleName().startsWith("node"))
          .findFirst().orElseThrow().roleName();
      iam.detachRolePolicy(b -> b.roleName(role).policyArn("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"));
    }
    CliRun drift = run("audit", "--env", "dev", acme.toString());
    assertEquals(2, drift.exitCode());
    assertTrue(drift.out().contains("missing    security_group/bastion"), drift.out());

    long t0 = System.currentTimeMillis();
    CliRun repair = run("provision", "--yes", "--wait", "0", "--env", "dev", acme.toString());
    assertEquals(0, repair.exitCode(), "repaired: " + repair.out() + repair.err());
    assertTrue(System.currentTimeMillis() - t0 < 120_000, "in one provision, with nothing retried for minutes");
    CliRun audit = run("audit", "--env", "dev", acme.toString());
    assertEquals(0, audit.exitCode(), "in sync again after one provision: " + audit.out());
    String bastion = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("tag:Name").values("bastion-dev")
        .build())).securityGroups().get(0).groupId();
    SecurityGroup web = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("tag:Name").values("web-dev")
        .build())).securityGroups().get(0);
    List<String> named = web.ipPermissions().stream().flatMap(p -> p.userIdGroupPairs().stream()).map(x -> x.groupId())
        .toList();
    assertTrue(named.contains(bastion), "web's rule names the new bastion group: " + named);
    assertTrue(ec2.describeSecurityGroups().securityGroups().stream().map(SecurityGroup::groupId).toList()
        .containsAll(named), "and no rule names a group that is gone: " + named);

    // a volume an instance lists is replaced (encryption changed): detached and deleted, the new one attached
    Path webYaml = acme.resolve("compute/web.yaml");
    Files.writeString(webYaml, Files.readString(webYaml).replaceFirst("throughput: 250\n", "throughput: 250\nencrypted: false\n"));
    t0 = System.currentTimeMillis();
    CliRun replaced = run("provision", "--yes", "--wait", "0", "--env", "dev", acme.toString());
    assertEquals(0, replaced.exitCode(), replaced.out() + replaced.err());
    assertTrue(System.currentTimeMillis() - t0 < 60_000, "nothing retried for minutes");
    assertEquals(0, run("audit", "--env", "dev", acme.toString()).exitCode(), "in sync after the replacement");

    CliRun destroy = run("destroy", "--yes", "--force", "--env", "dev", acme.toString());
    assertEquals(0, destroy.exitCode(), destroy.out() + destroy.err());
    CliRun after = run("plan", "--env", "dev", "--output", "json", acme.toString());
    assertEquals(0, new JsonObject(after.out()).getJsonObject("summary").getInteger("unchanged"), "nothing left");
  }

  /** What does not exist is an error at once, at its place; another account is refused before any other call. */
  @Test
  void whatDoesNotExistAndAnotherAccountAreRefusedAtOnce() throws Exception {
    Path bad = dir.resolve("acme-bad");
    Files.createDirectories(bad);
    try (Stream<Path> files = Files.walk(acme)) {
      for (Path f : files.toList()) {
        Path t = bad.resolve(acme.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path bastion = bad.resolve("compute/bastion.yaml");
    Files.writeString(bastion, Files.readString(bastion).replace("ami: ${debian_ami}", "ami: ami-0000000000000dead"));
    long t0 = System.currentTimeMillis();
    CliRun plan = run("provision", "--yes", "--wait", "0", "--env", "dev", bad.toString());
    assertEquals(1, plan.exitCode());
    assertTrue(plan.err().contains(bastion + ":10:6: error: image ami-0000000000000dead does not exist in " + REGION),
        plan.err());
    assertTrue(System.currentTimeMillis() - t0 < 30_000, "at once, not after 15 minutes of retries");
    assertTrue(plan.out().isEmpty() || !plan.out().contains("create"), "nothing applied: " + plan.out());

    Path platformYaml = bad.resolve("platform.yaml");
    Files.writeString(platformYaml, Files.readString(platformYaml).replace("region: eu-west-1",
        "region: eu-west-1\naccount: \"111111111111\""));
    String account = software.amazon.awssdk.services.sts.StsClient.builder().region(Region.of(REGION))
        .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL"))).build().getCallerIdentity().account();
    for (String[] command : new String[][] {{"plan"}, {"destroy", "--yes"}}) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--env", "dev", bad.toString()));
      CliRun refused = run(args.toArray(String[]::new));
      assertEquals(1, refused.exitCode());
      assertTrue(refused.err().contains("the credentials act in AWS account " + account + ", not 111111111111"),
          command[0] + ": " + refused.err());
    }
  }

  @Test
  void anAutoscaledPlatformAndAChangeOfWhatItsGroupsLaunch() throws Exception {
    CliRun first = run("provision", "--yes", "--wait", "0", "--env", "dev", globex.toString());
    assertEquals(0, first.exitCode(), first.out() + first.err());
    CliRun again = run("provision", "--yes", "--wait", "0", "--env", "dev", "--output", "json", globex.toString());
    assertEquals(0, new JsonObject(again.out()).getJsonObject("summary").getInteger("update"), again.out());
    assertEquals(0, new JsonObject(again.out()).getJsonObject("summary").getInteger("create"), again.out());

    int before;
    try (var asg = software.amazon.awssdk.services.autoscaling.AutoScalingClient.builder().region(Region.US_EAST_1)
        .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL"))).build()) {
      before = Integer.parseInt(asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames("webapp-dev")).autoScalingGroups()
          .get(0).launchTemplate().version());
    }
    // group operations and a node's DNS record through the provider the controller uses (before the launch
    // change: moto 5.2.2 cannot launch from a template version made by CreateLaunchTemplateVersion)
    JsonObject cloud = new JsonObject().put("provider", "aws").put("region", "us-east-1")
        .put("endpoint_url", System.getenv("AWS_ENDPOINT_URL"));
    var vertx = io.vertx.core.Vertx.vertx();
    try {
      var provider = AwsCloudProvider.forCloud(vertx, cloud);
      var scope = new dev.baton.controller.definition.Scope("globex-apps", "globex", "dev");
      var group = await(provider.findOne(dev.baton.controller.definition.model.ResourceKind.AUTOSCALING_GROUP, scope,
          "24a93a00-9334-457c-a7bd-1329608d27f2")).orElseThrow();
      var members = await(provider.groupInstances(group));
      String oldest = members.get(0).id();
      var facts = await(new AwsInstanceDirectory(vertx, cloud).describe(oldest)).orElseThrow();
      assertEquals(java.util.Optional.of("24a93a00-9334-457c-a7bd-1329608d27f2"), await(new AwsInstanceDirectory(vertx, cloud)
          .groupOf(facts)), "the Auto Scaling API says which group");
      String name = "webapp-" + oldest + ".dev.globex-apps.example.org";
      await(provider.upsertNodeRecord(scope, "globex-apps.example.org", name, facts.privateIp(), oldest));
      assertEquals(0, run("plan", "--env", "dev", globex.toString()).exitCode(), "a node's record is not the platform's");
      try (Route53Client r53 = Route53Client.builder().region(Region.AWS_GLOBAL)
          .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL"))).build()) {
        String zoneId = r53.listHostedZonesByName(b -> b.dnsName("globex-apps.example.org.")).hostedZones().get(0).id().replace("/hostedzone/", "");
        java.util.function.Supplier<Boolean> present = () -> r53.listResourceRecordSets(b -> b.hostedZoneId(zoneId))
            .resourceRecordSets().stream().anyMatch(r -> r.name().equals(name + ".") && r.typeAsString().equals("A"));
        assertTrue(present.get(), "the node's A record");
        await(provider.deleteNodeRecord(scope, "globex-apps.example.org", name, "i-0someoneelse"));
        assertTrue(present.get(), "another node's clean-up leaves it");
        await(provider.deleteNodeRecord(scope, "globex-apps.example.org", name, oldest));
        assertFalse(present.get(), "removed with its node");
      }
      int count = members.size();
      await(provider.terminateInGroup(group, oldest, false));
      var now = await(provider.groupInstances(group)).stream().filter(i -> !i.state().startsWith("Terminat")).toList();
      assertEquals(count, now.size(), "a replacement: " + now);
      assertTrue(now.stream().noneMatch(i -> i.id().equals(oldest)));
    } finally {
      vertx.close();
    }

    Path platform = globex.resolve("platform.yaml");
    Files.writeString(platform, Files.readString(platform).replace("web_type: t3.small}", "web_type: t3.large}"));
    CliRun changed = run("provision", "--yes", "--wait", "0", "--env", "dev", "--output", "json", globex.toString());
    JsonObject summary = new JsonObject(changed.out()).getJsonObject("summary");
    assertEquals(1, summary.getInteger("update"), changed.out());
    assertEquals(0, summary.getInteger("replace") + summary.getInteger("delete"), "nothing replaced: " + changed.out());
    try (var asg = software.amazon.awssdk.services.autoscaling.AutoScalingClient.builder().region(Region.US_EAST_1)
        .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL"))).build()) {
      var g = asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames("webapp-dev")).autoScalingGroups().get(0);
      assertEquals(String.valueOf(before + 1), g.launchTemplate().version(), "the group is on the template's new version");
    }
    // the group's instances: launched from version 1, the group now on 2
    CliRun instances = run("instances", "--env", "dev", "--output", "json", globex.toString(), "webapp");
    assertEquals(0, instances.exitCode(), instances.err());
    JsonObject listed = new JsonObject(instances.out());
    assertEquals(String.valueOf(before + 1), listed.getString("template_version"), listed.encode());
    assertTrue(listed.getJsonArray("instances").size() >= 1, listed.encode());
    String oldest = listed.getJsonArray("instances").getJsonObject(0).getString("instance");
    assertEquals(String.valueOf(before), listed.getJsonArray("instances").getJsonObject(0).getString("template_version"));
    CliRun same = run("update-launch-template", "--env", "dev", globex.toString(), "webapp");
    assertEquals(0, same.exitCode(), same.out() + same.err());
    assertTrue(same.out().contains("already matches the definition (version " + (before + 1) + ")"), same.out());

    CliRun destroy = run("destroy", "--yes", "--force", "--env", "dev", globex.toString());
    assertEquals(0, destroy.exitCode(), destroy.out() + destroy.err());
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** An instance's user data as it boots with it (un-gzipped when it was gzipped to fit). */
  static String userData(String instance) throws Exception {
    return userData(ec2, instance);
  }

  /** The user data of {@code instance}, unzipped, with its MIME parts decoded after it. */
  static String userData(Ec2Client ec2, String instance) throws Exception {
    String b64 = ec2.describeInstanceAttribute(b -> b.instanceId(instance).attribute("userData")).userData().value();
    byte[] raw = java.util.Base64.getDecoder().decode(b64);
    if (raw.length > 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
      raw = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes();
    }
    String text = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
    // the agent's configuration is inside the MIME parts, which may be base64 themselves
    StringBuilder all = new StringBuilder(text);
    for (String part : text.split("\n\n")) {
      try {
        all.append(new String(java.util.Base64.getMimeDecoder().decode(part.trim()), java.nio.charset.StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // not base64
      }
    }
    return all.toString();
  }

  /** Deletes a security group as a person with console access would: references to it first. */
  /** Deletes a group, leaving the rules of other groups that name it (they now name a group that is gone). */
  static void deleteBehindBatonsBack(String name) {
    SecurityGroup g = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("tag:Name").values(name).build()))
        .securityGroups().get(0);
    String web = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("tag:Name").values("web-dev").build()))
        .securityGroups().get(0).groupId();
    ec2.describeInstances(b -> b.filters(Filter.builder().name("instance.group-id").values(g.groupId()).build()))
        .reservations().forEach(r -> r.instances().forEach(i -> ec2.modifyInstanceAttribute(b -> b.instanceId(i.instanceId())
            .groups(web))));
    ec2.deleteSecurityGroup(b -> b.groupId(g.groupId()));
  }
}
