package dev.baton.controller.provider;

import io.vertx.core.Future;
import java.util.List;

/**
 * What a cloud that runs autoscaling groups does with a group beyond creating, changing and removing
 * it (those are {@link CloudProvider}'s): its instances, its launch template, its capacity, and its
 * termination lifecycle hook. Optional: a provider implements it when its cloud has groups; callers ask
 * for it with {@link CloudProvider#require}.
 */
public interface AutoscalingGroups {

  /**
   * One instance of an autoscaling group as the cloud sees it.
   *
   * @param state the cloud's own word for its lifecycle state, shown to operators ({@code InService} ...)
   * @param lifecycle what that state means to Baton (the provider translates its cloud's words)
   * @param templateVersion the launch-template version it was launched from
   */
  record GroupInstance(String id, String state, Lifecycle lifecycle, String health, String templateVersion, String zone) {}

  /** Where an instance of a group is in its life, in Baton's terms. */
  enum Lifecycle {
    /** Launching, or waiting to enter service. */
    STARTING,
    /** In service. */
    IN_SERVICE,
    /** The group removes it and holds it for the controller (a termination lifecycle hook): clean up, then let go. */
    HELD_FOR_CLEANUP,
    /** Leaving the group (terminating, detaching, to a warm pool): not counted, not acted on. */
    LEAVING,
    /** Any other state (standby ...). */
    OTHER;

    public boolean leaving() {
      return this == LEAVING || this == HELD_FOR_CLEANUP;
    }
  }

  /** The instances of a group (in no particular order). */
  Future<List<GroupInstance>> groupInstances(LiveResource group);

  /** The launch-template version the group launches new instances from. */
  Future<String> templateVersion(LiveResource group);

  /** Sets the group's desired count (and its minimum, when not null); the group launches or terminates to match. */
  Future<Void> setCapacity(LiveResource group, Integer min, int desired);

  /**
   * Terminates one instance of a group; with {@code decrement} the desired count goes down by one,
   * else the group launches a replacement.
   */
  Future<Void> terminateInGroup(LiveResource group, String instanceId, boolean decrement);

  /** Lets an instance held by the group's termination lifecycle hook go (the controller has cleaned up). */
  Future<Void> completeLifecycle(LiveResource group, String instanceId);
}
