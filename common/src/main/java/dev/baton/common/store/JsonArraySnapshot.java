package dev.baton.common.store;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Encodes a map's values as JSON, re-encoding only the values that changed since the last call,
 * and says which changed: a {@link GroupCommitFile} appends those to its journal and rewrites
 * the whole file only now and then. Values must be immutable (records): a value is known
 * unchanged when the map still holds the same object. Not thread-safe: call {@link #changes}
 * under the lock that guards the map.
 */
public final class JsonArraySnapshot<K, V> {
  private record Encoded(Object value, String json) {}

  /** What changed since the previous call, and the whole state as of this call. */
  public static final class Changes {
    private final List<String> changed;
    private final boolean removed;
    private final Map<?, Encoded> all;

    private Changes(List<String> changed, boolean removed, Map<?, Encoded> all) {
      this.changed = changed;
      this.removed = removed;
      this.all = all;
    }

    /** The values added or replaced since the previous call, each encoded as a JSON object. */
    public List<String> changed() {
      return changed;
    }

    /** Whether a value was removed since the previous call (a journal of changes cannot say so). */
    public boolean removed() {
      return removed;
    }

    public int size() {
      return all.size();
    }

    /** Every value, in the map's order, as one JSON array. */
    public String full() {
      StringBuilder out = new StringBuilder(all.size() * 256 + 2).append('[');
      boolean first = true;
      for (Encoded e : all.values()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(e.json());
      }
      return out.append(']').toString();
    }
  }

  private final Function<V, JsonObject> toJson;
  private Map<K, Encoded> encoded = new LinkedHashMap<>();

  public JsonArraySnapshot(Function<V, JsonObject> toJson) {
    this.toJson = toJson;
  }

  private boolean scanned;

  /**
   * What changed in {@code map} since the previous call, when the caller knows which keys it
   * touched (added, replaced or removed) since then: the work follows the changes, not the size of
   * the map. The first call looks at every value. Call it from one thread (the store's writer):
   * the state it returns is this object's own, changed by the next call.
   */
  public Changes changes(Map<K, V> map, java.util.Collection<K> touched) {
    if (!scanned) {
      return changes(map);
    }
    List<String> changed = new ArrayList<>();
    boolean removed = false;
    for (K k : touched) {
      V v = map.get(k);
      if (v == null) {
        removed |= encoded.remove(k) != null;
        continue;
      }
      Encoded before = encoded.get(k);
      if (before == null || before.value() != v) {
        Encoded current = new Encoded(v, toJson.apply(v).encode());
        encoded.put(k, current);
        changed.add(current.json());
      }
    }
    return new Changes(changed, removed, encoded);
  }

  /** What changed in {@code map} since the previous call: looks at every value. */
  public Changes changes(Map<K, V> map) {
    scanned = true;
    Map<K, Encoded> now = new LinkedHashMap<>(map.size() * 2);
    List<String> changed = new ArrayList<>();
    int kept = 0;
    for (Map.Entry<K, V> e : map.entrySet()) {
      Encoded before = encoded.get(e.getKey());
      Encoded current;
      if (before != null && before.value() == e.getValue()) {
        current = before;
        kept++;
      } else {
        current = new Encoded(e.getValue(), toJson.apply(e.getValue()).encode());
        changed.add(current.json());
        if (before != null) {
          kept++;
        }
      }
      now.put(e.getKey(), current);
    }
    boolean removed = kept < encoded.size();
    encoded = now;
    return new Changes(changed, removed, now);
  }
}
