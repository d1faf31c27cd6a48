package dev.baton.controller.definition;

import dev.baton.controller.definition.Schema.FieldInfo;
import dev.baton.controller.definition.model.CommonFields;
import dev.baton.controller.definition.model.PlatformSpec;
import dev.baton.controller.definition.model.ResourceKind;
import java.util.List;
import java.util.UUID;

/**
 * Writes a new definition file: every field present, each with its description as a comment.
 * Required fields are written with an example value to replace; optional ones are commented
 * out with their default or an example.
 */
public final class Scaffold {
  private static final int WRAP = 100;

  private Scaffold() {}

  public static String resource(ResourceKind kind, String name, UUID uuid) {
    StringBuilder sb = new StringBuilder();
    comment(sb, "", kind.yaml() + ": " + kind.doc());
    sb.append("# Reference: docs/definitions.md#").append(kind.yaml().replace('_', '-')).append('\n');
    sb.append("# Fields marked REQUIRED hold an example value: replace it. Optional fields are commented out.\n\n");
    sb.append("kind: ").append(kind.yaml()).append('\n');
    sb.append("name: ").append(name).append('\n');
    comment(sb, "", "Identity of this resource in the cloud. Never change it or copy it to another resource.");
    sb.append("uuid: ").append(uuid).append('\n');
    List<FieldInfo> common = Schema.fields(CommonFields.class).stream()
        .filter(f -> !List.of("kind", "name", "uuid").contains(f.key())).toList();
    fields(sb, Schema.fields(kind.specType()), "", false);
    fields(sb, common, "", false);
    return sb.toString();
  }

  public static String platform(String name) {
    StringBuilder sb = new StringBuilder();
    comment(sb, "", "platform.yaml: one customer's platform. Every other *.yaml file in this directory (and its"
        + " sub-folders) holds resources of this platform.");
    sb.append("# Reference: docs/definitions.md#platform-yaml\n");
    sb.append("# Fields marked REQUIRED hold an example value: replace it. Optional fields are commented out.\n\n");
    sb.append("name: ").append(name).append('\n');
    List<FieldInfo> rest = Schema.fields(PlatformSpec.class).stream().filter(f -> !f.key().equals("name")).toList();
    fields(sb, rest, "", false);
    return sb.toString();
  }

  private static void fields(StringBuilder sb, List<FieldInfo> fields, String indent, boolean commentedOut) {
    for (FieldInfo f : fields) {
      sb.append('\n');
      boolean required = (f.meta().required() || f.meta().scaffold()) && !commentedOut;
      String label = f.meta().doc() + (f.meta().required() && !commentedOut ? " REQUIRED."
          : required ? " Example value: replace it." : "")
          + (!f.meta().dflt().isEmpty() ? " Default: " + f.meta().dflt() + "." : "")
          + (!f.meta().ref().isEmpty() ? " Names " + Words.a(f.meta().ref()) + " of this platform." : "");
      comment(sb, indent, label);
      String prefix = indent + (required ? "" : "# ");
      Class<?> raw = f.raw();
      String value = !f.meta().example().isEmpty() ? f.meta().example() : f.meta().dflt();
      if (raw.isRecord() && (value.isEmpty() || f.meta().required())) {
        sb.append(prefix).append(f.key()).append(":\n");
        fields(sb, Schema.fields(raw), indent + "  ", !required);
      } else if (f.isList() && Schema.rawOf(f.element()).isRecord() && value.isEmpty()) {
        sb.append(prefix).append(f.key()).append(":\n");
        List<FieldInfo> inner = Schema.fields(Schema.rawOf(f.element()));
        sb.append(prefix).append("  -\n");
        fields(sb, inner, indent + "    ", !required);
      } else {
        sb.append(prefix).append(f.key()).append(": ").append(value.isEmpty() ? "" : value).append('\n');
      }
    }
  }

  private static void comment(StringBuilder sb, String indent, String text) {
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + indent.length() + 3 > WRAP && line.length() > 0) {
        sb.append(indent).append("# ").append(line.toString().stripTrailing()).append('\n');
        line.setLength(0);
      }
      line.append(word).append(' ');
    }
    if (line.length() > 0) {
      sb.append(indent).append("# ").append(line.toString().stripTrailing()).append('\n');
    }
  }
}
