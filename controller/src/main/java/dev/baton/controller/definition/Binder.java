package dev.baton.controller.definition;

import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import dev.baton.common.yaml.YNode;
import dev.baton.common.yaml.YNode.YMap;
import dev.baton.common.yaml.YNode.YScalar;
import dev.baton.common.yaml.YNode.YSeq;
import dev.baton.controller.definition.Schema.FieldInfo;
import dev.baton.controller.definition.model.Field;
import dev.baton.controller.definition.model.Format;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.YamlEnum;
import java.lang.reflect.Constructor;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a YAML tree into definition records, guided by their {@link Field} annotations. Every
 * problem goes to the diagnostics with its position; a field with a problem is left unset
 * (null), so one run reports every problem of every file. References met on the way are
 * collected, and {@code ${name}} variables are substituted in every text value.
 */
final class Binder {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}");

  private final Diagnostics diags;
  private final Map<String, String> variables;
  private final String variablesHint;
  private final List<Reference> references = new ArrayList<>();
  private Positions positions;

  /**
   * @param variables values of {@code ${name}}; null to leave texts as written
   * @param variablesHint where an operator defines variables, for the "undefined" message
   */
  Binder(Diagnostics diags, Map<String, String> variables, String variablesHint) {
    this.diags = diags;
    this.variables = variables;
    this.variablesHint = variablesHint;
  }

  /** Starts a new resource: positions and references are collected afresh. */
  void begin(Positions positions) {
    this.positions = positions;
    this.references.clear();
  }

  Diagnostics diagnostics() {
    return diags;
  }

  List<Reference> references() {
    return List.copyOf(references);
  }

  /** Binds a record from a mapping, reporting unknown keys against {@code fields}. */
  <T extends Record> T bind(Class<T> type, YMap map, String path) {
    List<FieldInfo> fields = Schema.fields(type);
    checkUnknownKeys(map, path, fields.stream().map(FieldInfo::key).toList(), describe(type));
    return construct(type, bindFields(fields, map, path));
  }

  /** Reports keys of {@code map} not among {@code known}. */
  void checkUnknownKeys(YMap map, String path, Collection<String> known, String what) {
    for (String key : map.keys().keySet()) {
      if (!known.contains(key)) {
        String hint = Suggest.didYouMean(key, known);
        if (hint.isEmpty()) {
          hint = "; the keys of " + what + " are: " + String.join(", ", known);
        }
        diags.error(map.keyPos(key), "unknown key \"" + key + "\" in " + what + hint);
      }
    }
  }

  /** Values for each field in order; null where unset or wrong. No unknown-key check. */
  Object[] bindFields(List<FieldInfo> fields, YMap map, String path) {
    Object[] args = new Object[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      FieldInfo f = fields.get(i);
      String p = path.isEmpty() ? f.key() : path + "." + f.key();
      YNode node = map.get(f.key());
      if (node == null || node instanceof YScalar s && s.isNull()) {
        if (f.meta().required()) {
          missing(f, map, node, p);
        }
        args[i] = defaultValue(f, map.pos());
        continue;
      }
      positions.put(p, node.pos());
      args[i] = value(f.type(), f.meta(), node, p);
      if (args[i] == null && !f.meta().dflt().isEmpty()) {
        args[i] = defaultValue(f, map.pos());
      } else if (args[i] == null && (f.isList() || f.isMap())) {
        args[i] = f.isList() ? List.of() : Map.of();
      }
    }
    return args;
  }

  private void missing(FieldInfo f, YMap map, YNode node, String path) {
    Pos pos = node != null ? map.keyPos(f.key()) : map.pos();
    if (f.key().equals("uuid")) {
      diags.error(pos, "missing uuid; add the line \"uuid: " + java.util.UUID.randomUUID()
          + "\" to this resource (a fresh UUID, never copied from another resource)");
      return;
    }
    String example = f.meta().example().isEmpty() ? "" : " (for example \"" + f.key() + ": " + f.meta().example() + "\")";
    if (node != null) {
      diags.error(pos, "\"" + f.key() + "\" has no value; it is required" + example);
    } else {
      diags.error(pos, "missing required key \"" + f.key() + "\": " + lowerFirst(f.meta().doc()) + example);
    }
  }

  private Object defaultValue(FieldInfo f, Pos pos) {
    if (f.meta().dflt().isEmpty()) {
      return f.isList() ? List.of() : f.isMap() ? Map.of() : null;
    }
    Diagnostics ignore = new Diagnostics();
    Binder b = new Binder(ignore, null, variablesHint);
    b.positions = new Positions(pos);
    YNode parsed = DefaultParser.parse(f.meta().dflt(), pos);
    Object v = b.value(f.type(), f.meta(), parsed, f.key());
    if (!ignore.isEmpty()) {
      throw new IllegalStateException("bad default for " + f.key() + ": " + ignore.sorted());
    }
    return v;
  }

  /** Converts one node to {@code type}; null (with an error reported) when it does not fit. */
  Object value(Type type, Field meta, YNode node, String path) {
    Class<?> raw = Schema.rawOf(type);
    if (raw == List.class) {
      if (!(node instanceof YSeq seq)) {
        diags.error(node.pos(), "\"" + leaf(path) + "\" must be a list, not " + node.describe()
            + "; write [a, b] or one \"- item\" per line");
        return null;
      }
      Type element = ((java.lang.reflect.ParameterizedType) type).getActualTypeArguments()[0];
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < seq.items().size(); i++) {
        YNode item = seq.items().get(i);
        String p = path + "[" + i + "]";
        positions.put(p, item.pos());
        if (item instanceof YScalar s && s.isNull()) {
          diags.error(item.pos(), "empty item in \"" + leaf(path) + "\"; remove the lone \"-\"");
          continue;
        }
        Object v = value(element, meta, item, p);
        if (v != null) {
          out.add(v);
        }
      }
      return List.copyOf(out);
    }
    if (raw == Map.class) {
      if (!(node instanceof YMap map)) {
        diags.error(node.pos(), "\"" + leaf(path) + "\" must be a mapping of keys to values, not " + node.describe());
        return null;
      }
      Type valueType = ((java.lang.reflect.ParameterizedType) type).getActualTypeArguments()[1];
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, YNode> e : map.values().entrySet()) {
        String p = path + "." + e.getKey();
        positions.put(p, e.getValue().pos());
        YNode v = e.getValue();
        if (Schema.rawOf(valueType).isRecord() && !Format.NAME.pattern().matcher(e.getKey()).matches()) {
          diags.error(map.keyPos(e.getKey()), "\"" + e.getKey() + "\" is not a valid name: " + Format.NAME.description());
        }
        if (v instanceof YScalar s && s.isNull() && valueType == String.class) {
          out.put(e.getKey(), "");
          continue;
        }
        Object converted = value(valueType, meta, v, p);
        if (converted != null) {
          out.put(e.getKey(), converted);
        }
      }
      return java.util.Collections.unmodifiableMap(out);
    }
    if (raw.isRecord()) {
      if (!(node instanceof YMap map)) {
        diags.error(node.pos(), "\"" + leaf(path) + "\" must be a mapping with keys such as "
            + String.join(", ", Schema.fields(raw).stream().limit(3).map(FieldInfo::key).toList())
            + ", not " + node.describe());
        return null;
      }
      List<FieldInfo> fields = Schema.fields(raw);
      checkUnknownKeys(map, path, fields.stream().map(FieldInfo::key).toList(), "\"" + leaf(path) + "\"");
      return construct(raw, bindFields(fields, map, path));
    }
    if (raw == Object.class) {
      return plain(node);
    }
    if (!(node instanceof YScalar s)) {
      diags.error(node.pos(), "\"" + leaf(path) + "\" must be " + expected(raw, meta) + ", not " + node.describe());
      return null;
    }
    String text = substitute(s);
    if (text == null) {
      return null;
    }
    if (raw == String.class) {
      return text(meta, text, s, path);
    }
    if (raw == Integer.class) {
      return integer(meta, text, s, path);
    }
    if (raw == Boolean.class) {
      if (text.equals("true") || text.equals("false")) {
        return Boolean.valueOf(text);
      }
      diags.error(s.pos(), "\"" + leaf(path) + "\" must be true or false, not \"" + text + "\"");
      return null;
    }
    if (raw.isEnum()) {
      return enumValue(raw, text, s, path);
    }
    throw new IllegalStateException("unsupported field type " + type);
  }

  private Object text(Field meta, String text, YScalar s, String path) {
    Format f = meta.format();
    String problem = null;
    switch (f) {
      case TEXT -> { }
      case CIDR -> problem = Net.cidrProblem(text);
      case IPV4 -> problem = Net.parseIpv4(text) < 0 ? "\"" + text + "\" is not " + f.description() : null;
      case DNS_NAME -> problem = Net.dnsNameProblem(text);
      case PORTS -> {
        String[] why = new String[1];
        problem = Net.parsePorts(text, why) == null ? why[0] : null;
      }
      default -> {
        if (!f.pattern().matcher(text).matches()) {
          problem = "\"" + text + "\" is not " + f.description();
        }
      }
    }
    if (problem != null) {
      diags.error(s.pos(), "\"" + leaf(path) + "\": " + problem);
      return null;
    }
    if (!meta.ref().isEmpty()) {
      ResourceKind target = ResourceKind.byYaml(meta.ref()).orElseThrow();
      references.add(new Reference(path, target, text, s.pos(), meta.weak()));
    }
    return text;
  }

  private Integer integer(Field meta, String text, YScalar s, String path) {
    long v;
    try {
      v = Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      diags.error(s.pos(), "\"" + leaf(path) + "\" must be a whole number, not \"" + text + "\"");
      return null;
    }
    long min = meta.min() == Long.MIN_VALUE ? Integer.MIN_VALUE : meta.min();
    long max = meta.max() == Long.MAX_VALUE ? Integer.MAX_VALUE : meta.max();
    if (v < min || v > max) {
      diags.error(s.pos(), "\"" + leaf(path) + "\" must be between " + min + " and " + max + ", not " + v);
      return null;
    }
    return (int) v;
  }

  private Object enumValue(Class<?> raw, String text, YScalar s, String path) {
    List<String> names = new ArrayList<>();
    for (Object c : raw.getEnumConstants()) {
      String n = ((YamlEnum) c).yaml();
      if (n.equals(text)) {
        return c;
      }
      names.add(n);
    }
    String hint = Suggest.didYouMean(text, names);
    diags.error(s.pos(), "\"" + leaf(path) + "\" must be one of " + String.join(", ", names) + ", not \"" + text
        + "\"" + hint);
    return null;
  }

  /** The text of a scalar with {@code ${name}} replaced; null (reported) when a variable is undefined. */
  String substitute(YScalar s) {
    String text = s.text();
    if (variables == null || text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = VARIABLE.matcher(text);
    StringBuilder sb = new StringBuilder();
    boolean ok = true;
    while (m.find()) {
      if (m.group(1) == null) {
        m.appendReplacement(sb, Matcher.quoteReplacement("${"));
        continue;
      }
      String name = m.group(1).trim();
      String v = variables.get(name);
      if (v == null) {
        ok = false;
        diags.error(s.pos(), "undefined variable \"${" + name + "}\"; define it under \"variables:\" " + variablesHint
            + Suggest.didYouMean(name, variables.keySet()));
        m.appendReplacement(sb, "");
      } else {
        m.appendReplacement(sb, Matcher.quoteReplacement(v));
      }
    }
    m.appendTail(sb);
    return ok ? sb.toString() : null;
  }

  private Object plain(YNode node) {
    if (node instanceof YScalar s) {
      return s.isNull() ? null : substitute(s);
    }
    if (node instanceof YSeq seq) {
      List<Object> out = new ArrayList<>();
      seq.items().forEach(i -> out.add(plain(i)));
      return out;
    }
    YMap map = (YMap) node;
    Map<String, Object> out = new LinkedHashMap<>();
    map.values().forEach((k, v) -> out.put(k, plain(v)));
    return out;
  }

  private static String expected(Class<?> raw, Field meta) {
    if (raw == Integer.class) {
      return "a whole number";
    }
    if (raw == Boolean.class) {
      return "true or false";
    }
    if (raw.isEnum()) {
      return "one of " + String.join(", ", Arrays.stream(raw.getEnumConstants()).map(c -> ((YamlEnum) c).yaml()).toList());
    }
    return meta.format() == Format.TEXT ? "a text" : meta.format().description();
  }

  static String describe(Class<?> type) {
    dev.baton.controller.definition.model.Kind k = type.getAnnotation(dev.baton.controller.definition.model.Kind.class);
    if (k != null) {
      return Words.a(k.value());
    }
    return type.getSimpleName().replace("Spec", "").toLowerCase(java.util.Locale.ROOT);
  }

  private static String leaf(String path) {
    String p = path.replaceAll("\\[\\d+]$", "");
    int dot = p.lastIndexOf('.');
    return dot < 0 ? p : p.substring(dot + 1);
  }

  private static String lowerFirst(String s) {
    if (s.length() < 2 || Character.isUpperCase(s.charAt(1))) {
      return s;
    }
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  @SuppressWarnings("unchecked")
  static <T> T construct(Class<?> type, Object[] args) {
    try {
      Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(rc -> rc.getType()).toArray(Class<?>[]::new);
      Constructor<?> c = type.getDeclaredConstructor(types);
      return (T) c.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
    }
  }

  /** Keys a set of fields declares. */
  static Set<String> keys(List<FieldInfo> fields) {
    Set<String> out = new java.util.LinkedHashSet<>();
    fields.forEach(f -> out.add(f.key()));
    return out;
  }
}
