package dev.baton.controller.provider;

import dev.baton.controller.definition.model.ResourceKind;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine needs of a cloud. Implementations keep every vendor type inside their own
 * package. All methods are asynchronous and may be called concurrently.
 *
 * <p>Errors are {@link dev.baton.common.error.BatonException}s: {@code UNAVAILABLE} (throttled,
 * retryable), {@code NOT_FOUND} with retryable=true for "not visible yet" right after a create,
 * anything else is final for that resource.
 */
public interface CloudProvider {

  /** Short name for messages: {@code aws}, {@code local}. */
  String name();

  /**
   * What the platform asks of this cloud that it cannot give, found before anything is observed or
   * changed: each problem at the place of the definition that asks for it. Plans (and so provision
   * and audit) stop on any. Nothing by default.
   */
  default Future<List<dev.baton.common.error.Diagnostic>> check(dev.baton.controller.definition.Platform platform) {
    return Future.succeededFuture(List.of());
  }

  /**
   * Only that this cloud is the platform's (its account): what {@code destroy} checks before it removes
   * anything. Nothing by default.
   */
  default Future<List<dev.baton.common.error.Diagnostic>> checkAccount(dev.baton.controller.definition.Platform platform) {
    return Future.succeededFuture(List.of());
  }

  /**
   * Every live resource of {@code kind} in {@code scope}: one filtered, paginated listing,
   * never one call per resource. Resources of other scopes are never returned.
   */
  Future<List<LiveResource>> observe(ResourceKind kind, Scope scope);

  /** The live resources of {@code kind} in {@code scope} carrying this UUID (normally zero or one). */
  Future<List<LiveResource>> lookup(ResourceKind kind, Scope scope, String uuid);

  /**
   * Creates a resource with {@code tags} applied at creation. {@code token} is an idempotency
   * token for clouds that accept one (a retry of the same request must not create twice).
   * Waits until the resource is usable by its dependents (an instance is running).
   */
  Future<LiveResource> create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> attributes,
      Map<String, String> tags, String token);

  /**
   * Changes a live resource in place so that {@code changed} attributes (and the tags) match
   * {@code attributes}. Only the listed attributes are touched.
   */
  Future<LiveResource> update(LiveResource live, Map<String, Object> attributes, Map<String, String> tags,
      List<String> changed);

  /** Removes a live resource; succeeds when it is already gone. */
  Future<Void> delete(LiveResource live);

  /** Calls made to the cloud so far, by operation. */
  CallStats stats();

  /** Releases clients and connections. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  // ------------------------------------------------------------ autoscaling groups and instances

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
  default Future<List<GroupInstance>> groupInstances(LiveResource group) {
    return unsupported("listing a group's instances");
  }

  /** The launch-template version the group launches new instances from. */
  default Future<String> templateVersion(LiveResource group) {
    return unsupported("launch templates");
  }

  /** Sets the group's desired count (and its minimum, when not null); the group launches or terminates to match. */
  default Future<Void> setCapacity(LiveResource group, Integer min, int desired) {
    return unsupported("changing a group's capacity");
  }

  /**
   * Terminates one instance of a group; with {@code decrement} the desired count goes down by one,
   * else the group launches a replacement.
   */
  default Future<Void> terminateInGroup(LiveResource group, String instanceId, boolean decrement) {
    return unsupported("terminating an instance of a group");
  }

  /** Stops running instances (not a group's); they keep their disks and identity. */
  default Future<Void> stopInstances(List<String> instanceIds) {
    return unsupported("stopping instances");
  }

  /** Starts stopped instances again. */
  default Future<Void> startInstances(List<String> instanceIds) {
    return unsupported("starting instances");
  }

  /** Lets an instance held by the group's termination lifecycle hook go (the controller has cleaned up). */
  default Future<Void> completeLifecycle(LiveResource group, String instanceId) {
    return unsupported("lifecycle hooks");
  }

  /**
   * Writes the A record of a group's node ({@code name} to {@code address}) in {@code zone}, marked as
   * the node's so that nothing else is ever removed in its name, and that plans do not list it.
   */
  default Future<Void> upsertNodeRecord(Scope scope, String zone, String name, String address, String instanceId) {
    return unsupported("DNS records of nodes");
  }

  /** Removes the A record of a node, if it is the node's; succeeds when there is none. */
  default Future<Void> deleteNodeRecord(Scope scope, String zone, String name, String instanceId) {
    return unsupported("DNS records of nodes");
  }

  private <T> Future<T> unsupported(String what) {
    return Future.failedFuture(new dev.baton.common.error.BatonException(dev.baton.common.error.ErrorCode.FAILED_PRECONDITION,
        "the " + name() + " provider does not support " + what));
  }

  /** Looks a single resource up; convenience over {@link #lookup}. */
  default Future<Optional<LiveResource>> findOne(ResourceKind kind, Scope scope, String uuid) {
    return lookup(kind, scope, uuid).map(l -> l.stream().findFirst());
  }
}
