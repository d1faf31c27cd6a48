package dev.baton.controller.cli;

import dev.baton.controller.definition.SchemaExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code controller schema}: prints the JSON Schema of definition files, or refreshes the docs. */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = {"Print the JSON Schema of resource files (or of platform.yaml with --platform), for editors.",
        "With --docs, rewrite docs/schema/*.json and the reference section of docs/definitions.md in"
            + " the repository ROOT from the model."})
final class SchemaCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  static final class Mode {
    @Option(names = "--platform", description = "The schema of platform.yaml instead of resource files.")
    boolean platform;

    @Option(names = "--docs", paramLabel = "ROOT", description = "Regenerate the schema files and reference docs under ROOT.")
    Path docsRoot;
  }

  @Override
  public Integer call() throws IOException {
    if (mode.docsRoot != null) {
      Path root = mode.docsRoot;
      write(root.resolve(SchemaExport.PLATFORM_SCHEMA), SchemaExport.platformSchema().encodePrettily() + "\n");
      write(root.resolve(SchemaExport.RESOURCE_SCHEMA), SchemaExport.resourceSchema().encodePrettily() + "\n");
      Path doc = root.resolve("docs/definitions.md");
      String text = Files.readString(doc, StandardCharsets.UTF_8);
      int b = text.indexOf(SchemaExport.BEGIN);
      int e = text.indexOf(SchemaExport.END);
      if (b < 0 || e < 0) {
        throw dev.baton.common.error.BatonException.invalid(doc + " has no generated-reference markers");
      }
      String updated = text.substring(0, b) + SchemaExport.referenceMarkdown()
          + text.substring(e + SchemaExport.END.length()).replaceFirst("^\n", "");
      write(doc, updated);
      return ExitCodes.OK;
    }
    main.terminal.out().println((mode.platform ? SchemaExport.platformSchema() : SchemaExport.resourceSchema())
        .encodePrettily());
    return ExitCodes.OK;
  }

  private void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    main.terminal.err().println("wrote " + file);
  }
}
