package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.Diagnostic;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine;

/**
 * The JSON a command given {@code --output json} prints on standard output when it fails, so a
 * script always reads one object: {@code {"error": {"message", "code", "diagnostics": [...]}}}.
 * The same text goes to standard error as without {@code --output json}.
 */
final class JsonErrors {
  private JsonErrors() {}

  /** Definition errors, each at its place. */
  static JsonObject of(List<Diagnostic> diagnostics) {
    JsonArray list = new JsonArray();
    for (Diagnostic d : diagnostics.stream().sorted().toList()) {
      list.add(new JsonObject().put("file", d.pos().file()).put("line", d.pos().line()).put("column", d.pos().column())
          .put("message", d.message()));
    }
    return new JsonObject().put("error", new JsonObject().put("message", diagnostics.size() + " error"
        + (diagnostics.size() == 1 ? "" : "s") + "; nothing was changed").put("code", "INVALID_ARGUMENT")
        .put("diagnostics", list));
  }

  /** Any other failure of a command. */
  static JsonObject of(Exception e) {
    String code = e instanceof BatonException be ? be.code().name() : "INTERNAL";
    return new JsonObject().put("error", new JsonObject().put("message", e instanceof BatonException ? e.getMessage()
        : "internal error: " + e).put("code", code));
  }

  /** Whether the command that ran was asked for {@code --output json}. */
  static boolean wanted(CommandLine cmd) {
    CommandLine.Model.OptionSpec o = cmd.getCommandSpec().findOption("--output");
    return o != null && o.getValue() == OutputFormat.JSON;
  }
}
