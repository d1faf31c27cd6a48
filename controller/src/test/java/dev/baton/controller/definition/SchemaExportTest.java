package dev.baton.controller.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.model.ResourceKind;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The published JSON Schemas and the reference of docs/definitions.md are generated from the
 * model; these tests fail when they drift apart. Fix with: bin/controller schema --docs .
 */
class SchemaExportTest {
  static final Path ROOT = ExamplesTest.ROOT;
  static final String FIX = "; regenerate with: bin/controller schema --docs .";

  @Test
  void publishedPlatformSchemaMatchesTheModel() throws IOException {
    assertEquals(SchemaExport.platformSchema(), new JsonObject(Files.readString(ROOT.resolve(SchemaExport.PLATFORM_SCHEMA))),
        SchemaExport.PLATFORM_SCHEMA + " is out of date" + FIX);
  }

  @Test
  void publishedResourceSchemaMatchesTheModel() throws IOException {
    assertEquals(SchemaExport.resourceSchema(), new JsonObject(Files.readString(ROOT.resolve(SchemaExport.RESOURCE_SCHEMA))),
        SchemaExport.RESOURCE_SCHEMA + " is out of date" + FIX);
  }

  @Test
  void definitionsReferenceMatchesTheModel() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/definitions.md"));
    int b = doc.indexOf(SchemaExport.BEGIN);
    int e = doc.indexOf(SchemaExport.END);
    assertTrue(b >= 0 && e > b, "docs/definitions.md has the generated-reference markers");
    assertEquals(SchemaExport.referenceMarkdown().strip(), doc.substring(b, e + SchemaExport.END.length()).strip(),
        "the reference in docs/definitions.md is out of date" + FIX);
  }

  @Test
  void everyKindHasAnExampleInTheHandWrittenPartOfTheDocs() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/definitions.md"));
    String handWritten = doc.substring(0, doc.indexOf(SchemaExport.BEGIN));
    for (ResourceKind k : ResourceKind.values()) {
      assertTrue(handWritten.contains("kind: " + k.yaml()), "docs/definitions.md shows an example of " + k.yaml());
    }
  }

  @Test
  void theExamplesOfEveryKindInTheDocsValidate(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/definitions.md"));
    int start = doc.indexOf("## Examples of every kind");
    int open = doc.indexOf("```yaml\n", start) + "```yaml\n".length();
    String block = doc.substring(open, doc.indexOf("```", open));
    Files.writeString(tmp.resolve("platform.yaml"),
        "name: docs\ncustomer: docs\nprovider: aws\nregion: eu-west-1\ndomain: example.internal\n"
            + "controller: {endpoints: [controller.example.internal:7443]}\n");
    Files.writeString(tmp.resolve("all.yaml"), block);
    dev.baton.controller.cli.CliRun run = dev.baton.controller.cli.CliRun.of("validate", tmp.toString());
    assertEquals(0, run.exitCode(), run.err());
  }

  @Test
  void everyResourceKindIsInTheSchema() {
    JsonObject defs = SchemaExport.resourceSchema().getJsonObject("$defs");
    for (ResourceKind k : ResourceKind.values()) {
      JsonObject d = defs.getJsonObject(k.yaml());
      assertEquals(k.yaml(), d.getJsonObject("properties").getJsonObject("kind").getString("const"));
      assertEquals(false, d.getBoolean("additionalProperties"));
    }
  }
}
