package dev.baton.controller.plan;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.Schema;
import dev.baton.controller.definition.Schema.FieldInfo;
import dev.baton.controller.definition.model.OnChange;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.YamlEnum;
import dev.baton.controller.provider.Ref;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes a live resource must have, from its definition: the YAML keys of the kind's
 * fields, with references as {@link Ref}s to UUIDs.
 *
 * <p>A field is managed when it was written in the file or has a default. A field left out is
 * the cloud's business (its default, or what someone set) and is neither changed nor audited:
 * write it, even as {@code []}, to manage it. Fields marked {@link OnChange#NONE} are not
 * cloud attributes and never appear here.
 */
public final class DesiredState {
  /** The attribute that holds a resource's tags. */
  public static final String TAGS = "tags";

  private DesiredState() {}

  public static Map<String, Object> attributes(Platform platform, Resource r) {
    Map<String, Object> out = new LinkedHashMap<>();
    fill(out, platform, r, r.spec(), "", r.kind().specType());
    out.put(TAGS, platform.tagsOf(r));
    return out;
  }

  /** How a change of each top-level attribute of {@code kind} is applied. */
  public static Map<String, OnChange> modes(ResourceKind kind) {
    Map<String, OnChange> out = new LinkedHashMap<>();
    for (FieldInfo f : Schema.fields(kind.specType())) {
      out.put(f.key(), f.meta().onChange());
    }
    out.put(TAGS, OnChange.UPDATE);
    return out;
  }

  /** The cost of updating an attribute in place, for plans, or "". */
  public static String updateNote(ResourceKind kind, String attribute) {
    return Schema.fields(kind.specType()).stream().filter(f -> f.key().equals(attribute)).map(f -> f.meta().updateNote())
        .findFirst().orElse("");
  }

  /** Top-level attributes of {@code kind} that hold weak references (rules naming groups). */
  public static java.util.Set<String> weakKeys(ResourceKind kind) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (FieldInfo f : Schema.fields(kind.specType())) {
      if (hasWeak(f, 0)) {
        out.add(f.key());
      }
    }
    return out;
  }

  private static boolean hasWeak(FieldInfo f, int depth) {
    if (f.meta().weak()) {
      return true;
    }
    Class<?> inner = f.isList() || f.isMap() ? Schema.rawOf(f.element()) : f.raw();
    return depth < 4 && inner.isRecord() && Schema.fields(inner).stream().anyMatch(x -> hasWeak(x, depth + 1));
  }

  private static void fill(Map<String, Object> out, Platform platform, Resource r, Object record, String path,
      Class<?> type) {
    for (FieldInfo f : Schema.fields(type)) {
      if (f.meta().onChange() == OnChange.NONE) {
        continue;
      }
      String p = path.isEmpty() ? f.key() : path + "." + f.key();
      if (!r.positions().has(p) && f.meta().dflt().isEmpty()) {
        continue;
      }
      Object v = component(record, f);
      if (v == null) {
        continue;
      }
      out.put(f.key(), convert(platform, r, f, v, p));
    }
  }

  private static Object convert(Platform platform, Resource r, FieldInfo f, Object v, String path) {
    if (v instanceof List<?> list) {
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        items.add(convert(platform, r, f, list.get(i), path + "[" + i + "]"));
      }
      return items;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> m = new LinkedHashMap<>();
      map.forEach((k, val) -> m.put(k.toString(), val instanceof Record ? convertRecord(platform, r, (Record) val,
          path + "." + k) : val));
      return m;
    }
    if (v instanceof Record rec) {
      return convertRecord(platform, r, rec, path);
    }
    if (v instanceof YamlEnum e) {
      return e.yaml();
    }
    if (!f.meta().ref().isEmpty() && v instanceof String name) {
      ResourceKind target = ResourceKind.byYaml(f.meta().ref()).orElseThrow();
      return new Ref(platform.find(target, name).orElseThrow().uuid());
    }
    return v;
  }

  private static Map<String, Object> convertRecord(Platform platform, Resource r, Record rec, String path) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (FieldInfo f : Schema.fields(rec.getClass())) {
      Object v = component(rec, f);
      if (v == null || f.meta().onChange() == OnChange.NONE) {
        continue;
      }
      m.put(f.key(), convert(platform, r, f, v, path + "." + f.key()));
    }
    return m;
  }

  private static Object component(Object record, FieldInfo f) {
    try {
      for (var rc : record.getClass().getRecordComponents()) {
        if (Schema.yamlKey(rc.getName()).equals(f.key())) {
          return rc.getAccessor().invoke(record);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no component " + f.key() + " in " + record.getClass());
  }
}
