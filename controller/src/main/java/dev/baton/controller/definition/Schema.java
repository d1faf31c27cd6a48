package dev.baton.controller.definition;

import dev.baton.controller.definition.model.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The fields of a definition record, read once from its {@link Field} annotations. */
public final class Schema {
  private static final Map<Class<?>, List<FieldInfo>> CACHE = new ConcurrentHashMap<>();

  private Schema() {}

  /** One field: its YAML key, its metadata and its Java type. */
  public record FieldInfo(String key, Field meta, Type type) {
    public Class<?> raw() {
      return rawOf(type);
    }

    public boolean isList() {
      return raw() == List.class;
    }

    public boolean isMap() {
      return raw() == Map.class;
    }

    /** The element type of a list or the value type of a map; the type itself otherwise. */
    public Type element() {
      if (type instanceof ParameterizedType p) {
        Type[] args = p.getActualTypeArguments();
        return args[args.length - 1];
      }
      return type;
    }
  }

  public static List<FieldInfo> fields(Class<?> recordType) {
    return CACHE.computeIfAbsent(recordType, Schema::read);
  }

  private static List<FieldInfo> read(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type + " is not a record");
    }
    List<FieldInfo> out = new ArrayList<>();
    for (RecordComponent rc : type.getRecordComponents()) {
      Field meta = rc.getAnnotation(Field.class);
      if (meta == null) {
        throw new IllegalStateException(type.getSimpleName() + "." + rc.getName() + " has no @Field");
      }
      out.add(new FieldInfo(yamlKey(rc.getName()), meta, rc.getGenericType()));
    }
    return List.copyOf(out);
  }

  /** {@code instanceType} is written {@code instance_type}; a trailing '_' (Java keywords) is dropped. */
  public static String yamlKey(String javaName) {
    String n = javaName.endsWith("_") ? javaName.substring(0, javaName.length() - 1) : javaName;
    StringBuilder sb = new StringBuilder();
    for (char c : n.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  public static Class<?> rawOf(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("unsupported type " + t);
  }
}
