package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Scaffold;
import dev.baton.controller.definition.Suggest;
import dev.baton.controller.definition.model.Format;
import dev.baton.controller.definition.model.ResourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code controller new KIND NAME --in DIR}: scaffolds a definition file. */
@Command(name = "new", mixinStandardHelpOptions = true,
    description = {"Write a new definition file with a fresh UUID and every field described in a comment.",
        "KIND is a resource kind, or 'platform' for a new platform's platform.yaml.",
        "The file is DIR/NAME.yaml (DIR/platform.yaml for a platform); an existing file is never overwritten."},
    footer = {"", "Kinds: platform, iam_policy, iam_group, iam_user, iam_role, instance_profile, vpc, subnet,",
        "security_group, elastic_ip, volume, instance, autoscaling_group, dns_record", "",
        "Exit codes: 0 written, 1 refused, 64 wrong usage."})
final class NewCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Parameters(index = "0", paramLabel = "KIND", description = "platform, or a resource kind such as subnet.")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME", description = "Name of the new resource or platform.")
  String name;

  @Option(names = "--in", paramLabel = "DIR", required = true,
      description = "Folder to write into (created if missing).")
  String dir;

  @Override
  public Integer call() throws IOException {
    Terminal t = main.terminal;
    if (!Format.NAME.pattern().matcher(name).matches()) {
      throw BatonException.invalid("\"" + name + "\" is not a valid name: " + Format.NAME.description());
    }
    String content;
    Path file;
    if (kind.equals("platform")) {
      content = Scaffold.platform(name);
      file = Path.of(dir).resolve(DefinitionLoader.PLATFORM_FILE);
    } else {
      ResourceKind k = ResourceKind.byYaml(kind).orElse(null);
      if (k == null) {
        List<String> kinds = new ArrayList<>(ResourceKind.yamlNames());
        kinds.add(0, "platform");
        throw BatonException.invalid("unknown kind \"" + kind + "\"" + Suggest.didYouMean(kind, kinds)
            + "; the kinds are: " + String.join(", ", kinds));
      }
      content = Scaffold.resource(k, name, UUID.randomUUID());
      file = Path.of(dir).resolve(name + ".yaml");
    }
    Files.createDirectories(file.getParent() == null ? Path.of(".") : file.getParent());
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new BatonException(dev.baton.common.error.ErrorCode.ALREADY_EXISTS, file
          + " exists already; edit it, or choose another name or folder");
    }
    t.out().println("wrote " + file);
    t.err().println("Next: replace the example values of the fields marked REQUIRED, then run"
        + " \"controller validate " + platformRoot(Path.of(dir)) + "\".");
    return ExitCodes.OK;
  }

  /** The platform directory holding {@code dir}, or {@code dir} itself when none is found. */
  private static String platformRoot(Path dir) {
    Path p = dir.toAbsolutePath().normalize();
    while (p != null) {
      if (Files.isRegularFile(p.resolve(DefinitionLoader.PLATFORM_FILE))) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) && !p.equals(cwd) ? cwd.relativize(p).toString() : p.toString();
      }
      p = p.getParent();
    }
    return dir.toString();
  }
}
