package dev.baton.controller.provider;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.provider.local.LocalCloudProvider;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** Makes the provider a platform names. */
public final class Providers {
  private Providers() {}

  /**
   * @param home the Baton home (state of the local cloud, locks)
   * @param endpointUrl an AWS-compatible endpoint, or null
   */
  public static CloudProvider create(Vertx vertx, Platform platform, Path home, String endpointUrl) {
    return switch (platform.spec().provider()) {
      case LOCAL -> new LocalCloudProvider(vertx, home);
      case AWS -> throw new BatonException(ErrorCode.FAILED_PRECONDITION, "provider aws: not part of this build yet;"
          + " the local provider works (provider: local in platform.yaml)");
    };
  }

  /** The {@code baton.home} system property, else {@code BATON_HOME}, else {@code ~/.baton}. */
  public static Path home() {
    String prop = System.getProperty("baton.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    String env = System.getenv("BATON_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".baton");
  }
}
