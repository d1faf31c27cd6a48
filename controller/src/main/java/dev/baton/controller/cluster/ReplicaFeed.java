package dev.baton.controller.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a {@link Replicated} store shares with the others: who hears its local changes, and for
 * stores that keep JSON objects by key, their snapshot and which copy is newer (the one with the
 * later {@code changed} stamp).
 */
public final class ReplicaFeed {
  /** The stamp a replicated JSON object carries: when it last changed here (larger is newer). */
  public static final String CHANGED = "changed";

  private final List<Consumer<JsonObject>> listeners = new CopyOnWriteArrayList<>();

  public void add(Consumer<JsonObject> listener) {
    listeners.add(listener);
  }

  /** Tells every listener of a record changed here. */
  public void publish(JsonObject record) {
    listeners.forEach(l -> l.accept(record));
  }

  /** A record of a keyed store as sent: {@code {KEYNAME: key, VALUENAME: value}}. */
  public static JsonObject record(String keyName, String key, String valueName, JsonObject value) {
    return new JsonObject().put(keyName, key).put(valueName, value.copy());
  }

  /** Every entry of a keyed store, as records. */
  public static JsonArray snapshot(Iterable<? extends java.util.Map.Entry<String, ?>> entries, String keyName,
      String valueName) {
    JsonArray a = new JsonArray();
    entries.forEach(e -> a.add(record(keyName, e.getKey(), valueName, (JsonObject) e.getValue())));
    return a;
  }

  /** True when {@code incoming} changed later than {@code current} (or there is no current). */
  public static boolean newer(JsonObject current, JsonObject incoming) {
    return incoming != null && (current == null || incoming.getLong(CHANGED, 0L) > current.getLong(CHANGED, 0L));
  }
}
