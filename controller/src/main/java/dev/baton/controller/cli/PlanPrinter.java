package dev.baton.controller.cli;

import dev.baton.controller.plan.Action;
import dev.baton.controller.plan.AttributeDiff;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlannedChange;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.Ref;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Plans, drift and apply reports as text for people and as stable JSON (docs/cli.md). */
final class PlanPrinter {
  private final Map<String, String> addressOfUuid = new HashMap<>();
  private final Map<String, String> addressOfId = new HashMap<>();
  /** Resources this plan makes anew (created, or replaced): a reference to one follows it. */
  private final java.util.Set<String> renewed = new java.util.HashSet<>();

  PlanPrinter(Plan plan) {
    for (PlannedChange c : plan.changes()) {
      if (c.action() == Action.CREATE || c.action() == Action.REPLACE) {
        renewed.add(c.uuid());
      }
      addressOfUuid.put(c.uuid(), c.address());
      if (c.live() != null) {
        addressOfId.put(c.live().id().id(), c.address());
      }
    }
  }

  // ------------------------------------------------------------ text

  void printPlan(Terminal t, Plan plan, String title) {
    Map<Action, Integer> s = plan.summary();
    t.out().println(t.bold(title + " " + plan.scope() + " (" + plan.provider() + " provider, customer "
        + plan.scope().customer() + ")") + ": " + s.get(Action.CREATE) + " to create, " + s.get(Action.UPDATE)
        + " to update, " + s.get(Action.REPLACE) + " to replace, " + s.get(Action.DELETE) + " to delete, "
        + s.get(Action.NOOP) + " unchanged" + (plan.notChecked().isEmpty() ? "" : ", " + plan.notChecked().size()
        + " not checked"));
    if (plan.offHours() != null) {
      t.out().println("  " + t.dim("off-hours: " + plan.scope() + " is " + plan.offHours()));
    }
    for (PlannedChange c : plan.effective()) {
      printChange(t, c);
    }
    for (PlannedChange k : plan.kept()) {
      t.out().println("    kept    " + pad(k.address()) + " " + k.reason());
    }
    printUnchecked(t, plan);
  }

  /** The kinds the cloud would not list: what of them the definitions hold was not checked. */
  static void printUnchecked(Terminal t, Plan plan) {
    plan.unchecked().forEach((kind, why) -> {
      long defined = plan.changes().stream().filter(c -> c.kind() == kind && c.resource() != null).count();
      t.out().println(t.yellow("  ? not checked " + kind.yaml()) + (defined == 0 ? "" : " (" + defined + " defined)") + ": "
          + why);
    });
  }

  void printChange(Terminal t, PlannedChange c) {
    String head = "  " + c.action().symbol() + " " + String.format("%-7s", c.action().word()) + " " + pad(c.address());
    String colored = switch (c.action()) {
      case CREATE -> t.green(head);
      case DELETE -> t.red(head);
      case REPLACE, UPDATE -> t.yellow(head);
      case NOOP -> head;
    };
    String where = c.resource() != null ? c.resource().pos().file() + ":" + c.resource().pos().line() : "";
    String first = c.diff().isEmpty() ? (c.reason().isEmpty() ? where : c.reason() + (where.isEmpty() ? "" : "  " + t.dim(where)))
        : t.dim(where);
    t.out().println(colored + " " + first);
    for (AttributeDiff d : c.diff()) {
      if (follows(d)) {
        List<String> targets = renewedTargets(d.expected());
        t.out().println("        " + d.attribute() + ": follows the new " + (targets.isEmpty() ? show(d.expected())
            : String.join(", ", targets)));
        continue;
      }
      String note = d.mode() == dev.baton.controller.definition.model.OnChange.REPLACE ? "forces replacement"
          : c.action() == Action.UPDATE ? dev.baton.controller.plan.DesiredState.updateNote(c.kind(), d.attribute()) : "";
      t.out().println("        " + d.attribute() + ": " + show(d.actual()) + " -> " + show(d.expected())
          + (note.isEmpty() ? "" : t.yellow("  (" + note + ")")));
    }
    if (!c.diff().isEmpty() && !c.reason().isEmpty() && c.action() != Action.REPLACE) {
      t.out().println("        " + t.dim(c.reason()));
    }
  }

  /** "850 ms" below a second, "2.4s" above. */
  static String duration(long millis) {
    return millis < 1000 ? millis + " ms" : String.format("%.1fs", millis / 1000.0);
  }

  private static String pad(String s) {
    return String.format("%-28s", s);
  }

  /** What a terminal shows of a value: references by address, empty lists and nulls in objects left out. */
  String show(Object v) {
    Object j = compact(json(v));
    if (j == null) {
      return "(none)";
    }
    return j instanceof String s ? s : j.toString();
  }

  private static Object compact(Object j) {
    if (j instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> {
        Object x = compact(e.getValue());
        if (x != null && !(x instanceof io.vertx.core.json.JsonArray a && a.isEmpty())) {
          out.put(e.getKey(), x);
        }
      });
      return out;
    }
    if (j instanceof io.vertx.core.json.JsonArray a) {
      io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
      a.forEach(x -> out.add(compact(x)));
      return out;
    }
    return j;
  }

  /**
   * Whether the attribute changes only because what it references is made anew: the planner says
   * so for a replaced resource; a resource created under a new UUID with the old one's name reads
   * the same on both sides, and is the same kind of change.
   */
  boolean follows(AttributeDiff d) {
    return d.follows() || (show(d.actual()).equals(show(d.expected())) && !renewedTargets(d.expected()).isEmpty());
  }

  /** The addresses of the resources made anew that {@code v} references. */
  List<String> renewedTargets(Object v) {
    List<String> out = new java.util.ArrayList<>();
    collect(v, out);
    return out;
  }

  private void collect(Object v, List<String> out) {
    if (v instanceof Map<?, ?> m) {
      m.values().forEach(x -> collect(x, out));
    } else if (v instanceof List<?> l) {
      l.forEach(x -> collect(x, out));
    } else if (v instanceof Ref r && renewed.contains(r.uuid())) {
      String a = addressOfUuid.getOrDefault(r.uuid(), r.uuid());
      if (!out.contains(a)) {
        out.add(a);
      }
    }
  }

  // ------------------------------------------------------------ JSON

  /** A value as JSON, references shown as the address of what they name. */
  Object json(Object v) {
    return dev.baton.controller.provider.Values.toJson(v, x -> x instanceof Ref r ? addressOfUuid.getOrDefault(r.uuid(),
        r.uuid()) : x instanceof CloudId id ? addressOfId.getOrDefault(id.id(), id.id()) : x);
  }

  JsonObject change(PlannedChange c) {
    JsonObject diff = new JsonObject();
    for (AttributeDiff d : c.diff()) {
      JsonObject one = new JsonObject().put("expected", json(d.expected())).put("actual", json(d.actual()))
          .put("forces_replacement", d.mode() == dev.baton.controller.definition.model.OnChange.REPLACE);
      if (follows(d)) {
        one.put("follows_replacement", true);
      }
      diff.put(d.attribute(), one);
    }
    JsonObject o = new JsonObject().put("action", c.action().word()).put("kind", c.kind().yaml()).put("name", c.name())
        .put("uuid", c.uuid()).put("diff", diff);
    if (!c.reason().isEmpty()) {
      o.put("reason", c.reason());
    }
    if (c.live() != null) {
      o.put("id", c.live().id().id());
    }
    if (c.resource() != null) {
      o.put("file", c.resource().pos().file()).put("line", c.resource().pos().line());
    }
    return o;
  }

  JsonObject plan(Plan plan) {
    JsonArray changes = new JsonArray();
    plan.effective().forEach(c -> changes.add(change(c)));
    JsonArray kept = new JsonArray();
    plan.kept().forEach(c -> kept.add(change(c).put("action", "keep")));
    Map<Action, Integer> s = plan.summary();
    return new JsonObject().put("platform", plan.scope().platform()).put("customer", plan.scope().customer())
        .put("environment", plan.scope().env()).put("provider", plan.provider()).put("changes", changes)
        .put("kept", kept).put("off_hours", plan.offHours())
        .put("summary", new JsonObject().put("create", s.get(Action.CREATE)).put("update", s.get(Action.UPDATE))
            .put("replace", s.get(Action.REPLACE)).put("delete", s.get(Action.DELETE)).put("unchanged", s.get(Action.NOOP))
            .put("not_checked", plan.notChecked().size()))
        .put("calls", calls(plan.calls())).put("not_checked", unchecked(plan));
  }

  static JsonObject unchecked(Plan plan) {
    JsonObject o = new JsonObject();
    plan.unchecked().forEach((k, why) -> o.put(k.yaml(), why));
    return o;
  }

  static JsonObject calls(Map<String, Long> calls) {
    JsonObject by = new JsonObject();
    calls.forEach(by::put);
    return new JsonObject().put("total", calls.values().stream().mapToLong(Long::longValue).sum()).put("by_operation", by);
  }

  JsonObject report(Plan plan, Engine.Report r) {
    JsonArray outcomes = new JsonArray();
    for (Engine.Outcome o : r.outcomes()) {
      JsonObject c = change(o.change()).put("status", o.status().name().toLowerCase(java.util.Locale.ROOT))
          .put("message", o.message()).put("millis", o.millis());
      outcomes.add(c);
    }
    return plan(plan).put("result", r.ok() ? "done" : "failed").put("outcomes", outcomes).put("calls", calls(r.calls()));
  }

  static List<String> lines(String s) {
    return new ArrayList<>(s.lines().toList());
  }
}
