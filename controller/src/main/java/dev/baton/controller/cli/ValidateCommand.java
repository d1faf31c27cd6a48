package dev.baton.controller.cli;

import dev.baton.common.error.Diagnostic;
import dev.baton.common.error.InvalidDefinitionException;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code controller validate DIR...}: checks definitions; touches no cloud. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check platform definitions without touching any cloud.",
        "Every problem of every file is reported at once, as FILE:LINE:COLUMN: error: MESSAGE.",
        "Without --env, a platform with environments is checked in each of them."},
    footer = {"", "Exit codes: 0 valid, 1 invalid, 64 wrong usage."})
final class ValidateCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Parameters(paramLabel = "DIR", arity = "1..*", description = "Platform directories (each holds a platform.yaml).")
  List<String> dirs;

  @Option(names = "--env", paramLabel = "ENV", description = "Check this environment only.")
  String env;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (default) or json.")
  OutputFormat output;

  @Override
  public Integer call() {
    Terminal t = main.terminal;
    JsonArray jsonPlatforms = new JsonArray();
    int totalErrors = 0;
    for (String dir : dirs) {
      Path path = Path.of(dir);
      List<String> envs = new ArrayList<>();
      if (env != null) {
        envs.add(env);
      } else {
        envs.addAll(DefinitionLoader.environments(path, dir));
        if (envs.isEmpty()) {
          envs.add(null);
        }
      }
      Map<Diagnostic, Set<String>> errors = new TreeMap<>();
      Platform last = null;
      for (String e : envs) {
        try {
          last = DefinitionLoader.load(path, dir, e);
        } catch (InvalidDefinitionException ex) {
          for (Diagnostic d : ex.diagnostics()) {
            errors.computeIfAbsent(d, k -> new LinkedHashSet<>()).add(e);
          }
        }
      }
      totalErrors += errors.size();
      JsonArray jsonErrors = new JsonArray();
      for (Map.Entry<Diagnostic, Set<String>> en : errors.entrySet()) {
        Diagnostic d = en.getKey();
        boolean partial = envs.size() > 1 && en.getValue().size() < envs.size();
        String where = partial ? " (in environment " + String.join(", ", en.getValue()) + ")" : "";
        if (output == OutputFormat.JSON) {
          JsonObject o = new JsonObject().put("file", d.pos().file()).put("line", d.pos().line())
              .put("column", d.pos().column()).put("message", d.message());
          if (partial) {
            o.put("environments", new JsonArray(new ArrayList<>(en.getValue())));
          }
          jsonErrors.add(o);
        } else {
          t.err().println(d.pos() + ": " + t.red("error") + ": " + d.message() + where);
        }
      }
      if (output == OutputFormat.JSON) {
        JsonObject p = new JsonObject().put("dir", dir).put("valid", errors.isEmpty()).put("errors", jsonErrors);
        if (errors.isEmpty() && last != null) {
          p.put("platform", last.name()).put("customer", last.spec().customer())
              .put("resources", last.resources().size());
          if (envs.get(0) != null) {
            p.put("environments", new JsonArray(new ArrayList<>(envs)));
          }
        }
        jsonPlatforms.add(p);
      } else if (errors.isEmpty() && last != null) {
        String envText = envs.get(0) == null ? "" : ", environment" + (envs.size() > 1 ? "s " : " ")
            + String.join(", ", envs);
        t.out().println(t.green("valid") + ": " + dir + " (platform " + last.name() + " of customer "
            + last.spec().customer() + ", " + last.resources().size() + " resources" + envText + ")");
      }
    }
    if (output == OutputFormat.JSON) {
      t.out().println(new JsonObject().put("valid", totalErrors == 0).put("errors", totalErrors)
          .put("platforms", jsonPlatforms).encodePrettily());
    } else if (totalErrors > 0) {
      t.err().println(totalErrors + " error" + (totalErrors == 1 ? "" : "s") + "; nothing was changed");
    }
    return totalErrors == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  static List<String> names(Object[] values) {
    return Arrays.stream(values).map(Object::toString).toList();
  }
}
