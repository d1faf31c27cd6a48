package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlannedChange;
import dev.baton.controller.plan.SavedPlan;
import dev.baton.controller.plan.Targets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine;

/** What plan and provision share: a plan narrowed to --target, and its saved form with its digest. */
final class Planning {
  private Planning() {}

  /**
   * @param observed the plan of every resource, as computed
   * @param plan what is to be applied: {@code observed} narrowed to the targets
   * @param pending the changes the targets leave out
   * @param saved the saved form of {@code plan}
   */
  record Result(Plan observed, Plan plan, List<PlannedChange> pending, SavedPlan saved) {}

  /** The targets, or null for none; a target that names nothing is a usage error (exit 64), nothing done. */
  static Targets targets(Platform platform, List<String> given, CommandLine cmd) {
    if (given == null || given.isEmpty()) {
      return null;
    }
    try {
      return Targets.resolve(platform, given);
    } catch (BatonException e) {
      throw new CommandLine.ParameterException(cmd, e.getMessage());
    }
  }

  static Result of(Platform platform, Plan observed, Targets targets) {
    Targets.Narrowed n = targets == null ? new Targets.Narrowed(observed, List.of()) : targets.narrow(observed);
    SavedPlan saved = SavedPlan.of(platform, n.plan(), targets == null ? List.of() : targets.given(),
        java.time.Instant.now());
    return new Result(observed, n.plan(), n.pending(), saved);
  }

  /** "2 other changes pending (not targeted):" and one line each; nothing when none. */
  static void printPending(Terminal t, List<PlannedChange> pending) {
    if (pending.isEmpty()) {
      return;
    }
    t.out().println(t.yellow(pending.size() + " other change" + (pending.size() == 1 ? "" : "s")
        + " pending (not targeted):"));
    for (PlannedChange c : pending) {
      t.out().println("  " + c.action().symbol() + " " + String.format("%-7s", c.action().word()) + " " + c.address());
    }
  }

  /** The pending changes for JSON output: count and list. */
  static JsonObject pendingJson(List<PlannedChange> pending) {
    JsonArray list = new JsonArray();
    pending.forEach(c -> list.add(new JsonObject().put("action", c.action().word()).put("kind", c.kind().yaml())
        .put("name", c.name()).put("uuid", c.uuid())));
    return new JsonObject().put("count", pending.size()).put("changes", list);
  }
}
