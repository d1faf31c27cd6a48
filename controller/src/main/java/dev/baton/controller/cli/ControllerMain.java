package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code controller} command. */
@Command(name = "controller", mixinStandardHelpOptions = true, versionProvider = ControllerMain.Version.class,
    description = {"Baton controller: provisions a customer's platform from YAML definitions and hands its nodes"
        + " off to configuration management.", ""},
    subcommands = {ValidateCommand.class, PlanCommand.class, ProvisionCommand.class, AuditCommand.class,
        DestroyCommand.class, ServeCommand.class, StopCommand.class, NodesCommand.class, DashboardCommand.class, HooksCommand.class, PuppetCaCommand.class, NewCommand.class, SchemaCommand.class,
        InstancesCommand.class, UpdateLaunchTemplateCommand.class, RunCommand.class, DeployCommand.class,
        DeploymentsCommand.class, RollbackCommand.class, TokensCommand.class, HistoryCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 success, 1 failure, 2 changes (plan) or drift (audit), 64 wrong usage.",
        "Documentation: docs/cli.md and docs/definitions.md"})
public final class ControllerMain implements Runnable {

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces and internal details of errors.")
  boolean debug;

  @Option(names = "--color", scope = CommandLine.ScopeType.INHERIT, paramLabel = "WHEN", defaultValue = "auto",
      description = "Colour the output: auto (only on a terminal, unless NO_COLOR is set), always or never.")
  String color;

  @Option(names = "--controller", scope = CommandLine.ScopeType.INHERIT, paramLabel = "URL",
      description = {"Talk to the controller at https://HOST:PORT (its 'serve --api-bind') instead of this host's;"
          + " none is then started here. Default: BATON_CONTROLLER. The operator token comes from BATON_TOKEN or"
          + " --token-file, never the command line."})
  String controller;

  @Option(names = "--token-file", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
      description = "The file holding an operator token (default: BATON_TOKEN_FILE; BATON_TOKEN gives the token"
          + " itself): needed with --controller; for this host's controller, a named token instead of its built-in"
          + " admin, so that the history says who.")
  java.nio.file.Path tokenFile;

  @Option(names = "--ca-fingerprint", scope = CommandLine.ScopeType.INHERIT, paramLabel = "SHA256:HEX",
      description = "With --controller: the fingerprint of the controller's CA, needed once; it is then kept in the"
          + " known-controllers file (~/.config/baton/known_controllers) and required of every later connection."
          + " Default: BATON_CA_FINGERPRINT.")
  String caFingerprint;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The environment the remote options fall back to (the process's; tests give their own). */
  java.util.function.UnaryOperator<String> env = System::getenv;

  private dev.baton.controller.serve.ControllerAccess access;

  /** Where every command finds its controller: {@code --controller}'s, or this host's (see docs/cli.md). */
  dev.baton.controller.serve.ControllerAccess access() {
    if (access == null) {
      access = RemoteOptions.access(this);
    }
    return access;
  }

  /** True when commands talk to a controller on another host. */
  boolean remote() {
    return RemoteOptions.url(this) != null;
  }

  Terminal terminal;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.exit(run(args, out, err, null, System.console() != null, in));
  }

  /**
   * Runs the CLI with the given streams; returns the exit code.
   *
   * @param forceColor true/false to decide colour, null to detect it from the process
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Boolean forceColor, boolean interactive,
      java.io.BufferedReader in) {
    ControllerMain main = new ControllerMain();
    CommandLine cli = new CommandLine(main);
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionStrategy(parseResult -> {
      boolean color = forceColor != null ? forceColor : Terminal.detectColor(main.color);
      cli.setColorScheme(CommandLine.Help.defaultColorScheme(color ? CommandLine.Help.Ansi.ON
          : CommandLine.Help.Ansi.OFF));
      main.terminal = new Terminal(out, err, color, interactive, in);
      refuseMarkdown(parseResult);
      return new CommandLine.RunLast().execute(parseResult);
    });
    ProvisionCommand.dirOptional(cli.getSubcommands().get("provision"));
    // every subcommand answers --version as the top command does (mixinStandardHelpOptions alone prints nothing)
    versionEverywhere(cli);
    cli.setParameterExceptionHandler((ex, a) -> {
      String option = UsageErrors.unknownOption(ex);
      err.println("controller: " + (option != null ? option : ex.getMessage()));
      if (UsageErrors.wantsJson(args)) {
        out.println(new io.vertx.core.json.JsonObject().put("error", new io.vertx.core.json.JsonObject()
            .put("message", option != null ? option : ex.getMessage()).put("code", "USAGE")).encodePrettily());
      }
      if (option == null) {
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err); // a mistyped subcommand
      }
      err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return ExitCodes.USAGE;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      String name = commandLine.getCommandSpec().qualifiedName();
      if (JsonErrors.wanted(commandLine)) {
        out.println(JsonErrors.of(ex).encodePrettily());
      }
      if (ex instanceof BatonException be) {
        err.println(name + ": " + (main.terminal != null ? main.terminal.red("error") : "error") + ": " + be.getMessage());
      } else {
        err.println(name + ": internal error: " + ex + (main.debug ? "" : " (run with --debug for details)"));
      }
      if (main.debug) {
        ex.printStackTrace(err);
      }
      return ExitCodes.FAILED;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** {@code --output markdown} is a plan's rendering for a pull request; any other command refuses it. */
  private static void refuseMarkdown(CommandLine.ParseResult parseResult) {
    List<CommandLine> chain = parseResult.asCommandLineList();
    CommandLine last = chain.get(chain.size() - 1);
    CommandLine.Model.OptionSpec o = last.getCommandSpec().findOption("--output");
    boolean renders = last.getCommand() instanceof PlatformCommand p && p.markdown();
    if (o != null && o.getValue() == OutputFormat.MARKDOWN && !renders) {
      throw new CommandLine.ParameterException(last, "--output markdown is for plan only; "
          + last.getCommandSpec().qualifiedName() + " prints text or json");
    }
  }

  private static void versionEverywhere(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommandSpec().version().length == 0) {
        sub.getCommandSpec().versionProvider(new Version());
      }
      versionEverywhere(sub);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(terminal.out());
  }

  /** Reads the version written at build time. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"baton controller " + version(), "Java " + System.getProperty("java.version")};
    }
  }

  public static String version() {
    Properties p = new Properties();
    try (InputStream in = ControllerMain.class.getResourceAsStream("/dev/baton/controller/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
