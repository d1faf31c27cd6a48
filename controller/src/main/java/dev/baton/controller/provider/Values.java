package dev.baton.controller.provider;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Walks attribute values: nested mappings and lists down to their leaves. */
public final class Values {
  private Values() {}

  /** Calls {@code leaf} for every value that is neither a mapping nor a list. */
  public static void forEachLeaf(Object v, Consumer<Object> leaf) {
    if (v instanceof Map<?, ?> m) {
      m.values().forEach(x -> forEachLeaf(x, leaf));
    } else if (v instanceof List<?> l) {
      l.forEach(x -> forEachLeaf(x, leaf));
    } else if (v != null) {
      leaf.accept(v);
    }
  }

  /**
   * The same tree as JSON: mappings become objects, lists arrays, and every other value what
   * {@code leaf} makes of it.
   */
  public static Object toJson(Object v, java.util.function.Function<Object, Object> leaf) {
    if (v instanceof Map<?, ?> m) {
      io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject();
      m.forEach((k, x) -> o.put(k.toString(), toJson(x, leaf)));
      return o;
    }
    if (v instanceof List<?> l) {
      io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
      l.forEach(x -> a.add(toJson(x, leaf)));
      return a;
    }
    return leaf.apply(v);
  }

  /** True when some leaf of {@code v} equals {@code target} (a {@link CloudId} or a {@link Ref}). */
  public static boolean mentions(Object v, Object target) {
    if (v instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(x -> mentions(x, target));
    }
    if (v instanceof List<?> l) {
      return l.stream().anyMatch(x -> mentions(x, target));
    }
    return target.equals(v);
  }
}
