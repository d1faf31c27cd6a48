package dev.baton.controller.intent;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.HandoffSpec;
import dev.baton.controller.definition.model.ImageFamily;
import dev.baton.controller.definition.model.InstanceSpec;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.SubnetSpec;
import dev.baton.controller.definition.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The intents of a platform's environment, from its definitions: what {@code provision} registers. */
public final class Intents {
  private Intents() {}

  /**
   * @param endpointUrl the AWS-compatible endpoint the controller is to use for the platform's cloud
   *     (the CLI's {@code --endpoint-url} or {@code AWS_ENDPOINT_URL}), or null
   */
  public static PlatformIntents of(Platform platform, String endpointUrl) {
    List<NodeIntent> nodes = platform.resources().stream()
        .filter(r -> r.kind() == ResourceKind.INSTANCE || r.kind() == ResourceKind.AUTOSCALING_GROUP)
        .map(r -> node(platform, r)).toList();
    var spec = platform.spec();
    List<String> endpoints = spec.provider() != ProviderKind.LOCAL && spec.controller() != null
        ? spec.controller().endpoints() : List.of();
    var s = platform.schedule();
    PlatformIntents.Schedule schedule = s == null ? null : new PlatformIntents.Schedule(s.stop(), s.start(), s.timeZone());
    return new PlatformIntents(new Scope(platform.name(), spec.customer(), platform.env()), nodes, endpoints, schedule,
        cloud(platform, endpointUrl));
  }

  /**
   * How the controller reaches the platform's cloud: its region, account and credentials' names
   * (a profile, a role), and the endpoint; null for the local cloud.
   */
  public static CloudIntent cloud(Platform platform, String endpointUrl) {
    var spec = platform.spec();
    if (spec.provider() != ProviderKind.AWS) {
      return null;
    }
    var c = spec.credentials();
    return new CloudIntent(CloudIntent.AWS, spec.region(), spec.account(), c == null ? null : c.profile(),
        c == null ? null : c.roleArn(), c == null ? null : c.externalId(), endpointUrl);
  }

  private static NodeIntent node(Platform platform, Resource r) {
    boolean instance = r.kind() == ResourceKind.INSTANCE;
    InstanceSpec i = instance ? r.spec(InstanceSpec.class) : null;
    AutoscalingGroupSpec g = instance ? null : r.spec(AutoscalingGroupSpec.class);
    HandoffSpec handoff = instance ? i.handoff() : g.handoff();
    ImageFamily family = instance ? i.imageFamily() : g.launch().imageFamily();
    MachineImage image = instance ? i.image() : g.launch().image();
    List<String> packages = instance ? i.packages() : g.launch().packages();
    String imageFamily = image != null ? image.family().yaml() : family == null ? null : family.yaml();
    String certname = null;
    String zone = null;
    GroupIntent group = null;
    if (instance) {
      String domain = i.domain() != null ? i.domain() : platform.spec().domain();
      certname = domain == null ? r.name() : r.name() + "." + domain;
      zone = i.az() != null ? i.az() : platform.find(ResourceKind.SUBNET, i.subnet())
          .map(s -> s.spec(SubnetSpec.class).az()).orElse(null);
    } else {
      // what "run" may ask of the group's nodes: the platform's actions only, as they are now (the API runs these)
      Map<String, GroupIntent.Action> actions = new LinkedHashMap<>();
      platform.spec().actions().forEach((name, a) -> actions.put(name, new GroupIntent.Action(a.command(),
          a.timeoutSeconds())));
      group = new GroupIntent(g.cluster(), g.role(), g.domain() != null ? g.domain() : platform.spec().domain(),
          g.certnamePattern(), g.dnsZone(), g.lifecycleHook() != null, g.min(), g.max(), g.desired(), actions);
    }
    return new NodeIntent(r.uuid(), r.name(), instance ? NodeIntent.Kind.INSTANCE : NodeIntent.Kind.AUTOSCALING_GROUP,
        platform.spec().region(), imageFamily, image == null ? null : image.yaml(), packages, handoff(handoff), certname,
        zone, group, null, List.of());
  }

  static HandoffIntent handoff(HandoffSpec h) {
    var s = h.shell();
    var p = h.puppet();
    return new HandoffIntent(h.configManagement().yaml(),
        s == null ? null : new HandoffIntent.Shell(s.bootstrap(), s.final_(), s.timeoutSeconds() == null
            ? HandoffIntent.Shell.DEFAULT_TIMEOUT_SECONDS : s.timeoutSeconds()),
        p == null ? null : new HandoffIntent.Puppet(p.role(), p.environment(), p.bootstrapEnvironment(), p.classes()));
  }
}
