package dev.baton.controller.handoff;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What each node of a platform is to become — its name and hand-off settings from the
 * definitions — registered by {@code provision} before instances launch, so that the
 * controller knows how to hand off a node that registers at any hour. Keyed by platform,
 * environment and resource UUID; written atomically; in a cluster, every controller keeps it.
 */
public final class IntentStore extends dev.baton.controller.cluster.StampedJsonMap {

  public IntentStore(Path file) {
    super(file, "intents", "key", "intent", false);
  }

  /** The key of the node {@code uuid} of a platform's environment: {@code customer/platform/env/uuid}. */
  public static String key(dev.baton.controller.provider.Scope scope, String uuid) {
    return scope.key() + "/" + uuid;
  }

  public static String key(String customer, String platform, String env, String uuid) {
    return key(new dev.baton.controller.provider.Scope(platform, customer, env), uuid);
  }

  /** @param intent {@code {name, kind, handoff: {...}}}: replaces what was there */
  public void put(String key, JsonObject intent) {
    change(key, o -> {
      long changed = o.getLong(dev.baton.controller.cluster.ReplicaFeed.CHANGED, 0L); // stamps only grow
      o.clear();
      o.mergeIn(intent.copy()).put(dev.baton.controller.cluster.ReplicaFeed.CHANGED, changed);
    });
  }

  /** Every intent by key (copies). */
  public Map<String, JsonObject> all() {
    return entries();
  }

  public Optional<JsonObject> get(String key) {
    return find(key);
  }
}
