package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Action;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlannedChange;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.CloudProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code controller audit DIR}: where the live platform differs from its definition. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Report drift: resources missing, modified (attribute, expected, actual), or tagged as this"
        + " platform's but no longer defined. Changes nothing."},
    footer = {"", "Exit codes: 0 in sync, 2 drift, 1 error or not fully checked (a kind the cloud would not list),"
        + " 64 wrong usage."})
final class AuditCommand extends PlatformCommand {
  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    Plan plan = await(new Planner(provider, retry(vertx)).plan(platform));
    PlanPrinter printer = new PlanPrinter(plan);
    List<PlannedChange> missing = plan.effective().stream().filter(c -> c.action() == Action.CREATE).toList();
    // a resource that only follows the replacement of another has not drifted itself
    List<PlannedChange> modified = plan.effective().stream()
        .filter(c -> c.action() == Action.UPDATE || c.action() == Action.REPLACE)
        .map(c -> c.with(c.action(), c.diff().stream().filter(d -> !d.follows()).toList(), c.reason()))
        .filter(c -> !c.diff().isEmpty()).toList();
    List<PlannedChange> unmanaged = new java.util.ArrayList<>(plan.effective().stream()
        .filter(c -> c.action() == Action.DELETE).toList());
    unmanaged.addAll(plan.kept());
    boolean drift = !missing.isEmpty() || !modified.isEmpty() || !unmanaged.isEmpty();
    // never "in sync" for what could not be read
    boolean complete = plan.fullyChecked();
    if (output == OutputFormat.JSON) {
      JsonObject o = new JsonObject().put("platform", plan.scope().platform()).put("customer", plan.scope().customer())
          .put("environment", plan.scope().env()).put("provider", plan.provider()).put("in_sync", !drift && complete)
          .put("not_checked", PlanPrinter.unchecked(plan))
          .put("missing", list(printer, missing)).put("modified", list(printer, modified))
          .put("unmanaged", list(printer, unmanaged))
          .put("in_sync_count", plan.summary().get(Action.NOOP)).put("off_hours", plan.offHours())
          .put("calls", PlanPrinter.calls(plan.calls()));
      t().out().println(o.encodePrettily());
    } else {
      Terminal t = t();
      t.out().println(t.bold("Audit of " + plan.scope() + " (" + plan.provider() + " provider)") + ": "
          + (drift ? t.yellow("drift") : complete ? t.green("in sync") : t.yellow("not fully checked")) + " - " + missing.size() + " missing, " + modified.size()
          + " modified, " + unmanaged.size() + " unmanaged, " + plan.summary().get(Action.NOOP) + " unchanged");
      if (plan.offHours() != null) {
        t.out().println("  " + t.dim("off-hours: " + plan.scope() + " is " + plan.offHours()));
      }
      for (PlannedChange c : missing) {
        t.out().println("  missing    " + c.address() + "  " + t.dim(c.resource().pos().file() + ":" + c.resource().pos().line()));
      }
      for (PlannedChange c : modified) {
        t.out().println("  modified   " + c.address() + "  " + t.dim(c.resource().pos().file() + ":" + c.resource().pos().line()));
        c.diff().forEach(d -> t.out().println("      " + d.attribute() + ": expected " + printer.show(d.expected())
            + ", actual " + printer.show(d.actual())));
      }
      for (PlannedChange c : unmanaged) {
        t.out().println("  unmanaged  " + c.address() + " (" + c.live().id() + "): " + c.reason());
      }
      PlanPrinter.printUnchecked(t, plan);
    }
    if (drift) {
      announce(platform, "platform.drift", new JsonObject().put("summary", missing.size() + " missing, " + modified.size()
          + " modified, " + unmanaged.size() + " unmanaged").put("missing", list(printer, missing))
          .put("modified", list(printer, modified)).put("unmanaged", list(printer, unmanaged)));
    }
    return drift ? ExitCodes.CHANGES : complete ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static JsonArray list(PlanPrinter printer, List<PlannedChange> changes) {
    JsonArray a = new JsonArray();
    changes.forEach(c -> a.add(printer.change(c)));
    return a;
  }
}
