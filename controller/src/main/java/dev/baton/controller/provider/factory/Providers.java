package dev.baton.controller.provider.factory;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.provider.CallStats;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.local.LocalCloudProvider;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Makes the provider a platform names. Apart from the SPI ({@code dev.baton.controller.provider}) so
 * that the SPI never depends on its implementations: only this factory knows them all.
 */
public final class Providers {
  private Providers() {}

  /**
   * @param home the Baton home (state of the local cloud, locks)
   * @param endpointUrl an AWS-compatible endpoint, or null
   */
  public static CloudProvider create(Vertx vertx, Platform platform, Path home, String endpointUrl,
      dev.baton.controller.provider.local.NodeLauncher launcher) {
    return switch (platform.spec().provider()) {
      case LOCAL -> launcher == null ? new LocalCloudProvider(vertx, home)
          : new LocalCloudProvider(vertx, home, launcher, agentJar());
      case AWS -> {
        CallStats stats = new CallStats();
        var clients = new dev.baton.controller.provider.aws.AwsClients(platform.spec().region(),
            platform.spec().credentials(), endpointUrl, stats);
        dev.baton.controller.provider.aws.InstanceUserData userData = launcher == null ? null
            : new dev.baton.controller.provider.aws.InstanceUserData() {
              @Override
              public byte[] userData(Scope scope, String uuid) throws java.io.IOException {
                return launcher.cloudUserData(scope, uuid);
              }

              @Override
              public byte[] groupUserData(Scope scope, String uuid) throws java.io.IOException {
                return launcher.cloudGroupUserData(scope, uuid);
              }
            };
        yield new dev.baton.controller.provider.aws.AwsCloudProvider(vertx, clients, stats, userData);
      }
    };
  }

  /**
   * The agent jar: the {@code baton.agent.jar} property, {@code BATON_AGENT_JAR}, a
   * {@code baton-agent.jar} in this controller jar's own directory (the Debian package's
   * {@code /usr/share/baton}), or the one built beside it in a checkout ({@code agent/target/baton-agent.jar}).
   */
  public static Path agentJar() {
    String p = dev.baton.common.settings.Settings.AGENT_JAR.orNull();
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    Path beside = besideJar(controllerJar());
    if (beside != null) {
      return beside;
    }
    Path repo = Path.of(java.util.Objects.requireNonNullElse(dev.baton.common.settings.Settings.REPO_ROOT.orNull(), ".")).resolve("agent/target/baton-agent.jar");
    return repo.toAbsolutePath().normalize();
  }

  /**
   * The agent jar found from the controller's jar {@code self}: in its own directory (an install),
   * else the checkout's it was built in ({@code controller/target/../../agent/target}); null if neither.
   */
  static Path besideJar(Path self) {
    if (self == null) {
      return null;
    }
    Path installed = self.resolveSibling("baton-agent.jar");
    if (java.nio.file.Files.isRegularFile(installed)) {
      return installed;
    }
    Path built = self.getParent().resolve("../../agent/target/baton-agent.jar").normalize();
    return java.nio.file.Files.exists(built) ? built : null;
  }

  /** The jar this controller runs from, or null when it runs from classes (tests). */
  public static Path controllerJar() {
    try {
      Path p = Path.of(Providers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return p.toString().endsWith(".jar") ? p : null;
    } catch (java.net.URISyntaxException | SecurityException e) {
      return null;
    }
  }

  /** The {@code baton.home} system property, else {@code BATON_HOME}, else {@code ~/.baton}. */
  public static Path home() {
    return dev.baton.common.yaml.ReferencedFiles.home();
  }
}
