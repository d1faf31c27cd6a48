package dev.baton.controller.cli;

import dev.baton.common.error.Diagnostic;
import dev.baton.common.error.InvalidDefinitionException;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Retry;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.Providers;
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

  @Parameters(index = "0", paramLabel = "DIR", description = "The platform directory (holds platform.yaml).")
  String dir;

  @Option(names = "--env", paramLabel = "ENV", description = "The environment, for a platform that defines environments.")
  String env;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
  OutputFormat output;

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
      for (Diagnostic d : e.diagnostics()) {
        t().err().println(d.pos() + ": " + t().red("error") + ": " + d.message());
      }
      t().err().println(e.diagnostics().size() + " error" + (e.diagnostics().size() == 1 ? "" : "s")
          + "; nothing was changed");
      return null;
    }
  }

  @Override
  public final Integer call() throws Exception {
    Platform platform = load();
    if (platform == null) {
      return ExitCodes.FAILED;
    }
    Vertx vertx = Vertx.vertx();
    try {
      CloudProvider provider = Providers.create(vertx, platform, Providers.home(),
          endpointUrl != null ? endpointUrl : System.getenv("AWS_ENDPOINT_URL"), launcher(platform));
      try {
        return run(vertx, platform, provider);
      } finally {
        await(provider.close());
      }
    } finally {
      vertx.close();
    }
  }

  abstract int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception;

  /** How the provider launches nodes; null for commands that launch none (plan, audit). */
  dev.baton.controller.provider.local.NodeLauncher launcher(Platform platform) throws Exception {
    return null;
  }

  /** The JSON answer of the command, when it prints JSON: one object, printed once. */
  io.vertx.core.json.JsonObject jsonResult;

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
      if (json) {
        jsonResult = printer.report(plan, new Engine.Report(java.util.List.of(), provider.stats().snapshot()));
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
    ConsoleProgress progress = new ConsoleProgress(t(), plan.effective().size(), main.debug);
    String runId = java.util.HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    long t0 = System.currentTimeMillis();
    Engine.Report report = await(new Engine(provider, retry(vertx), parallelism, progress, System::currentTimeMillis,
        runId).apply(plan));
    progress.end();
    if (json) {
      jsonResult = printer.report(plan, report);
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

  /** Tells a running controller's hooks about the platform (best effort; no controller, no event). */
  void announce(Platform platform, String type, io.vertx.core.json.JsonObject data) {
    dev.baton.controller.serve.ControllerClient.find(dev.baton.controller.serve.ControllerHome.of(
        dev.baton.controller.provider.Providers.home())).ifPresent(c -> {
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
