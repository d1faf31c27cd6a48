package dev.baton.controller.fleet;

import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.intent.CloudIntent;
import dev.baton.controller.intent.IntentCodec;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.intent.NodeIntent;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.Traffic;
import dev.baton.controller.provider.aws.AwsCloudProvider;
import dev.baton.controller.provider.aws.AwsInstanceDirectory;
import dev.baton.controller.provider.local.LocalCloudProvider;
import dev.baton.controller.provider.local.NodeLauncher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cloud of a node's platform as {@code provision} described it in the intents: AWS in the
 * platform's account and region, else the local cloud (whose group instances get their launch
 * template's user data from this controller).
 */
public final class Clouds {
  private final Vertx vertx;
  private final Path batonHome;
  private final Path agentJar;
  private final Supplier<NodeLauncher> launcher;
  private final InstanceDirectory local;

  /**
   * @param agentJar the agent the local cloud's instances run (null: the local cloud launches none)
   * @param launcher this controller as the local cloud's launcher
   */
  public Clouds(Vertx vertx, Path batonHome, Path agentJar, Supplier<NodeLauncher> launcher, InstanceDirectory local) {
    this.vertx = vertx;
    this.batonHome = batonHome;
    this.agentJar = agentJar;
    this.launcher = launcher;
    this.local = local;
  }

  /** The provider of {@code cloud} (null: the local cloud); the caller closes it. */
  public CloudProvider of(CloudIntent cloud) {
    if (cloud != null && cloud.aws()) {
      // the AWS provider reads the cloud in the intents' JSON form: it knows nothing of intents
      return AwsCloudProvider.forCloud(vertx, IntentCodec.toJson(cloud));
    }
    if (agentJar == null) {
      return new LocalCloudProvider(vertx, batonHome);
    }
    return new LocalCloudProvider(vertx, batonHome, launcher.get(), agentJar);
  }

  /** Takes an instance out of load balancers' target groups of {@code cloud} and waits for draining ({@link Traffic#block}). */
  public Future<Void> block(CloudIntent cloud, List<String> targetGroups, String instanceId, Duration timeout) {
    return traffic(cloud, t -> t.block(targetGroups, instanceId, timeout));
  }

  /** Puts an instance into load balancers' target groups of {@code cloud} and waits until healthy ({@link Traffic#allow}). */
  public Future<Void> allow(CloudIntent cloud, List<String> targetGroups, String instanceId, Duration timeout) {
    return traffic(cloud, t -> t.allow(targetGroups, instanceId, timeout));
  }

  /** A cloud without load balancers refuses, saying so: the node then fails rather than take traffic mid-deploy. */
  private Future<Void> traffic(CloudIntent cloud, java.util.function.Function<Traffic, Future<Void>> call) {
    CloudProvider p = of(cloud);
    return p.require(Traffic.class, "load balancers' target groups (target_groups)").compose(call)
        .andThen(ar -> p.close());
  }

  /** Where instances of {@code cloud} are looked up: EC2 of its account and region, else the local cloud. */
  public InstanceDirectory directory(CloudIntent cloud) {
    return aws(cloud).orElse(local);
  }

  /** EC2 in the account and region of a node's platform, when {@code provision} said it runs on AWS. */
  public Optional<InstanceDirectory> aws(CloudIntent cloud) {
    return Optional.ofNullable(cloud).filter(CloudIntent::aws)
        .map(c -> new AwsInstanceDirectory(vertx, IntentCodec.toJson(c)));
  }

  /** The cloud {@code provision} registered with the node of this intent key, if any. */
  public static CloudIntent cloudOf(IntentStore intents, dev.baton.controller.definition.Scope scope, String uuid) {
    return intents.get(scope, uuid).map(NodeIntent::cloud).orElse(null);
  }

  /**
   * What the identity document of a node registering with {@code token} must say: its platform's
   * account (when the platform names one) and region, as {@code provision} described its cloud.
   */
  public static dev.baton.controller.attest.AwsIdentityVerifier.Policy identityPolicy(IntentStore intents,
      dev.baton.controller.attest.TokenStore.Token token) {
    CloudIntent cloud = cloudOf(intents, token.scope(), token.uuid());
    if (cloud == null) {
      return dev.baton.controller.attest.AwsIdentityVerifier.Policy.of(java.util.Set.of(), null);
    }
    return dev.baton.controller.attest.AwsIdentityVerifier.Policy.of(cloud.account() == null ? java.util.Set.of()
        : java.util.Set.of(cloud.account()), cloud.region());
  }

  public InstanceDirectory local() {
    return local;
  }
}
