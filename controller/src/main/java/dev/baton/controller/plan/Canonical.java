package dev.baton.controller.plan;

import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.Ref;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Values in a form where equal means "the same for the cloud": empty values dropped from
 * mappings, lists compared as unordered collections, numbers as longs, and live cloud IDs of
 * known resources turned back into references.
 */
final class Canonical {
  private Canonical() {}

  static Object of(Object v, Function<CloudId, Object> ids) {
    if (v instanceof CloudId id) {
      return ids.apply(id);
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, val) -> {
        Object c = of(val, ids);
        if (!isEmpty(c)) {
          out.put(k.toString(), c);
        }
      });
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      c.forEach(x -> out.add(of(x, ids)));
      out.sort(Comparator.comparing(String::valueOf));
      return out;
    }
    return v;
  }

  static boolean isEmpty(Object v) {
    return v == null || v instanceof String s && s.isEmpty() || v instanceof Collection<?> c && c.isEmpty()
        || v instanceof Map<?, ?> m && m.isEmpty();
  }

  /** A value for people: references by address, lists and maps in YAML flow style. */
  static String show(Object v, Function<String, String> addressOfUuid) {
    if (v == null) {
      return "(none)";
    }
    if (v instanceof Ref r) {
      return addressOfUuid.apply(r.uuid());
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, val) -> parts.add(k + ": " + show(val, addressOfUuid)));
      return "{" + String.join(", ", parts) + "}";
    }
    if (v instanceof Collection<?> c) {
      List<String> parts = new ArrayList<>();
      c.forEach(x -> parts.add(show(x, addressOfUuid)));
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(v);
  }
}
