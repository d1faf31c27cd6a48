package dev.baton.common.settings;

import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;

/** Vert.x as the controller, its cluster members and the CLI start it. */
public final class VertxDefaults {
  private VertxDefaults() {}

  /**
   * Work on worker threads may block for long (making a machine image, booting a machine: minutes),
   * so Vert.x warns only after 30 minutes, not after its 60 s default (it printed stack traces at
   * the operator while an image was made).
   */
  public static VertxOptions options() {
    return new VertxOptions().setMaxWorkerExecuteTime(30).setMaxWorkerExecuteTimeUnit(TimeUnit.MINUTES);
  }
}
