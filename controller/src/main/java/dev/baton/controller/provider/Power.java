package dev.baton.controller.provider;

import io.vertx.core.Future;
import java.util.List;

/**
 * Stopping and starting a cloud's instances (not a group's), as the off-hours schedule does.
 * Optional: a provider implements it when its cloud can stop an instance and keep it; callers ask for
 * it with {@link CloudProvider#require}.
 */
public interface Power {

  /** Stops running instances (not a group's); they keep their disks and identity. */
  Future<Void> stopInstances(List<String> instanceIds);

  /** Starts stopped instances again. */
  Future<Void> startInstances(List<String> instanceIds);
}
