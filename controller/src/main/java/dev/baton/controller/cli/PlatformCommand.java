package dev.baton.controller.cli;

import dev.baton.common.error.Diagnostic;
import dev.baton.common.error.InvalidDefinitionException;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.intent.IntentCodec;
import dev.baton.controller.intent.Intents;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Retry;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.provider.local.NodeLauncher;
import dev.baton.controller.serve.ControllerClient;
import dev.baton.controller.serve.ControllerHome;
import dev.baton.controller.serve.ControllerLauncher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** What plan, provision, audit and destroy share: a platform directory, an environment, a provider. */
abstract class PlatformCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The platform directory (holds platform.yaml).")
  String dir;

  @Option(names = "--env", paramLabel = "ENV", description = "The environment, for a platform that defines environments.")
  String env;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json (plan: also markdown).")
  OutputFormat output;

  /** Whether the command renders {@code --output markdown} (plan); the others refuse it as wrong usage. */
  boolean markdown() {
    return false;
  }

  /** Runs before the definitions are read: a command may settle {@link #dir} and {@link #env} here. */
  void prepare() {}

  @Option(names = "--endpoint-url", paramLabel = "URL",
      description = "An AWS-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS itself).")
  String endpointUrl;

  Terminal t() {
    return main.terminal;
  }

  /** The platform, or null after printing every definition error (the command then exits 1). */
  Platform load() {
    try {
      return DefinitionLoader.load(Path.of(dir), dir, env);
    } catch (InvalidDefinitionException e) {
      printDiagnostics(e);
      return null;
    }
  }

  /** Every problem at its place, and that nothing was changed. */
  void printDiagnostics(InvalidDefinitionException e) {
    if (output == OutputFormat.JSON) {
      t().out().println(JsonErrors.of(e.diagnostics()).encodePrettily());
    }
    for (Diagnostic d : e.diagnostics().stream().sorted().toList()) {
      t().err().println(d.pos() + ": " + t().red("error") + ": " + d.message());
    }
    t().err().println(e.diagnostics().size() + " error" + (e.diagnostics().size() == 1 ? "" : "s")
        + "; nothing was changed");
  }

  @Override
  public final Integer call() throws Exception {
    prepare();
    Platform platform = load();
    if (platform == null) {
      return ExitCodes.FAILED;
    }
    Vertx vertx = Vertx.vertx(dev.baton.common.settings.VertxDefaults.options());
    try {
      CloudProvider provider = Providers.create(vertx, platform, Providers.home(),
          endpointUrl != null ? endpointUrl : System.getenv("AWS_ENDPOINT_URL"), launcher(platform));
      try {
        // the account first, for every command: nothing is read or done in another customer's account
        List<Diagnostic> account = await(provider.checkAccount(platform));
        if (!account.isEmpty()) {
          throw new InvalidDefinitionException(account);
        }
        return run(vertx, platform, provider);
      } finally {
        await(provider.close());
      }
    } catch (InvalidDefinitionException e) {
      printDiagnostics(e); // what the cloud or the controller found it cannot give, before anything was changed
      return ExitCodes.FAILED;
    } finally {
      vertx.close();
    }
  }

  abstract int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception;

  /** How the provider launches nodes; null for commands that launch none (plan, audit). */
  dev.baton.controller.provider.local.NodeLauncher launcher(Platform platform) throws Exception {
    return null;
  }

  /** The controller the platform's nodes register with; set by {@link #controllerLauncher}. */
  ControllerClient controller;

  /**
   * For commands that launch nodes: a controller issues each node's join token and knows what it
   * is to become (started in the background if none runs); on a cloud, nodes reach it at the
   * platform's controller endpoints. Null for a platform without nodes.
   */
  NodeLauncher controllerLauncher(Platform platform) throws Exception {
    boolean nodes = !platform.ofKind(ResourceKind.INSTANCE).isEmpty() || !platform.ofKind(ResourceKind.AUTOSCALING_GROUP).isEmpty();
    if (!nodes) {
      return null;
    }
    // the controller issues each node's join token and knows what it is to become; on a cloud, nodes reach it
    // at the platform's controller endpoints
    controller = main.access().ensureRunning(Providers.controllerJar(), () -> t().err().println("Starting a controller in the background (log: "
            + ControllerHome.of(Providers.home()).log() + ")..."));
    checkAdvertised(platform);
    if (intentsAtLaunch()) {
      registerIntents(platform);
    } else {
      intentsDue = platform;
    }
    return new ControllerLauncher(controller, m -> t().err().println(m));
  }

  /**
   * A cloud platform's nodes are told its {@code controller.endpoints}: each must be one a running
   * controller advertises (its certificate names that host, so the node's TLS check passes), or the
   * nodes would boot, install, and never register.
   */
  private void checkAdvertised(Platform platform) {
    if (platform.spec().provider() == ProviderKind.LOCAL || platform.spec().controller() == null) {
      return;
    }
    java.util.Set<String> advertised = new java.util.LinkedHashSet<>();
    controller.get("/api/v1/bootstrap").getJsonArray("endpoints", new JsonArray()).forEach(e -> advertised.add(e.toString()));
    List<Diagnostic> problems = new ArrayList<>();
    List<String> eps = platform.spec().controller().endpoints();
    for (int i = 0; i < eps.size(); i++) {
      if (!advertised.contains(eps.get(i))) {
        problems.add(new Diagnostic(platform.pos("controller.endpoints[" + i + "]"), "nodes are told to reach the"
            + " controller at " + eps.get(i) + ", which no running controller advertises (they advertise "
            + String.join(", ", advertised) + "); start the controller with serve --advertise " + eps.get(i)
            + " (its certificate then names that host)"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
  }

  /** The platform whose intents {@link #registerIntentsNow} is to send; null once sent (or none due). */
  private Platform intentsDue;

  /**
   * True when the intents go to the controller as soon as it is found; provision sends them only once
   * its saved plan has been checked and the token may change the platform ({@link #registerIntentsNow}).
   */
  boolean intentsAtLaunch() {
    return true;
  }

  /** Sends the intents held back until now, if any. */
  void registerIntentsNow() {
    if (intentsDue != null) {
      registerIntents(intentsDue);
      intentsDue = null;
    }
  }

  /** Tells the controller what each node is to become, before any registers. */
  private void registerIntents(Platform platform) {
    controller.post("/api/v1/intents", IntentCodec.toJson(Intents.of(platform,
        endpointUrl != null ? endpointUrl : System.getenv("AWS_ENDPOINT_URL"))));
  }

  /** The JSON answer of the command, when it prints JSON: one object, printed once. */
  io.vertx.core.json.JsonObject jsonResult;

  /** Fields a command adds to the JSON answer of {@link #confirmAndApply} (the plan's digest, what is pending). */
  final io.vertx.core.json.JsonObject jsonExtra = new io.vertx.core.json.JsonObject();

  /** Prints {@link #jsonResult} now; a command that adds to it later overrides this and prints it itself. */
  void printJsonResult() {
    t().out().println(jsonResult.encodePrettily());
  }

  /**
   * Prints {@code plan}, asks on a terminal unless {@code yes}, applies it with progress and
   * prints the outcome. Returns the exit code.
   */
  int confirmAndApply(Vertx vertx, CloudProvider provider, Plan plan, String title, boolean yes, int parallelism,
      String question, String nothing, java.util.function.Function<Engine.Report, String> success) throws Exception {
    if (parallelism < 1) {
      throw dev.baton.common.error.BatonException.invalid("--parallelism must be at least 1");
    }
    PlanPrinter printer = new PlanPrinter(plan);
    boolean json = output == OutputFormat.JSON;
    if (!json) {
      printer.printPlan(t(), plan, title);
    }
    if (!plan.hasChanges()) {
      registerIntentsNow(); // what the nodes are to become may have changed without any resource
      if (json) {
        jsonResult = printer.report(plan, new Engine.Report(java.util.List.of(), provider.stats().snapshot()))
            .mergeIn(jsonExtra);
        printJsonResult();
      } else {
        t().out().println(nothing);
      }
      return ExitCodes.OK;
    }
    if (t().interactive() && !yes && !t().confirm(question)) {
      t().err().println("Nothing was changed.");
      return ExitCodes.FAILED;
    }
    if (!permitted(plan)) {
      return ExitCodes.FAILED;
    }
    registerIntentsNow(); // confirmed and allowed: before any node launches
    ConsoleProgress progress = new ConsoleProgress(t(), plan.effective().size(), main.debug);
    String runId = java.util.HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    long t0 = System.currentTimeMillis();
    Engine.Report report = await(new Engine(provider, retry(vertx), parallelism, progress, System::currentTimeMillis,
        runId).apply(plan));
    progress.end();
    recordHistory(plan, report);
    if (json) {
      jsonResult = printer.report(plan, report).mergeIn(jsonExtra);
      printJsonResult();
    } else {
      String took = PlanPrinter.duration(System.currentTimeMillis() - t0);
      if (report.ok()) {
        t().out().println(t().green("Done") + ": " + success.apply(report) + " in " + took + " ("
            + report.calls().values().stream().mapToLong(Long::longValue).sum() + " cloud calls).");
      } else {
        t().out().println(t().red("Failed") + ": " + report.count(Engine.Status.DONE) + " applied, "
            + report.count(Engine.Status.FAILED) + " failed, " + report.count(Engine.Status.SKIPPED)
            + " skipped, in " + took + ". Fix the cause and run again: what was applied is kept.");
      }
      if (main.debug) {
        t().err().println("cloud calls: " + PlanPrinter.calls(report.calls()).encode());
      }
    }
    return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /**
   * Asks the controller, when one is there, whether this operator token may make these changes (its
   * role and customer): the CLI changes the cloud itself, and a {@code read} token, or another
   * customer's, must change nothing. Without a controller there is no token to ask about.
   */
  boolean permitted(Plan plan) {
    // the controller the launcher found is the one main.access() holds: find() answers it again, no second request
    java.util.Optional<ControllerClient> c = main.access().find();
    if (c.isEmpty()) {
      return true;
    }
    try {
      c.get().post("/api/v1/permits", new JsonObject().put("what", historyWhat()).put("customer",
          plan.scope().customer()).put("platform", plan.scope().platform()).put("env", plan.scope().env()));
      return true;
    } catch (dev.baton.common.error.BatonException e) {
      if (e.code() != dev.baton.common.error.ErrorCode.PERMISSION_DENIED) {
        throw e;
      }
      if (output == OutputFormat.JSON) {
        t().out().println(JsonErrors.of(e).encodePrettily());
      }
      t().err().println(historyWhat() + ": " + t().red("error") + ": " + e.getMessage() + ". Nothing was changed.");
      return false;
    }
  }

  /** What the history calls the changes this command applies. */
  String historyWhat() {
    return "provision";
  }

  /** The digest of the plan being applied, for the history (null: not known). */
  String planDigest(Plan plan) {
    return null;
  }

  /**
   * Tells the controller's history what was applied: only this command knows, since it changes the
   * cloud itself. The controller records who (the token) and from where. With no controller running
   * (a platform without nodes, on the local provider) there is no history to write to.
   */
  void recordHistory(Plan plan, Engine.Report report) {
    recordHistory(plan.scope(), report.ok() ? "ok" : "failed", planDigest(plan), report.count(Engine.Status.DONE)
        + " applied, " + report.count(Engine.Status.FAILED) + " failed, " + report.count(Engine.Status.SKIPPED)
        + " skipped");
  }

  /** What the history's entry of this run names as its target (a targeted provision's targets); null: the platform. */
  String historyTarget() {
    return null;
  }

  /** One entry in the controller's history for this run: {@code outcome} ok, failed or refused. */
  void recordHistory(dev.baton.controller.definition.Scope scope, String outcome, String digest, String detail) {
    try {
      main.access().find().ifPresent(client -> client.post("/api/v1/history", new JsonObject().put("what", historyWhat())
          .put("customer", scope.customer()).put("platform", scope.platform()).put("env", scope.env())
          .put("outcome", outcome).put("plan_digest", digest).put("target", historyTarget()).put("detail", detail)));
    } catch (RuntimeException e) {
      t().err().println(t().red("warning") + ": the controller's history did not take this " + historyWhat() + ": "
          + e.getMessage());
    }
  }


  /** Tells a running controller's hooks about the platform (best effort; no controller, no event). */
  void announce(Platform platform, String type, io.vertx.core.json.JsonObject data) {
    java.util.Optional<ControllerClient> found;
    try {
      found = main.access().find();
    } catch (RuntimeException e) {
      t().err().println("(could not announce " + type + ": " + e.getMessage() + ")");
      return;
    }
    found.ifPresent(c -> {
          try {
            c.post("/api/v1/events", new io.vertx.core.json.JsonObject().put("type", type).put("platform", platform.name())
                .put("customer", platform.spec().customer()).put("env", platform.env()).put("data", data));
          } catch (RuntimeException e) {
            t().err().println("(could not announce " + type + ": " + e.getMessage() + ")");
          }
        });
  }

  Retry retry(Vertx vertx) {
    return new Retry(vertx, Retry.Policy.defaults(), new SecureRandom(), System::currentTimeMillis);
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(6, TimeUnit.HOURS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
