package dev.baton.controller.provider;

import dev.baton.controller.definition.Scope;
import dev.baton.controller.definition.model.ResourceKind;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine needs of a cloud: its resources, found, created, changed and removed. What only
 * some clouds offer (a group's instances, stopping instances, nodes' DNS records) is an optional
 * capability ({@link AutoscalingGroups}, {@link Power}, {@link NodeDns}, {@link Traffic}) that a provider implements
 * beside this, found with {@link #capability} or {@link #require}. Implementations keep every vendor
 * type inside their own package. All methods are asynchronous and may be called concurrently.
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

  /** Looks a single resource up; convenience over {@link #lookup}. */
  default Future<Optional<LiveResource>> findOne(ResourceKind kind, Scope scope, String uuid) {
    return lookup(kind, scope, uuid).map(l -> l.stream().findFirst());
  }

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

  // ------------------------------------------------------------ optional capabilities

  /**
   * One of the optional capabilities ({@link AutoscalingGroups}, {@link Power}, {@link NodeDns}, {@link Traffic}) if this
   * provider offers it. By default a provider offers what it implements; a provider that wraps another
   * answers with the other's.
   */
  default <T> Optional<T> capability(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /**
   * The capability {@code type}, or a failed future ({@code FAILED_PRECONDITION}) that says "the NAME
   * provider does not support WHAT": a cloud without it refuses the operation, nothing else fails.
   *
   * @param what the operation asked for, for the message ({@code "stopping instances"})
   */
  default <T> Future<T> require(Class<T> type, String what) {
    return capability(type).map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
        new dev.baton.common.error.BatonException(dev.baton.common.error.ErrorCode.FAILED_PRECONDITION,
            "the " + name() + " provider does not support " + what)));
  }

}
