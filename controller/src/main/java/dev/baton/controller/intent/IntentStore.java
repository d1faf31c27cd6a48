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

  /** Every intent by key. */
  public Map<String, NodeIntent> all() {
    Map<String, NodeIntent> out = new LinkedHashMap<>();
    entries().forEach((k, v) -> out.put(k, IntentCodec.nodeFromJson(v)));
    return out;
  }

  public Optional<NodeIntent> get(String key) {
    return find(key).map(IntentCodec::nodeFromJson);
  }

  /** The intent of the node {@code uuid} of a platform's environment. */
  public Optional<NodeIntent> get(Scope scope, String uuid) {
    return get(key(scope, uuid));
  }
}
