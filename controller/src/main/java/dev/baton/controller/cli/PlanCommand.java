package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.CloudProvider;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;

/** {@code controller plan DIR}: what provision would change. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Show what 'provision' would change: each resource to create, update, replace or delete,"
        + " with the attribute that differs and why. Changes nothing."},
    footer = {"", "Exit codes: 0 no changes, 2 changes, 1 error or not fully checked (a kind the cloud would not list),"
        + " 64 wrong usage."})
final class PlanCommand extends PlatformCommand {
  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    Plan plan = await(new Planner(provider, retry(vertx)).plan(platform));
    PlanPrinter printer = new PlanPrinter(plan);
    if (output == OutputFormat.JSON) {
      t().out().println(printer.plan(plan).encodePrettily());
    } else {
      printer.printPlan(t(), plan, "Plan for");
      if (main.debug) {
        t().err().println("cloud calls: " + PlanPrinter.calls(plan.calls()).encode());
      }
    }
    return plan.hasChanges() ? ExitCodes.CHANGES : plan.notChecked().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
