package dev.baton.controller.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Whether a saved plan still holds: the definitions are the files it was computed from, each
 * live resource it changes is as it was observed, and planning again gives the same changes. A
 * reviewed plan is applied only when all three hold; otherwise what moved is named, so that the
 * reviewer knows what to look at in the new plan.
 */
public final class SavedPlanCheck {
  private SavedPlanCheck() {}

  /**
   * What moved since {@code saved} was computed; empty when it can be applied as it is.
   *
   * @param fresh the plan computed now, narrowed to the saved plan's targets
   * @param observed the plan computed now before narrowing: every resource, unchanged ones included, with
   *     what was observed of it
   */
  public static List<String> moved(SavedPlan saved, SavedPlan fresh, Plan observed) {
    List<String> out = new ArrayList<>();
    definitions(saved.definitions().files(), fresh.definitions().files(), out);
    for (SavedPlan.Change c : saved.changes()) {
      live(c, observedNow(c, observed), out);
    }
    if (out.isEmpty()) {
      changes(saved, fresh, out);
    }
    return out;
  }

  private static void definitions(SortedMap<String, String> then, SortedMap<String, String> now, List<String> out) {
    TreeSet<String> all = new TreeSet<>(then.keySet());
    all.addAll(now.keySet());
    for (String f : all) {
      if (!now.containsKey(f)) {
        out.add("definition file " + f + " disappeared");
      } else if (!then.containsKey(f)) {
        out.add("definition file " + f + " appeared");
      } else if (!then.get(f).equals(now.get(f))) {
        out.add("definition file " + f + " changed");
      }
    }
  }

  /** The live resource of {@code c} as observed now: the one with the same cloud ID when several carry its UUID. */
  private static SavedPlan.Observed observedNow(SavedPlan.Change c, Plan observed) {
    List<PlannedChange> all = new ArrayList<>(observed.changes());
    all.addAll(observed.kept());
    PlannedChange any = null;
    for (PlannedChange p : all) {
      if (!p.kind().yaml().equals(c.kind()) || !p.uuid().equals(c.uuid()) || p.live() == null) {
        continue;
      }
      if (Objects.equals(p.live().id().id(), c.live().id())) {
        return SavedPlan.Observed.of(p.live());
      }
      any = any == null ? p : any;
    }
    return any == null ? SavedPlan.Observed.NONE : SavedPlan.Observed.of(any.live());
  }

  private static void live(SavedPlan.Change c, SavedPlan.Observed now, List<String> out) {
    SavedPlan.Observed then = c.live();
    if (then.digest().equals(now.digest())) {
      return;
    }
    String who = "live " + c.address();
    if (then.absent()) {
      out.add(who + " was absent and now exists (" + now.id() + ")");
      return;
    }
    if (now.absent()) {
      out.add(who + " (" + then.id() + ") is gone");
      return;
    }
    if (!Objects.equals(then.id(), now.id())) {
      out.add(who + " is now " + now.id() + ", not " + then.id());
      return;
    }
    List<String> what = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(then.attributes().keySet());
    keys.addAll(now.attributes().keySet());
    for (String k : keys) {
      if (!Objects.equals(then.attributes().get(k), now.attributes().get(k))) {
        what.add(k);
      }
    }
    if (!Objects.equals(then.tags(), now.tags())) {
      what.add("tags");
    }
    if (!Objects.equals(then.state(), now.state())) {
      what.add("state (" + then.state() + " -> " + now.state() + ")");
    }
    out.add(who + " changed: " + (what.isEmpty() ? "its observed state" : String.join(", ", what)));
  }

  private static void changes(SavedPlan saved, SavedPlan fresh, List<String> out) {
    Map<String, SavedPlan.Change> then = byKey(saved.changes());
    Map<String, SavedPlan.Change> now = byKey(fresh.changes());
    for (var e : then.entrySet()) {
      SavedPlan.Change n = now.get(e.getKey());
      if (n == null) {
        out.add(e.getValue().action() + " " + e.getValue().address() + " is no longer planned");
      } else if (!n.intent().equals(e.getValue().intent())) {
        out.add(e.getValue().address() + " is now planned as " + n.action() + " of "
            + String.join(", ", n.diff().fieldNames()) + " (was " + e.getValue().action() + " of "
            + String.join(", ", e.getValue().diff().fieldNames()) + ")");
      }
    }
    for (var e : now.entrySet()) {
      if (!then.containsKey(e.getKey())) {
        out.add(e.getValue().action() + " " + e.getValue().address() + " is newly planned");
      }
    }
  }

  private static Map<String, SavedPlan.Change> byKey(List<SavedPlan.Change> changes) {
    Map<String, SavedPlan.Change> out = new LinkedHashMap<>();
    for (SavedPlan.Change c : changes) {
      // duplicates carrying one UUID are told apart by their cloud ID
      out.put(c.kind() + "/" + c.uuid() + (c.action().equals(Action.DELETE.word()) ? "/" + c.live().id() : ""), c);
    }
    return out;
  }
}
