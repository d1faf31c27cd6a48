package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/aws-bootstrap-policy.json allows every AWS action the provider calls, and nothing it does not call
 * (S3's calls are named by the action they need: a HeadObject needs s3:GetObject).
 */
class BootstrapPolicyTest {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", ".."));
  static final Pattern CALL = Pattern.compile("(Ec2Kinds\\.)?call\\((?:on \\? )?\"([A-Za-z]+)\"(?: : \"([A-Za-z]+)\")?");

  @Test
  void thePolicyAllowsExactlyWhatTheProviderCalls() throws Exception {
    Set<String> called = new TreeSet<>();
    Path src = ROOT.resolve("controller/src/main/java/dev/baton/controller/provider/aws");
    for (String[] f : new String[][] {{"Ec2Kinds.java", "ec2"}, {"Ec2Network.java", "ec2"}, {"Ec2SecurityGroups.java", "ec2"},
        {"Ec2Instances.java", "ec2"}, {"IamKinds.java", "iam"}, {"IamObserver.java", "iam"}, {"DnsKinds.java", "route53"},
        {"AsgKinds.java", "autoscaling"}, {"AwsMasterDiscovery.java", "ec2"}, {"AwsCloudProvider.java", "ec2"}, {"AwsInstanceDirectory.java", "autoscaling"},
        {"S3Objects.java", "s3"},
        {"ElbTraffic.java", "elasticloadbalancing"}}) {
      Matcher m = CALL.matcher(Files.readString(src.resolve(f[0])));
      while (m.find()) {
        String service = m.group(1) != null ? "ec2" : f[1];
        called.add(service + ":" + m.group(2));
        if (m.group(3) != null) {
          called.add(service + ":" + m.group(3));
        }
      }
    }
    // helpers named by their service (AwsPreflight): ec2Call("DescribeImages", ...)
    Pattern byService = Pattern.compile("\\b(ec2|iam|route53|sts)Call\\(\"([A-Za-z]+)\"");
    Matcher p = byService.matcher(Files.readString(src.resolve("AwsPreflight.java")));
    while (p.find()) {
      called.add(p.group(1) + ":" + p.group(2));
    }
    called.remove("sts:GetCallerIdentity"); // needs no permission (an explicit deny cannot stop it)
    called.add("iam:PassRole"); // RunInstances with an instance profile
    called.add("sts:AssumeRole"); // the customer's role (credentials.role_arn), by the SDK's credentials provider
    // the first CreateAutoScalingGroup of an account makes Auto Scaling's service-linked role, as the caller
    called.add("iam:CreateServiceLinkedRole");
    Set<String> allowed = new TreeSet<>();
    JsonObject policy = new JsonObject(Files.readString(ROOT.resolve("docs/aws-bootstrap-policy.json")));
    for (Object o : policy.getJsonArray("Statement")) {
      Object a = ((JsonObject) o).getValue("Action");
      if (a instanceof JsonArray arr) {
        arr.forEach(x -> allowed.add(x.toString()));
      } else {
        allowed.add(a.toString());
      }
    }
    assertEquals(called, allowed);
  }

  /**
   * The customer's role (docs/aws.md, the walkthrough's step 3) holds the bootstrap policy without
   * its one sts:AssumeRole statement: a customer's role assumes no further role.
   */
  @Test
  void theCustomerRolePolicyIsTheBootstrapPolicyWithoutAssumingRoles() throws Exception {
    JsonObject bootstrap = new JsonObject(Files.readString(ROOT.resolve("docs/aws-bootstrap-policy.json")));
    JsonArray without = new JsonArray();
    for (Object o : bootstrap.getJsonArray("Statement")) {
      if (!((JsonObject) o).getString("Sid").equals("AssumeCustomerRoles")) {
        without.add(o);
      }
    }
    assertEquals(bootstrap.getJsonArray("Statement").size() - 1, without.size(), "one AssumeCustomerRoles statement");
    assertEquals(bootstrap.copy().put("Statement", without),
        new JsonObject(Files.readString(ROOT.resolve("docs/aws-customer-role-policy.json"))));
  }
}
