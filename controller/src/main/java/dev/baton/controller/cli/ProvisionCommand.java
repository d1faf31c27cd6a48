package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.Providers;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controller provision DIR}: makes the live platform match its definition. */
@Command(name = "provision", mixinStandardHelpOptions = true,
    description = {"Create, update, replace and delete resources until the live platform matches its definition.",
        "Idempotent: a second run changes nothing. Safe to re-run after a crash: it converges, never duplicates.",
        "One provisioning of a platform at a time; a second one is refused with who holds the lock."},
    footer = {"", "Exit codes: 0 done, 1 failed or refused, 64 wrong usage."})
final class ProvisionCommand extends PlatformCommand {
  @Option(names = {"--yes", "-y"}, description = "Do not ask for confirmation on a terminal.")
  boolean yes;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "10",
      description = "Resources applied at the same time (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    if (parallelism < 1) {
      throw dev.baton.common.error.BatonException.invalid("--parallelism must be at least 1");
    }
    try (PlatformLock lock = PlatformLock.acquire(Providers.home(), Planner.scopeOf(platform), "provision")) {
      if (lock.previousHolder() != null && main.debug) {
        t().err().println("took over a stale lock (" + lock.previousHolder() + ")");
      }
      Plan plan = await(new Planner(provider, retry(vertx)).plan(platform));
      PlanPrinter printer = new PlanPrinter(plan);
      if (output != OutputFormat.JSON) {
        printer.printPlan(t(), plan, "Provisioning");
      }
      if (!plan.hasChanges()) {
        if (output == OutputFormat.JSON) {
          t().out().println(printer.report(plan, new Engine.Report(java.util.List.of(), provider.stats().snapshot()))
              .encodePrettily());
        } else {
          t().out().println("Nothing to change.");
        }
        return ExitCodes.OK;
      }
      if (t().interactive() && !yes && !t().confirm("Apply these changes?")) {
        t().err().println("Nothing was changed.");
        return ExitCodes.FAILED;
      }
      return apply(vertx, provider, plan, printer);
    }
  }

  int apply(Vertx vertx, CloudProvider provider, Plan plan, PlanPrinter printer) throws Exception {
    ConsoleProgress progress = new ConsoleProgress(t(), plan.effective().size(), main.debug);
    String runId = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    long t0 = System.currentTimeMillis();
    Engine.Report report = await(new Engine(provider, retry(vertx), parallelism, progress, System::currentTimeMillis,
        runId).apply(plan));
    progress.end();
    if (output == OutputFormat.JSON) {
      t().out().println(printer.report(plan, report).encodePrettily());
    } else {
      String took = PlanPrinter.duration(System.currentTimeMillis() - t0);
      if (report.ok()) {
        t().out().println(t().green("Done") + ": " + report.count(Engine.Status.DONE) + " changes applied in " + took
            + " (" + report.calls().values().stream().mapToLong(Long::longValue).sum() + " cloud calls).");
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
}
