package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.Diagnostic;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.error.Pos;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.DnsRecordSpec;
import dev.baton.controller.definition.model.IamGroupSpec;
import dev.baton.controller.definition.model.IamRoleSpec;
import dev.baton.controller.definition.model.IamUserSpec;
import dev.baton.controller.definition.model.InstanceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * What a platform asks of AWS that Baton does not own, checked before anything is observed or
 * changed: the account the credentials act in (after the platform's role is assumed) is the
 * platform's {@code account}; and every image, key pair, hosted zone and AWS managed policy the
 * definitions name exists, each kind in one call ({@code DescribeImages} with all the platform's
 * image IDs, {@code DescribeKeyPairs} with all its key names, one {@code ListHostedZones} listing,
 * and one {@code GetPolicy} per distinct managed policy). Each problem is reported at the place
 * that names the thing, so that nothing is applied while one remains: an image that does not
 * exist is never retried for 15 minutes.
 */
final class AwsPreflight {
  private static final Logger LOG = Logger.getLogger("baton.aws");

  private final AwsClients clients;
  private final String region;

  AwsPreflight(AwsClients clients, String region) {
    this.clients = clients;
    this.region = region;
  }

  /** The account the credentials act in is the platform's (every command; {@code destroy} checks only this). */
  List<Diagnostic> account(Platform platform) {
    String expected = platform.spec().account();
    String actual = stsCall("GetCallerIdentity", () -> clients.sts().getCallerIdentity()).account();
    if (expected != null && !expected.equals(actual)) {
      Pos at = platform.pos("account");
      return List.of(new Diagnostic(at, "the credentials act in AWS account " + actual + ", not " + expected
          + " (the platform's account" + (platform.spec().credentials() != null && platform.spec().credentials().roleArn()
              != null ? ", after assuming " + platform.spec().credentials().roleArn() : "") + "); nothing is done in"
          + " another customer's account: check the profile or role the command runs with"));
    }
    LOG.fine(() -> "platform " + platform.name() + " acts in account " + actual);
    return List.of();
  }

  /** Every reference to what Baton does not own (once the account is known to be the platform's). */
  List<Diagnostic> references(Platform platform) {
    List<Diagnostic> out = new ArrayList<>();
    Map<String, List<Pos>> images = new LinkedHashMap<>();
    Map<String, List<Pos>> keys = new LinkedHashMap<>();
    Map<String, List<Pos>> zones = new LinkedHashMap<>();
    Map<String, List<Pos>> policies = new LinkedHashMap<>();
    for (Resource r : platform.resources()) {
      Object spec = r.spec();
      if (spec instanceof InstanceSpec i) {
        add(images, i.ami(), r.pos("ami"));
        add(keys, i.keypair(), r.pos("keypair"));
      } else if (spec instanceof AutoscalingGroupSpec g) {
        add(images, g.launch().ami(), r.pos("launch.ami"));
        add(keys, g.launch().keypair(), r.pos("launch.keypair"));
        add(zones, g.dnsZone(), r.pos("dns_zone"));
      } else if (spec instanceof DnsRecordSpec d) {
        add(zones, d.zone(), r.pos("zone"));
      } else if (spec instanceof IamUserSpec u) {
        addAll(policies, u.managedPolicies(), r, "managed_policies");
      } else if (spec instanceof IamGroupSpec g) {
        addAll(policies, g.managedPolicies(), r, "managed_policies");
      } else if (spec instanceof IamRoleSpec ro) {
        addAll(policies, ro.managedPolicies(), r, "managed_policies");
      }
    }
    if (!images.isEmpty()) {
      Set<String> found = ec2Call("DescribeImages", () -> clients.ec2.describeImages(b -> b.filters(Filter.builder()
          .name("image-id").values(images.keySet()).build()))).images().stream().map(i -> i.imageId())
          .collect(Collectors.toSet());
      missing(out, images, found, id -> "image " + id + " does not exist in " + region
          + " (an AMI is regional: use this region's ID of the image)");
    }
    if (!keys.isEmpty()) {
      Set<String> found = ec2Call("DescribeKeyPairs", () -> clients.ec2.describeKeyPairs(b -> b.filters(Filter.builder()
          .name("key-name").values(keys.keySet()).build()))).keyPairs().stream().map(k -> k.keyName())
          .collect(Collectors.toSet());
      missing(out, keys, found, k -> "key pair " + k + " does not exist in " + region + " (import it, or remove keypair)");
    }
    if (!zones.isEmpty()) {
      Set<String> found = route53Call("ListHostedZones", () -> clients.route53.listHostedZonesPaginator()).hostedZones()
          .stream().map(z -> strip(z.name())).collect(Collectors.toSet());
      Map<String, List<Pos>> byName = new LinkedHashMap<>();
      zones.forEach((z, at) -> byName.computeIfAbsent(strip(z), k -> new ArrayList<>()).addAll(at));
      missing(out, byName, found, z -> "hosted zone " + z + " does not exist in this account (create it, or name one"
          + " that does)");
    }
    for (Map.Entry<String, List<Pos>> p : policies.entrySet()) {
      if (!p.getKey().startsWith("arn:aws:iam::aws:")) {
        continue; // a customer-managed policy of the account: its own business
      }
      try {
        iamCall("GetPolicy", () -> clients.iam.getPolicy(b -> b.policyArn(p.getKey())));
      } catch (BatonException e) {
        if (e.code() != ErrorCode.NOT_FOUND) {
          throw e;
        }
        p.getValue().forEach(at -> out.add(new Diagnostic(at, "AWS managed policy " + p.getKey() + " does not exist")));
      }
    }
    return out;
  }

  private static void add(Map<String, List<Pos>> m, String value, Pos at) {
    if (value != null && !value.isBlank()) {
      m.computeIfAbsent(value, k -> new ArrayList<>()).add(at);
    }
  }

  private static void addAll(Map<String, List<Pos>> m, List<String> values, Resource r, String key) {
    for (int i = 0; values != null && i < values.size(); i++) {
      add(m, values.get(i), r.pos(key + "[" + i + "]"));
    }
  }

  private static void missing(List<Diagnostic> out, Map<String, List<Pos>> named, Set<String> found,
      java.util.function.Function<String, String> message) {
    named.forEach((name, at) -> {
      if (!found.contains(name)) {
        at.forEach(p -> out.add(new Diagnostic(p, message.apply(name))));
      }
    });
  }

  private static String strip(String zone) {
    return zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
  }

  // one helper per service: what BootstrapPolicyTest reads to hold the bootstrap policy to the calls made
  private static <T> T ec2Call(String action, Supplier<T> c) {
    return AwsErrors.call(action, c);
  }

  private static <T> T route53Call(String action, Supplier<T> c) {
    return AwsErrors.call(action, c);
  }

  private static <T> T iamCall(String action, Supplier<T> c) {
    return AwsErrors.call(action, c);
  }

  private static <T> T stsCall(String action, Supplier<T> c) {
    return AwsErrors.call(action, c);
  }
}
