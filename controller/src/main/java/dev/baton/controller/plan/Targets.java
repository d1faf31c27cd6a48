package dev.baton.controller.plan;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.Suggest;
import dev.baton.controller.definition.model.ResourceKind;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The resources a provision is narrowed to ({@code --target}): each named as {@code KIND/NAME} or
 * by a definition file of the platform (every resource in it), as written (normalized).
 *
 * @param given the targets as normalized: {@code KIND/NAME}, or a file's path relative to the platform directory
 * @param uuids the UUIDs of the resources they name
 */
public record Targets(List<String> given, Set<String> uuids) {

  public Targets {
    given = List.copyOf(given);
    uuids = Set.copyOf(uuids);
  }

  /** A plan narrowed to the targets and what they need, and the changes it leaves for later. */
  public record Narrowed(Plan plan, List<PlannedChange> pending) {}

  /**
   * Resolves {@code given} against {@code platform}.
   *
   * @throws BatonException INVALID_ARGUMENT naming the first target that names nothing, with close names
   */
  public static Targets resolve(Platform platform, List<String> given) {
    List<String> normal = new ArrayList<>();
    Set<String> uuids = new LinkedHashSet<>();
    for (String t : given) {
      int slash = t.indexOf('/');
      ResourceKind kind = slash < 0 ? null : ResourceKind.byYaml(t.substring(0, slash)).orElse(null);
      String file = fileOf(platform, t);
      if (kind != null && file == null) {
        String name = t.substring(slash + 1);
        Resource r = platform.find(kind, name).orElseThrow(() -> BatonException.invalid("--target " + t + ": no "
            + kind.yaml() + " named \"" + name + "\" in " + platform.qualifiedName() + Suggest.didYouMean(name,
            platform.ofKind(kind).stream().map(Resource::name).toList())));
        if (!kind.cloud()) {
          throw BatonException.invalid("--target " + t + ": " + kind.yaml() + " is not provisioned (deploy it)");
        }
        normal.add(r.address());
        uuids.add(r.uuid());
      } else if (file != null) {
        List<Resource> in = platform.cloudResources().stream().filter(r -> file.equals(relative(platform, r)))
            .toList();
        if (in.isEmpty()) {
          throw BatonException.invalid("--target " + t + ": " + file + " defines no resource that is provisioned");
        }
        normal.add(file);
        in.forEach(r -> uuids.add(r.uuid()));
      } else {
        List<String> names = new ArrayList<>(platform.files().keySet());
        platform.cloudResources().forEach(r -> names.add(r.address()));
        throw BatonException.invalid("--target " + t + ": names neither a resource (KIND/NAME) nor a definition file"
            + " of " + platform.qualifiedName() + Suggest.didYouMean(t, names));
      }
    }
    return new Targets(normal, uuids);
  }

  /** The definition file {@code t} names (relative to the platform directory), or null. */
  private static String fileOf(Platform platform, String t) {
    Path dir = platform.dir().toAbsolutePath().normalize();
    for (Path p : List.of(Path.of(t).toAbsolutePath().normalize(), dir.resolve(t).normalize())) {
      if (p.startsWith(dir)) {
        String rel = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (platform.files().containsKey(rel)) {
          return rel;
        }
      }
    }
    return null;
  }

  /** The file {@code r} is defined in, relative to the platform directory. */
  private static String relative(Platform platform, Resource r) {
    Path dir = platform.dir().toAbsolutePath().normalize();
    return dir.relativize(Path.of(r.pos().file()).toAbsolutePath().normalize()).toString()
        .replace(java.io.File.separatorChar, '/');
  }

  /**
   * {@code plan} narrowed to the targets and, transitively, what they depend on: what they
   * reference (rules naming groups included, or those rules could not be completed) and
   * {@code depends_on}; a replaced resource takes along the resources that follow it, which would
   * otherwise keep naming the removed one. Unchanged resources stay in the plan: the engine
   * resolves references through them.
   */
  public Narrowed narrow(Plan plan) {
    Set<String> needed = new LinkedHashSet<>(uuids);
    Deque<String> todo = new ArrayDeque<>(uuids);
    boolean grew = true;
    while (grew) {
      while (!todo.isEmpty()) {
        String u = todo.pop();
        for (PlannedChange c : plan.changes()) {
          if (c.uuid().equals(u)) {
            for (String d : c.dependsOn()) {
              if (needed.add(d)) {
                todo.push(d);
              }
            }
            for (String d : c.weakDependsOn()) {
              if (needed.add(d)) {
                todo.push(d);
              }
            }
          }
        }
      }
      grew = false;
      for (PlannedChange c : plan.changes()) {
        boolean followsReplaced = c.action() != Action.NOOP && c.resource() != null && !needed.contains(c.uuid())
            && c.dependsOn().stream().anyMatch(d -> needed.contains(d) && plan.changes().stream().anyMatch(x ->
                x.uuid().equals(d) && x.action() == Action.REPLACE));
        if (followsReplaced) {
          needed.add(c.uuid());
          todo.push(c.uuid());
          grew = true;
        }
      }
    }
    List<PlannedChange> kept = new ArrayList<>();
    List<PlannedChange> pending = new ArrayList<>();
    for (PlannedChange c : plan.changes()) {
      boolean in = c.action() == Action.NOOP || needed.contains(c.uuid()) && c.resource() != null
          || needed.contains(c.uuid()) && c.action() == Action.DELETE && isDefined(plan, c.uuid());
      (in ? kept : pending).add(c);
    }
    pending.removeIf(c -> c.action() == Action.NOOP);
    return new Narrowed(new Plan(plan.scope(), plan.provider(), List.copyOf(kept), plan.kept(), plan.calls(),
        plan.unchecked(), plan.offHours()), List.copyOf(pending));
  }

  /** Whether a definition carries {@code uuid} (a delete of it removes a duplicate, not a resource no longer defined). */
  private static boolean isDefined(Plan plan, String uuid) {
    return plan.changes().stream().anyMatch(c -> c.uuid().equals(uuid) && c.resource() != null);
  }
}
