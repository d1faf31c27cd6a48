package dev.baton.controller.intent;

import dev.baton.controller.cluster.ReplicaFeed;
import dev.baton.controller.cluster.StampedJsonMap;
import dev.baton.controller.definition.Scope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each node of a platform is to become ({@link NodeIntent}), registered by {@code provision}
 * before instances launch, so that the controller knows how to hand off a node that registers at
 * any hour. Keyed by platform, environment and resource UUID; written atomically in
 * {@link IntentCodec}'s form; in a cluster, every controller keeps it.
 */
public final class IntentStore extends StampedJsonMap {

  public IntentStore(Path file) {
    super(file, "intents", "key", "intent", false);
  }

  /** The key of the node {@code uuid} of a platform's environment: {@code customer/platform/env/uuid}. */
  public static String key(Scope scope, String uuid) {
    return scope.key() + "/" + uuid;
  }

  public static String key(String customer, String platform, String env, String uuid) {
    return key(new Scope(platform, customer, env), uuid);
  }

  /** Replaces the intent of the node {@code key}. */
  public void put(String key, NodeIntent intent) {
    var json = IntentCodec.toJson(intent);
    change(key, o -> {
      long changed = o.getLong(ReplicaFeed.CHANGED, 0L); // stamps only grow
      o.clear();
      o.mergeIn(json).put(ReplicaFeed.CHANGED, changed);
    });
  }

  /** Every node of a platform's environment, told its cloud and endpoints. */
  public void register(PlatformIntents p) {
    for (NodeIntent n : p.placedNodes()) {
      put(key(p.scope(), n.uuid()), n);
    }
  }

  /** Every intent by key; one that cannot be read is left out (and said), so that it stops no other. */
  public Map<String, NodeIntent> all() {
    Map<String, NodeIntent> out = new LinkedHashMap<>();
    entries().forEach((k, v) -> decode(k, v).ifPresent(i -> out.put(k, i)));
    return out;
  }

  /** The intent of {@code key}; empty when there is none, or when it cannot be read (said in the log). */
  public Optional<NodeIntent> get(String key) {
    return find(key).flatMap(v -> decode(key, v));
  }

  /**
   * An entry another controller replicated or a hand edit left unreadable (a kind this build does
   * not know, a value of the wrong type): the node is treated as one without an intent.
   */
  private static Optional<NodeIntent> decode(String key, io.vertx.core.json.JsonObject v) {
    try {
      return Optional.of(IntentCodec.nodeFromJson(v));
    } catch (RuntimeException e) {
      LOG.warning(() -> "intents: the intent of " + key + " cannot be read (" + e + "); provision again to replace it");
      return Optional.empty();
    }
  }

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("baton.intents");

  /** The intent of the node {@code uuid} of a platform's environment. */
  public Optional<NodeIntent> get(Scope scope, String uuid) {
    return get(key(scope, uuid));
  }
}
