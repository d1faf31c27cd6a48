package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * docs/aws.md "From an empty account to a running platform", run as written: its {@code bash
 * walkthrough} blocks in order, in one bash session (DocSteps), against {@code AWS_ENDPOINT_URL};
 * after each step, what it made is checked here through the SDK. The session gets no access key in
 * its environment: the administrators are AWS CLI profiles in a config file of this test (the
 * operator's account with the caller's keys; the customer's by assuming
 * {@code OrganizationAccountAccessRole} in 111111111111, as an Organizations administrator
 * would). Its {@code BATON_HOME}, working directory and controller ports are the test's own;
 * {@code NODE_WAIT=0} because an emulator's instances never boot. Needs an {@code aws} CLI that
 * honours {@code AWS_ENDPOINT_URL} (1.29 or 2.13 and later; Debian 12's awscli 2.9.19 does not).
 */
class AwsWalkthroughAwsIT {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
  static final String REGION = "eu-west-1";
  static final String CUSTOMER = "111111111111";
  static final String CUSTOMER_ADMIN_ROLE = "arn:aws:iam::" + CUSTOMER + ":role/OrganizationAccountAccessRole";
  static final List<String> STEPS = List.of("settings", "bootstrap-user", "customer-role", "control-network",
      "controller-host", "start-controller", "first-plan", "first-provision", "teardown");

  @TempDir
  static Path dir;
  static String endpoint;
  static Ec2Client ec2;
  static IamClient iam;
  static Ec2Client customerEc2;
  static IamClient customerIam;
  static StsClient sts;
  static int[] ports;
  static Map<String, String> env;

  @BeforeAll
  static void setUp() throws Exception {
    endpoint = System.getenv("AWS_ENDPOINT_URL");
    assumeTrue(endpoint != null && !endpoint.isBlank(), "AWS_ENDPOINT_URL is not set: the aws-it suite needs an endpoint");
    assertTrue(cliHonoursEndpoint(), "the aws CLI on the PATH must honour AWS_ENDPOINT_URL (1.29/2.13 or later;"
        + " Debian 12's awscli 2.9.19 does not): install a newer one (pip install awscli)");
    ec2 = Ec2Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint)).build();
    iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(endpoint)).build();
    sts = StsClient.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint)).build();
    var customer = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
        .refreshRequest(b -> b.roleArn(CUSTOMER_ADMIN_ROLE).roleSessionName("baton-it")).build();
    customerEc2 = Ec2Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint))
        .credentialsProvider(customer).build();
    customerIam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(endpoint))
        .credentialsProvider(customer).build();
    Iam.cleanUp(iam, customerIam); // what an interrupted run left behind
    ports = ports();
    env = environment();
  }

  /** The session's environment: no keys, the administrators as profiles, this test's home and ports. */
  static Map<String, String> environment() throws IOException {
    Path aws = Files.createDirectories(dir.resolve("aws"));
    Files.writeString(aws.resolve("config"), "[profile baton-admin]\nregion = " + REGION + "\n"
        + "[profile acme-admin]\nregion = " + REGION + "\nrole_arn = " + CUSTOMER_ADMIN_ROLE + "\nsource_profile = baton-admin\n");
    Files.writeString(aws.resolve("credentials"), "[baton-admin]\naws_access_key_id = " + System.getenv("AWS_ACCESS_KEY_ID")
        + "\naws_secret_access_key = " + System.getenv("AWS_SECRET_ACCESS_KEY") + "\n");
    Map<String, String> e = new HashMap<>();
    for (String keep : List.of("PATH", "HOME", "USER", "LANG", "JAVA_HOME", "PYENV_ROOT", "TMPDIR", "AWS_ENDPOINT_URL")) {
      if (System.getenv(keep) != null) {
        e.put(keep, System.getenv(keep));
      }
    }
    e.put("AWS_CONFIG_FILE", aws.resolve("config").toString());
    e.put("AWS_SHARED_CREDENTIALS_FILE", aws.resolve("credentials").toString());
    e.put("BATON_HOME", dir.resolve("home").toString());
    e.put("BATON_SRC", ROOT.toString());
    e.put("NODE_WAIT", "0");
    e.put("SERVE_PORTS", "--bridge-port " + ports[0] + " --download-port " + ports[1] + " --api-port " + ports[2]);
    String ami = System.getenv("BATON_IT_AMI");
    e.put("DEBIAN_AMI", ami != null ? ami : ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId());
    return e;
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (env != null) {
      // a step that failed leaves its work behind: the controller, the platforms, the host, the user and the role
      controller("stop");
      Path first = dir.resolve("work/first");
      if (Files.exists(first)) {
        controller("destroy", "--yes", "--force", first.toString());
      }
      controller("destroy", "--yes", "--force", ROOT.resolve("examples/walkthrough/control-network").toString());
      ec2.describeInstances(b -> b.filters(tag("Name", "baton-controller"))).reservations().stream()
          .flatMap(r -> r.instances().stream()).filter(i -> !i.state().nameAsString().equals("terminated"))
          .forEach(i -> ec2.terminateInstances(b -> b.instanceIds(i.instanceId())));
      Iam.cleanUp(iam, customerIam);
    }
    for (AutoCloseable c : new AutoCloseable[] {ec2, iam, customerEc2, customerIam, sts}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void theWalkthroughRunsAsWrittenAndEachStepMakesWhatItSays() throws Exception {
    List<DocSteps.Step> steps = DocSteps.of(ROOT.resolve("docs/aws.md"));
    assertEquals(STEPS, steps.stream().map(DocSteps.Step::name).toList(),
        "the walkthrough's steps, each checked below (a step added to the page needs its check here)");
    Path work = Files.createDirectories(dir.resolve("work"));
    Map<String, String> out = new HashMap<>();
    try (DocSteps session = new DocSteps(work, dir.resolve("steps"), env)) {
      for (DocSteps.Step step : steps) {
        out.put(step.name(), session.run(step, Duration.ofMinutes(5)));
        check(step.name(), out.get(step.name()), work);
      }
    }
  }

  private static void check(String step, String out, Path work) throws Exception {
    switch (step) {
      case "settings" -> assertTrue(out.contains("image " + env.get("DEBIAN_AMI")), out);
      case "bootstrap-user" -> {
        var user = iam.getUser(b -> b.userName("baton")).user();
        assertEquals("/", user.path(), "the bootstrap user is not under /baton/");
        assertTrue(out.contains(user.arn()), "the profile baton acts as the user: " + out);
        var attached = iam.listAttachedUserPolicies(b -> b.userName("baton")).attachedPolicies();
        assertEquals(List.of("baton-bootstrap"), attached.stream().map(p -> p.policyName()).toList());
        assertEquals(Iam.json(ROOT.resolve("docs/aws-bootstrap-policy.json")), Iam.document(iam, attached.get(0).policyArn()));
        String key = iam.listAccessKeys(b -> b.userName("baton")).accessKeyMetadata().get(0).accessKeyId();
        assertTrue(Files.readString(Path.of(env.get("AWS_SHARED_CREDENTIALS_FILE"))).contains(key),
            "the user's key is the profile baton's");
      }
      case "customer-role" -> {
        var role = customerIam.getRole(b -> b.roleName("baton-provisioner")).role();
        assertTrue(role.arn().startsWith("arn:aws:iam::" + CUSTOMER + ":role/baton-provisioner"), role.arn());
        JsonObject trust = new JsonObject(URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8));
        JsonObject statement = trust.getJsonArray("Statement").getJsonObject(0);
        assertEquals(user(), statement.getJsonObject("Principal").getString("AWS"), "trusts the bootstrap user only");
        assertEquals("baton-acme", statement.getJsonObject("Condition").getJsonObject("StringEquals")
            .getString("sts:ExternalId"), "with the platform's external ID");
        var attached = customerIam.listAttachedRolePolicies(b -> b.roleName("baton-provisioner")).attachedPolicies();
        assertEquals(1, attached.size());
        assertEquals(Iam.json(ROOT.resolve("docs/aws-customer-role-policy.json")),
            Iam.document(customerIam, attached.get(0).policyArn()));
        assertTrue(out.contains(":assumed-role/baton-provisioner/check"), "the user assumes the role: " + out);
      }
      case "control-network" -> {
        SecurityGroup g = group(ec2, "control-network", "controller");
        assertEquals(Set.of("tcp 22-22", "tcp 7443-7443", "tcp 7444-7444"), ranges(g.ipPermissions()),
            "the controller's group opens the bridge and the download (and SSH), never the API");
      }
      case "controller-host" -> {
        Instance host = running(ec2, "Name", "baton-controller");
        assertEquals(group(ec2, "control-network", "controller").groupId(), host.securityGroups().get(0).groupId());
        assertEquals("required", host.metadataOptions().httpTokensAsString(), "IMDSv2 only");
        Matcher ip = Pattern.compile(" at ([0-9.]+):").matcher(out);
        assertTrue(ip.find(), out);
        assertEquals(ip.group(1), host.publicIpAddress(), "the Elastic IP is the host's");
      }
      case "start-controller" -> {
        assertTrue(Files.exists(dir.resolve("home/controller/controller.json")), "the controller runs in BATON_HOME");
        assertTrue(reachable("127.0.0.1", ports[2]), "the API answers on loopback");
        InetAddress other = nonLoopbackAddress();
        if (other != null) {
          assertTrue(reachable(other.getHostAddress(), ports[0]), "the bridge listens on every interface");
          assertTrue(reachable(other.getHostAddress(), ports[1]), "the download listens on every interface");
          assertFalse(reachable(other.getHostAddress(), ports[2]), "the API is on loopback only");
        }
      }
      case "first-plan" -> {
        assertTrue(out.contains("valid: first") && out.contains("4 to create"), out);
        assertEquals(0, customerEc2.describeVpcs(b -> b.filters(tag("baton:platform", "first"))).vpcs().size(),
            "plan changes nothing");
      }
      case "first-provision" -> {
        assertTrue(out.contains("in sync"), "audit after provision: " + out);
        Instance node = running(customerEc2, "baton:platform", "first");
        SecurityGroup g = group(customerEc2, "first", "node");
        assertEquals(g.groupId(), node.securityGroups().get(0).groupId());
        assertEquals(List.of(), g.ipPermissions(), "a node needs no inbound rule");
        String controllerIp = running(ec2, "Name", "baton-controller").publicIpAddress();
        assertEquals(Set.of("tcp 7443-7444 " + controllerIp + "/32", "tcp 80-80 0.0.0.0/0", "tcp 443-443 0.0.0.0/0"),
            atoms(g.ipPermissionsEgress()), "outbound only what a node needs (the default allow-all is gone)");
        String userData = PlatformAwsIT.userData(customerEc2, node.instanceId());
        assertTrue(userData.contains("controller.baton.example.net:7443") && userData.contains("join_token"),
            "the node boots with the controller's endpoint and a join token");
      }
      case "teardown" -> {
        assertEquals(List.of(), customerEc2.describeVpcs(b -> b.filters(tag("baton:platform", "first"))).vpcs());
        assertEquals(List.of(), ec2.describeVpcs(b -> b.filters(tag("baton:platform", "control-network"))).vpcs());
        assertFalse(Files.exists(dir.resolve("home/controller/controller.json"))
            && reachable("127.0.0.1", ports[2]), "the controller is stopped");
        assertEquals(0, ec2.describeInstances(b -> b.filters(tag("Name", "baton-controller"),
            Filter.builder().name("instance-state-name").values("pending", "running").build())).reservations().size());
      }
      default -> throw new AssertionError("no check for step " + step);
    }
  }

  /** bin/controller with this test's home and the caller's own credentials (the platforms assume their roles). */
  static void controller(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/controller").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().put("BATON_HOME", env.get("BATON_HOME"));
    pb.start().waitFor();
  }

  static String user() {
    return "arn:aws:iam::" + sts.getCallerIdentity().account() + ":user/baton";
  }

  static Filter tag(String key, String value) {
    return Filter.builder().name("tag:" + key).values(value).build();
  }

  static SecurityGroup group(Ec2Client client, String platform, String name) {
    List<SecurityGroup> g = client.describeSecurityGroups(b -> b.filters(tag("baton:platform", platform), tag("Name", name)))
        .securityGroups();
    assertEquals(1, g.size(), "one group " + name + " of " + platform);
    return g.get(0);
  }

  static Instance running(Ec2Client client, String key, String value) {
    List<Instance> i = client.describeInstances(b -> b.filters(tag(key, value),
        Filter.builder().name("instance-state-name").values("running").build()))
        .reservations().stream().flatMap(r -> r.instances().stream()).toList();
    assertEquals(1, i.size(), "one running instance with " + key + "=" + value);
    return i.get(0);
  }

  static Set<String> ranges(List<IpPermission> rules) {
    return rules.stream().map(p -> p.ipProtocol() + " " + p.fromPort() + "-" + p.toPort()).collect(Collectors.toCollection(TreeSet::new));
  }

  static Set<String> atoms(List<IpPermission> rules) {
    Set<String> out = new TreeSet<>();
    for (IpPermission p : rules) {
      p.ipRanges().forEach(r -> out.add(p.ipProtocol() + " " + p.fromPort() + "-" + p.toPort() + " " + r.cidrIp()));
    }
    return out;
  }

  static boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
      if (n.isUp() && !n.isLoopback()) {
        for (InetAddress a : n.inetAddresses().toList()) {
          if (a instanceof java.net.Inet4Address) {
            return a;
          }
        }
      }
    }
    return null;
  }

  /** The controller's three ports: {@code BATON_IT_PORTS} (bridge,download,api), else free ones. */
  static int[] ports() throws IOException {
    String given = System.getenv("BATON_IT_PORTS");
    if (given != null) {
      return java.util.Arrays.stream(given.split(",")).mapToInt(p -> Integer.parseInt(p.trim())).toArray();
    }
    int[] p = new int[3];
    for (int i = 0; i < 3; i++) {
      try (var s = new java.net.ServerSocket(0)) {
        p[i] = s.getLocalPort();
      }
    }
    return p;
  }

  static boolean cliHonoursEndpoint() throws Exception {
    Process p = new ProcessBuilder("aws", "--version").redirectErrorStream(true).start();
    String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = Pattern.compile("aws-cli/(\\d+)\\.(\\d+)").matcher(v);
    if (!m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major == 1 ? minor >= 29 : major == 2 && minor >= 13 || major > 2;
  }

  /** The IAM the walkthrough makes, read and removed through the SDK. */
  static final class Iam {
    static JsonObject json(Path file) throws IOException {
      return new JsonObject(Files.readString(file));
    }

    static JsonObject document(IamClient client, String arn) {
      String version = client.getPolicy(b -> b.policyArn(arn)).policy().defaultVersionId();
      String doc = client.getPolicyVersion(b -> b.policyArn(arn).versionId(version)).policyVersion().document();
      return new JsonObject(URLDecoder.decode(doc, StandardCharsets.UTF_8));
    }

    /** The bootstrap user, its policy and keys; the customer's role and its policy (each if there). */
    static void cleanUp(IamClient operator, IamClient customer) {
      quietly(() -> operator.listAccessKeys(b -> b.userName("baton")).accessKeyMetadata()
          .forEach(k -> operator.deleteAccessKey(b -> b.userName("baton").accessKeyId(k.accessKeyId()))));
      quietly(() -> operator.listAttachedUserPolicies(b -> b.userName("baton")).attachedPolicies()
          .forEach(p -> operator.detachUserPolicy(b -> b.userName("baton").policyArn(p.policyArn()))));
      quietly(() -> operator.deleteUser(b -> b.userName("baton")));
      quietly(() -> operator.listPolicies(b -> b.scope("Local")).policies().stream()
          .filter(p -> p.policyName().equals("baton-bootstrap")).forEach(p -> operator.deletePolicy(b -> b.policyArn(p.arn()))));
      quietly(() -> customer.listAttachedRolePolicies(b -> b.roleName("baton-provisioner")).attachedPolicies()
          .forEach(p -> customer.detachRolePolicy(b -> b.roleName("baton-provisioner").policyArn(p.policyArn()))));
      quietly(() -> customer.deleteRole(b -> b.roleName("baton-provisioner")));
      quietly(() -> customer.listPolicies(b -> b.scope("Local")).policies().stream()
          .filter(p -> p.policyName().equals("baton-provisioner")).forEach(p -> customer.deletePolicy(b -> b.policyArn(p.arn()))));
    }

    private static void quietly(Runnable r) {
      try {
        r.run();
      } catch (software.amazon.awssdk.services.iam.model.NoSuchEntityException e) {
        // not there: nothing to remove
      }
    }
  }
}
