package dev.baton.controller.definition;

import dev.baton.controller.definition.Schema.FieldInfo;
import dev.baton.controller.definition.model.CommonFields;
import dev.baton.controller.definition.model.Format;
import dev.baton.controller.definition.model.PlatformSpec;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.YamlEnum;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schemas of definition files (for editors) and the reference tables of
 * docs/definitions.md, both generated from the {@code @Field} annotations of the model.
 */
public final class SchemaExport {
  /** Where the published schemas live, relative to the repository root. */
  public static final String PLATFORM_SCHEMA = "docs/schema/platform.schema.json";
  public static final String RESOURCE_SCHEMA = "docs/schema/resource.schema.json";
  public static final String BEGIN = "<!-- BEGIN GENERATED REFERENCE: controller schema --docs -->";
  public static final String END = "<!-- END GENERATED REFERENCE -->";
  private static final String VARIABLE = "\\$\\{[^}]+\\}";

  private SchemaExport() {}

  /** The schema of platform.yaml. */
  public static JsonObject platformSchema() {
    Map<String, JsonObject> defs = new LinkedHashMap<>();
    JsonObject root = new JsonObject()
        .put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("$id", "https://baton.dev/schema/platform.schema.json")
        .put("title", "Baton platform.yaml")
        .put("description", "One customer's platform: name, customer, provider, region, environments.");
    objectInto(root, Schema.fields(PlatformSpec.class), defs);
    if (!defs.isEmpty()) {
      root.put("$defs", new JsonObject(new LinkedHashMap<>(defs)));
    }
    return root;
  }

  /** The schema of one resource document (a file may hold several, separated by ---). */
  public static JsonObject resourceSchema() {
    Map<String, JsonObject> defs = new LinkedHashMap<>();
    JsonArray branches = new JsonArray();
    List<FieldInfo> common = Schema.fields(CommonFields.class);
    for (ResourceKind k : ResourceKind.values()) {
      List<FieldInfo> all = new ArrayList<>(common);
      all.addAll(Schema.fields(k.specType()));
      JsonObject kindSchema = new JsonObject().put("description", k.doc());
      objectInto(kindSchema, all, defs);
      kindSchema.getJsonObject("properties").put("kind", new JsonObject().put("const", k.yaml()));
      defs.put(k.yaml(), kindSchema);
      branches.add(new JsonObject()
          .put("if", new JsonObject().put("properties", new JsonObject().put("kind", new JsonObject().put("const", k.yaml())))
              .put("required", new JsonArray().add("kind")))
          .put("then", new JsonObject().put("$ref", "#/$defs/" + k.yaml())));
    }
    return new JsonObject()
        .put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("$id", "https://baton.dev/schema/resource.schema.json")
        .put("title", "Baton resource")
        .put("description", "One resource of a platform; the kind decides its fields.")
        .put("type", "object")
        .put("required", new JsonArray().add("kind").add("name").add("uuid"))
        .put("properties", new JsonObject().put("kind", new JsonObject().put("enum", new JsonArray(ResourceKind.yamlNames()))))
        .put("allOf", branches)
        .put("$defs", new JsonObject(new LinkedHashMap<>(defs)));
  }

  private static void objectInto(JsonObject target, List<FieldInfo> fields, Map<String, JsonObject> defs) {
    JsonObject props = new JsonObject();
    JsonArray required = new JsonArray();
    for (FieldInfo f : fields) {
      JsonObject p = typeSchema(f, f.raw(), f.element(), defs);
      p.put("description", f.meta().doc());
      if (!f.meta().dflt().isEmpty()) {
        p.put("default", DefaultJson.of(f.meta().dflt()));
      }
      props.put(f.key(), p);
      if (f.meta().required()) {
        required.add(f.key());
      }
    }
    target.put("type", "object").put("properties", props).put("additionalProperties", false);
    if (!required.isEmpty()) {
      target.put("required", required);
    }
  }

  private static JsonObject typeSchema(FieldInfo f, Class<?> raw, java.lang.reflect.Type element,
      Map<String, JsonObject> defs) {
    if (raw == List.class) {
      return new JsonObject().put("type", "array").put("items", scalarOrRecord(f, Schema.rawOf(element), defs));
    }
    if (raw == Map.class) {
      return new JsonObject().put("type", "object")
          .put("additionalProperties", scalarOrRecord(f, Schema.rawOf(element), defs));
    }
    return scalarOrRecord(f, raw, defs);
  }

  private static JsonObject scalarOrRecord(FieldInfo f, Class<?> raw, Map<String, JsonObject> defs) {
    if (raw.isRecord()) {
      String name = defName(raw);
      if (!defs.containsKey(name)) {
        JsonObject def = new JsonObject();
        defs.put(name, def);
        objectInto(def, Schema.fields(raw), defs);
      }
      return new JsonObject().put("$ref", "#/$defs/" + name);
    }
    if (raw == Object.class) {
      return new JsonObject();
    }
    JsonObject withVariable = new JsonObject().put("type", "string").put("pattern", VARIABLE);
    if (raw == Integer.class) {
      JsonObject n = new JsonObject().put("type", "integer");
      if (f.meta().min() != Long.MIN_VALUE) {
        n.put("minimum", f.meta().min());
      }
      if (f.meta().max() != Long.MAX_VALUE) {
        n.put("maximum", f.meta().max());
      }
      return new JsonObject().put("anyOf", new JsonArray().add(n).add(withVariable));
    }
    if (raw == Boolean.class) {
      return new JsonObject().put("anyOf", new JsonArray().add(new JsonObject().put("type", "boolean")).add(withVariable));
    }
    if (raw.isEnum()) {
      JsonArray values = new JsonArray(Arrays.stream(raw.getEnumConstants()).map(c -> ((YamlEnum) c).yaml()).toList());
      return new JsonObject().put("anyOf", new JsonArray().add(new JsonObject().put("enum", values)).add(withVariable));
    }
    JsonObject s = new JsonObject().put("type", f.meta().format() == Format.PORTS ? new JsonArray().add("string")
        .add("integer") : "string");
    Format fmt = f.meta().format();
    if (fmt.pattern() != null) {
      s.put("pattern", fmt.pattern().pattern() + "|" + VARIABLE);
    }
    return s;
  }

  private static String defName(Class<?> raw) {
    String n = raw.getSimpleName().replace("Spec", "");
    return Schema.yamlKey(Character.toLowerCase(n.charAt(0)) + n.substring(1));
  }

  /** The generated reference section of docs/definitions.md, between {@link #BEGIN} and {@link #END}. */
  public static String referenceMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append(BEGIN).append("\n\n");
    sb.append("## Reference\n\n");
    sb.append("Generated from the model by `controller schema --docs`; a test keeps it in step.\n\n");
    sb.append("### platform.yaml\n\n");
    table(sb, Schema.fields(PlatformSpec.class), List.of());
    sb.append("### Fields of every resource\n\n");
    table(sb, Schema.fields(CommonFields.class), List.of());
    for (ResourceKind k : ResourceKind.values()) {
      sb.append("### ").append(k.yaml()).append("\n\n").append(k.doc()).append("\n\n");
      List<FieldInfo> own = Schema.fields(k.specType());
      if (own.isEmpty()) {
        sb.append("No fields beyond those of every resource.\n\n");
      } else {
        table(sb, own, List.of());
      }
    }
    sb.append(END).append('\n');
    return sb.toString();
  }

  private static void table(StringBuilder sb, List<FieldInfo> fields, List<Class<?>> seen) {
    List<Class<?>> nested = new ArrayList<>();
    sb.append("| key | type | required | default | meaning |\n|---|---|---|---|---|\n");
    for (FieldInfo f : fields) {
      Class<?> inner = f.isList() || f.isMap() ? Schema.rawOf(f.element()) : f.raw();
      if (inner.isRecord() && !seen.contains(inner) && !nested.contains(inner)) {
        nested.add(inner);
      }
      sb.append("| `").append(f.key()).append("` | ").append(typeName(f)).append(" | ")
          .append(f.meta().required() ? "yes" : "").append(" | ")
          .append(f.meta().dflt().isEmpty() ? "" : "`" + f.meta().dflt() + "`").append(" | ")
          .append(f.meta().doc().replace("|", "\\|"))
          .append(f.meta().onChange() == dev.baton.controller.definition.model.OnChange.REPLACE
              ? ". **Changing it replaces the resource**" : "")
          .append(f.meta().updateNote().isEmpty() ? "" : ". Changing it " + f.meta().updateNote())
          .append(f.meta().example().isEmpty() ? "" : ". Example: `" + f.meta().example() + "`").append(" |\n");
    }
    sb.append('\n');
    List<Class<?>> all = new ArrayList<>(seen);
    all.addAll(nested);
    for (Class<?> n : nested) {
      sb.append("**").append(defName(n)).append("** (inside the fields above)\n\n");
      table(sb, Schema.fields(n), all);
    }
  }

  private static String typeName(FieldInfo f) {
    String base = baseName(f, f.isList() || f.isMap() ? Schema.rawOf(f.element()) : f.raw());
    if (f.isList()) {
      return "list of " + base;
    }
    if (f.isMap()) {
      return "map of " + base;
    }
    return base;
  }

  private static String baseName(FieldInfo f, Class<?> raw) {
    if (!f.meta().ref().isEmpty()) {
      return "name of " + Words.a(f.meta().ref());
    }
    if (raw.isRecord()) {
      return defName(raw);
    }
    if (raw == Integer.class) {
      String range = f.meta().min() != Long.MIN_VALUE ? " " + f.meta().min() + "–" + f.meta().max() : "";
      return "number" + range;
    }
    if (raw == Boolean.class) {
      return "true/false";
    }
    if (raw == Object.class) {
      return "any YAML";
    }
    if (raw.isEnum()) {
      return String.join(" \\| ", Arrays.stream(raw.getEnumConstants()).map(c -> ((YamlEnum) c).yaml()).toList());
    }
    return switch (f.meta().format()) {
      case TEXT -> "text";
      case NAME -> "name";
      case UUID -> "UUID";
      case CIDR -> "CIDR";
      case IPV4 -> "IPv4 address";
      case AZ -> "zone";
      case DNS_NAME -> "DNS name";
      case PORTS -> "port or range";
      case DEVICE -> "device";
      case ARN -> "ARN";
      case ACCOUNT_ID -> "account ID";
      case AMI -> "image ID";
      case INSTANCE_TYPE -> "instance type";
      case ADDRESS -> "KIND/NAME";
      case ENDPOINT -> "HOST:PORT";
      case SERVICE -> "service principal";
      case PACKAGE -> "package name";
      case URL -> "URL";
      case S3_URI -> "S3 URI";
      case TARGET_GROUP -> "target group name or ARN";
    };
  }

  /** Turns a default's YAML text into its JSON value. */
  static final class DefaultJson {
    private DefaultJson() {}

    static Object of(String yaml) {
      Object v = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
          new org.yaml.snakeyaml.LoaderOptions())).load(yaml);
      if (v instanceof List<?> l) {
        return new JsonArray(new ArrayList<>(l));
      }
      return v;
    }
  }
}
