package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.plan.Targets;
import dev.baton.controller.provider.CloudProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controller plan DIR}: what provision would change. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Show what 'provision' would change: each resource to create, update, replace or delete,"
        + " with the attribute that differs and why. Changes nothing.",
        "With --out, the plan is also saved for review; 'provision --plan PLAN' then applies exactly it, and refuses"
            + " if the definitions or the live resources it changes have moved since."},
    footer = {"", "Exit codes: 0 no changes, 2 changes, 1 error or not fully checked (a kind the cloud would not list),"
        + " 64 wrong usage (an unknown --target too)."})
final class PlanCommand extends PlatformCommand {
  @Option(names = "--out", paramLabel = "PLAN",
      description = "Also save the plan to PLAN (JSON, with digests of the definitions and of the live state it was"
          + " computed from), for 'provision --plan PLAN'. Prints its digest.")
  Path out;

  @Option(names = "--target", paramLabel = "KIND/NAME|FILE",
      description = "Plan only this resource, or every resource of this definition file, and what it depends on;"
          + " the other changes are listed as pending. Repeatable.")
  List<String> targets = new ArrayList<>();

  @Override
  boolean markdown() {
    return true;
  }

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    Targets chosen = Planning.targets(platform, targets, spec.commandLine());
    Plan observed = await(new Planner(provider, retry(vertx)).plan(platform));
    Planning.Result r = Planning.of(platform, observed, chosen);
    Plan plan = r.plan();
    String digest = r.saved().digest();
    if (out != null) {
      r.saved().write(out);
    }
    String saved = out == null ? null : "Plan saved to " + out + " (" + digest + ")";
    PlanPrinter printer = new PlanPrinter(plan);
    if (output == OutputFormat.JSON) {
      JsonObject o = printer.plan(plan).put("plan_digest", digest).put("targets", new JsonArray(new ArrayList<>(
          r.saved().targets()))).put("pending", Planning.pendingJson(r.pending()));
      t().out().println((out == null ? o : o.put("saved_to", out.toString())).encodePrettily());
    } else if (output == OutputFormat.MARKDOWN) {
      t().out().print(new PlanMarkdown(printer).render(plan, digest, r.saved().targets(), r.pending()));
      t().out().flush();
    } else {
      printer.printPlan(t(), plan, "Plan for");
      Planning.printPending(t(), r.pending());
      if (saved != null) {
        t().out().println(saved);
      }
      if (main.debug) {
        t().err().println("cloud calls: " + PlanPrinter.calls(plan.calls()).encode());
      }
    }
    if (saved != null && output != OutputFormat.TEXT) {
      t().err().println(saved); // standard output holds only the JSON or Markdown
    }
    return plan.hasChanges() ? ExitCodes.CHANGES : plan.notChecked().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
