package dev.baton.common.store;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Encodes a map's values as one JSON array, re-encoding only the values that changed since the
 * last snapshot. Values must be immutable (records): a value is known unchanged when the map
 * still holds the same object. A store that rewrites its whole file on every group commit then
 * pays for the changes, not for every record again. Not thread-safe: call it under the lock
 * that guards the map.
 */
public final class JsonArraySnapshot<K, V> {
  private record Encoded(Object value, String json) {}

  private final Function<V, JsonObject> toJson;
  private Map<K, Encoded> encoded = new HashMap<>();

  public JsonArraySnapshot(Function<V, JsonObject> toJson) {
    this.toJson = toJson;
  }

  /** The values of {@code map}, in its iteration order, as a JSON array. */
  public String encode(Map<K, V> map) {
    Map<K, Encoded> now = new HashMap<>(map.size() * 2);
    StringBuilder out = new StringBuilder(map.size() * 256 + 2).append('[');
    boolean first = true;
    for (Map.Entry<K, V> e : map.entrySet()) {
      Encoded before = encoded.get(e.getKey());
      Encoded current = before != null && before.value() == e.getValue() ? before
          : new Encoded(e.getValue(), toJson.apply(e.getValue()).encode());
      now.put(e.getKey(), current);
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(current.json());
    }
    encoded = now;
    return out.append(']').toString();
  }
}
