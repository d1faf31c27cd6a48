package dev.baton.controller.plan;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Ref;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.Values;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Applies a {@link Plan}. First every removal (deletes, and the first half of replacements),
 * dependents before what they depend on; then every creation and update, each after what it
 * references. Independent steps run at the same time, at most {@code parallelism} at once.
 * A failed step stops only the steps that depend on it; everything else is finished, and
 * every failure is reported. Each create first looks for a live resource already carrying
 * the UUID (a crashed earlier run may have made it), so re-running never duplicates.
 */
public final class Engine {

  /** How a step ended. */
  public enum Status { DONE, FAILED, SKIPPED }

  /** The end of one step. */
  public record Outcome(PlannedChange change, Status status, String message, long millis) {}

  /** Everything that happened; {@code calls} counts cloud calls of the whole run. */
  public record Report(List<Outcome> outcomes, Map<String, Long> calls) {
    public boolean ok() {
      return outcomes.stream().allMatch(o -> o.status == Status.DONE);
    }

    public long count(Status s) {
      return outcomes.stream().filter(o -> o.status == s).count();
    }
  }

  /** Progress callbacks; may be called from several threads. */
  public interface Listener {
    default void started(PlannedChange c, String step) {}

    default void retrying(PlannedChange c, int attempt, Throwable why) {}

    default void finished(Outcome o) {}
  }

  /** Marks a removal being scheduled, so that a dependency loop among live resources ends. */
  private static final Future<Void> PENDING = Future.succeededFuture();

  private final CloudProvider provider;
  private final Retry retry;
  private final Limiter limiter;
  private final Listener listener;
  private final LongSupplier clock;
  private final String runId;

  public Engine(CloudProvider provider, Retry retry, int parallelism, Listener listener, LongSupplier clock,
      String runId) {
    this.provider = provider;
    this.retry = retry;
    this.limiter = new Limiter(parallelism);
    this.listener = listener;
    this.clock = clock;
    this.runId = runId;
  }

  public Future<Report> apply(Plan plan) {
    return new Run(plan).start();
  }

  /** The state of one apply. */
  private final class Run {
    private final Plan plan;
    private final Scope scope;
    /** Live resources by UUID, as known now: updated as steps finish. */
    private final Map<String, LiveResource> index = new ConcurrentHashMap<>();
    private final List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<PlannedChange, Future<Void>> removals = new IdentityHashMap<>();
    private final Map<String, Future<Void>> creations = new HashMap<>();
    private final Map<String, PlannedChange> phase2 = new LinkedHashMap<>();
    /** Resources created or updated with some rule left out, to be completed. */
    private final Set<String> incomplete = ConcurrentHashMap.newKeySet();

    Run(Plan plan) {
      this.plan = plan;
      this.scope = plan.scope();
      for (PlannedChange c : plan.changes()) {
        if (c.live() != null && c.action() != Action.DELETE) {
          index.put(c.uuid(), c.live());
        }
      }
    }

    Future<Report> start() {
      List<PlannedChange> removing = plan.changes().stream()
          .filter(c -> c.action() == Action.DELETE || c.action() == Action.REPLACE).toList();
      List<Future<Void>> phase1 = new ArrayList<>();
      synchronized (removals) {
        for (PlannedChange c : removing) {
          phase1.add(removal(c, removing));
        }
      }
      return Future.join(phase1).transform(ignored -> {
        for (PlannedChange c : plan.changes()) {
          if (c.action() == Action.CREATE || c.action() == Action.UPDATE || c.action() == Action.REPLACE) {
            phase2.put(c.uuid(), c);
          }
        }
        List<Future<Void>> all = new ArrayList<>();
        synchronized (creations) {
          for (PlannedChange c : phase2.values()) {
            all.add(creation(c));
          }
        }
        return Future.join(all);
      }).transform(ignored -> Future.succeededFuture(new Report(List.copyOf(outcomes), provider.stats().snapshot())));
    }

    // ------------------------------------------------------------ phase 1: removals

    private Future<Void> removal(PlannedChange c, List<PlannedChange> removing) {
      Future<Void> existing = removals.get(c);
      if (existing != null) {
        return existing;
      }
      removals.put(c, PENDING);
      List<Future<Void>> before = new ArrayList<>();
      for (PlannedChange other : removing) {
        if (other != c && other.dependsOn().contains(c.uuid()) && !other.uuid().equals(c.uuid())
            && removals.get(other) != PENDING) {
          before.add(removal(other, removing));
        }
      }
      Future<Void> f = Future.join(before).transform(ar -> {
        if (ar.failed()) {
          return skip(c, "not removed: a resource that depends on it could not be removed");
        }
        return step(c, "delete", () -> provider.delete(c.live()).map(v -> {
          index.remove(c.uuid(), c.live());
          return (Void) null;
        }), c.action() == Action.DELETE);
      });
      removals.put(c, f);
      return f;
    }

    // ------------------------------------------------------------ phase 2: creations and updates

    private Future<Void> creation(PlannedChange c) {
      Future<Void> existing = creations.get(c.uuid());
      if (existing != null) {
        return existing;
      }
      List<Future<Void>> before = new ArrayList<>();
      for (String dep : c.dependsOn()) {
        PlannedChange d = phase2.get(dep);
        if (d != null) {
          before.add(creation(d));
        }
      }
      Future<Void> f;
      if (c.action() == Action.REPLACE && failedRemoval(c)) {
        f = skip(c, "not created again: removing the old one failed");
      } else {
        f = Future.join(before).transform(ar -> {
          if (ar.failed()) {
            return skip(c, "not applied: something it depends on failed");
          }
          return step(c, c.action() == Action.UPDATE ? "update" : "create", () -> c.action() == Action.UPDATE
              ? update(c, index.get(c.uuid()), changedKeys(c), true) : createOrAdopt(c), true);
        });
      }
      creations.put(c.uuid(), f);
      if (!c.weakDependsOn().isEmpty()) {
        // Rules naming groups that were not there yet were left out: add them once they are.
        List<Future<Void>> weak = new ArrayList<>();
        weak.add(f);
        for (String w : c.weakDependsOn()) {
          PlannedChange d = phase2.get(w);
          if (d != null) {
            weak.add(creation(d));
          }
        }
        Future<Void> settled = Future.join(weak).transform(ar -> {
          if (f.failed() || !incomplete.contains(c.uuid())) {
            return Future.succeededFuture();
          }
          return step(c, "complete rules", () -> update(c, index.get(c.uuid()), weakKeys(c), false), false);
        });
        creations.put(c.uuid(), settled);
        return settled;
      }
      return f;
    }

    private boolean failedRemoval(PlannedChange c) {
      Future<Void> r = removals.get(c);
      return r != null && r.failed();
    }

    private Future<LiveResource> createOrAdopt(PlannedChange c) {
      return provider.lookup(c.kind(), scope, c.uuid()).compose(found -> {
        List<LiveResource> mine = found.stream().filter(l -> scope.owns(l.tags())).toList();
        if (!mine.isEmpty()) {
          LiveResource live = mine.get(0);
          index.put(c.uuid(), live);
          Map<String, String> uuidOfId = new HashMap<>();
          index.values().forEach(l -> uuidOfId.put(l.id().id(), l.uuid()));
          List<String> changed = Planner.compare(c.kind(), c.desired(), live, uuidOfId).stream()
              .map(AttributeDiff::attribute).filter(k -> !k.equals(DesiredState.TAGS)).toList();
          boolean tagsDiffer = Planner.compare(c.kind(), Map.of(DesiredState.TAGS, c.desired().get(DesiredState.TAGS)),
              live, uuidOfId).size() > 0;
          return changed.isEmpty() && !tagsDiffer ? Future.succeededFuture(live) : update(c, live, changed, true);
        }
        Map<String, Object> attrs = resolve(c, true);
        return provider.create(c.kind(), scope, c.uuid(), attrs, tags(c), token(c)).map(live -> {
          index.put(c.uuid(), live);
          return live;
        });
      });
    }

    private Future<LiveResource> update(PlannedChange c, LiveResource live, List<String> changed, boolean dropWeak) {
      if (live == null) {
        return Future.failedFuture(new BatonException(ErrorCode.NOT_FOUND, c.address() + " is not there to update"));
      }
      if (!dropWeak) {
        incomplete.remove(c.uuid());
      }
      Map<String, Object> attrs = resolve(c, dropWeak);
      return provider.update(live, attrs, tags(c), changed).map(updated -> {
        index.put(c.uuid(), updated);
        return updated;
      });
    }

    private List<String> changedKeys(PlannedChange c) {
      return c.diff().stream().map(AttributeDiff::attribute).filter(k -> !k.equals(DesiredState.TAGS)).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> tags(PlannedChange c) {
      return (Map<String, String>) c.desired().get(DesiredState.TAGS);
    }

    private String token(PlannedChange c) {
      return c.uuid() + "-" + runId;
    }

    private List<String> weakKeys(PlannedChange c) {
      List<String> keys = new ArrayList<>();
      for (Map.Entry<String, Object> e : c.desired().entrySet()) {
        if (c.weakDependsOn().stream().anyMatch(w -> Values.mentions(e.getValue(), new Ref(w)))) {
          keys.add(e.getKey());
        }
      }
      return keys;
    }

    /**
     * The desired attributes with references turned into cloud IDs. A weak reference to a
     * resource that is not there yet drops the list item holding it (completed later).
     */
    private Map<String, Object> resolve(PlannedChange c, boolean dropWeak) {
      Map<String, Object> out = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, Object> e : c.desired().entrySet()) {
          if (!e.getKey().equals(DesiredState.TAGS)) {
            out.put(e.getKey(), resolveValue(c, e.getValue(), dropWeak));
          }
        }
      } catch (Unresolved u) {
        throw new BatonException(ErrorCode.FAILED_PRECONDITION, "it references " + describe(u.uuid)
            + ", which is not there");
      }
      return out;
    }

    private String describe(String uuid) {
      return plan.changes().stream().filter(x -> x.uuid().equals(uuid)).map(PlannedChange::address).findFirst()
          .orElse(uuid);
    }

    private Object resolveValue(PlannedChange c, Object v, boolean dropWeak) {
      if (v instanceof Ref r) {
        LiveResource target = index.get(r.uuid());
        if (target == null) {
          throw new Unresolved(r.uuid());
        }
        return target.id();
      }
      if (v instanceof Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, val) -> out.put(k.toString(), resolveValue(c, val, dropWeak)));
        return out;
      }
      if (v instanceof List<?> list) {
        List<Object> out = new ArrayList<>();
        for (Object item : list) {
          try {
            out.add(resolveValue(c, item, dropWeak));
          } catch (Unresolved u) {
            if (!(dropWeak && c.weakDependsOn().contains(u.uuid))) {
              throw u;
            }
            incomplete.add(c.uuid());
          }
        }
        return out;
      }
      return v;
    }

    // ------------------------------------------------------------ steps

    private Future<Void> step(PlannedChange c, String what, java.util.function.Supplier<Future<?>> op,
        boolean record) {
      return limiter.run(() -> {
        long t0 = clock.getAsLong();
        listener.started(c, what);
        return retry.run(() -> op.get().map(x -> (Object) x), (n, why) -> listener.retrying(c, n, why)).transform(ar -> {
          long ms = clock.getAsLong() - t0;
          if (ar.succeeded()) {
            if (record) {
              finish(new Outcome(c, Status.DONE, what, ms));
            }
            return Future.<Void>succeededFuture();
          }
          finish(new Outcome(c, Status.FAILED, what + " failed: " + message(ar.cause()), ms));
          return Future.<Void>failedFuture(ar.cause());
        });
      });
    }

    private Future<Void> skip(PlannedChange c, String why) {
      finish(new Outcome(c, Status.SKIPPED, why, 0));
      return Future.failedFuture(why);
    }

    private void finish(Outcome o) {
      outcomes.add(o);
      listener.finished(o);
    }
  }

  static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /** A reference to a resource that has no live counterpart yet. */
  private static final class Unresolved extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String uuid;

    Unresolved(String uuid) {
      super("unresolved " + uuid, null, false, false);
      this.uuid = uuid;
    }
  }
}
