package dev.baton.controller.handoff;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What each node of a platform is to become — its name and hand-off settings from the
 * definitions — registered by {@code provision} before instances launch, so that the
 * controller knows how to hand off a node that registers at any hour. Keyed by platform,
 * environment and resource UUID; written atomically.
 */
public final class IntentStore implements dev.baton.controller.cluster.Replicated {
  private final Path file;
  private final JsonObject intents;

  public IntentStore(Path file) {
    this.file = file;
    try {
      intents = Files.exists(file) ? new JsonObject(Files.readString(file)) : new JsonObject();
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "intents: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static String key(String customer, String platform, String env, String uuid) {
    return customer + "/" + platform + "/" + (env == null ? "-" : env) + "/" + uuid;
  }

  /** @param intent {@code {name, kind, handoff: {...}}} */
  public synchronized void put(String key, JsonObject intent) {
    JsonObject stamped = intent.copy().put("changed", Math.max(System.currentTimeMillis(),
        Optional.ofNullable(intents.getJsonObject(key)).map(o -> o.getLong("changed", 0L) + 1).orElse(0L)));
    intents.put(key, stamped);
    write();
    feed.publish(dev.baton.controller.cluster.ReplicaFeed.record("key", key, "intent", stamped));
  }

  private void write() {
    try {
      CertificateAuthority.writeAtomically(file, intents.encodePrettily(), false);
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "intents: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private final dev.baton.controller.cluster.ReplicaFeed feed = new dev.baton.controller.cluster.ReplicaFeed();

  @Override
  public String replicaName() {
    return "intents";
  }

  @Override
  public synchronized io.vertx.core.json.JsonArray snapshot() {
    return dev.baton.controller.cluster.ReplicaFeed.snapshot(intents, "key", "intent");
  }

  /** An intent from another controller replaces this one's when it was put later. */
  @Override
  public synchronized void merge(JsonObject record) {
    String key = record.getString("key");
    JsonObject in = record.getJsonObject("intent");
    if (key == null || !dev.baton.controller.cluster.ReplicaFeed.newer(intents.getJsonObject(key), in)) {
      return;
    }
    intents.put(key, in.copy());
    write();
  }

  @Override
  public void onLocalChange(java.util.function.Consumer<JsonObject> listener) {
    feed.add(listener);
  }

  /** Every intent by key (copies). */
  public synchronized java.util.Map<String, JsonObject> all() {
    java.util.Map<String, JsonObject> out = new java.util.LinkedHashMap<>();
    intents.forEach(e -> out.put(e.getKey(), ((JsonObject) e.getValue()).copy()));
    return out;
  }

  /** The scope of a key: customer, platform, environment (null when none). */
  public static String[] scopeOf(String key) {
    String[] p = key.split("/", 4);
    return new String[] {p[0], p[1], "-".equals(p[2]) ? null : p[2]};
  }

  public synchronized Optional<JsonObject> get(String key) {
    return Optional.ofNullable(intents.getJsonObject(key)).map(JsonObject::copy);
  }
}
