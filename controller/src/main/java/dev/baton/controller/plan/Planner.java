package dev.baton.controller.plan;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Reference;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.OnChange;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Ref;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.Values;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a {@link Plan}: observes each resource kind once (one listing per kind, by the
 * platform's tags), matches live resources to definitions by UUID, and diffs them.
 */
public final class Planner {
  private final CloudProvider provider;
  private final Retry retry;
  private final java.util.function.Supplier<java.time.Instant> clock;

  /** A planner whose listings are retried by {@code retry} when throttled. */
  public Planner(CloudProvider provider, Retry retry) {
    this(provider, retry, dev.baton.controller.schedule.ScheduleClock::now);
  }

  /** @param clock what time it is, for off-hours (tests drive it) */
  public Planner(CloudProvider provider, Retry retry, java.util.function.Supplier<java.time.Instant> clock) {
    this.provider = provider;
    this.retry = retry;
    this.clock = clock;
  }

  /** A planner that does not retry (tests that count exact calls). */
  public Planner(CloudProvider provider) {
    this(provider, null);
  }

  public static Scope scopeOf(Platform p) {
    return new Scope(p.name(), p.spec().customer(), p.env());
  }

  /** Kinds the last {@link #observe} could not list, with why (permission denied, an API not available). */
  private final Map<ResourceKind, String> unchecked = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Observes the live platform: every kind listed concurrently. A kind the cloud refuses to list
   * (permission denied, an API it does not offer) is left out and recorded as not checked; any
   * other failure fails the observation.
   */
  public Future<Map<ResourceKind, List<LiveResource>>> observe(Scope scope) {
    unchecked.clear();
    List<Future<List<LiveResource>>> all = new ArrayList<>();
    for (ResourceKind k : ResourceKind.cloudKinds()) {
      java.util.function.Supplier<Future<List<LiveResource>>> op = () -> provider.observe(k, scope);
      Future<List<LiveResource>> listed = retry == null ? op.get() : retry.run(op, (n, why) -> { });
      all.add(listed.map(list -> list.stream().filter(l -> scope.owns(l.tags())).toList()).recover(err -> {
        String why = notListable(err);
        if (why == null) {
          return Future.failedFuture(err);
        }
        unchecked.put(k, why);
        return Future.succeededFuture(List.of());
      }));
    }
    return Future.all(all).map(cf -> {
      Map<ResourceKind, List<LiveResource>> out = new LinkedHashMap<>();
      List<ResourceKind> kinds = ResourceKind.cloudKinds();
      for (int i = 0; i < kinds.size(); i++) {
        out.put(kinds.get(i), cf.resultAt(i));
      }
      return out;
    });
  }

  /** Why a listing's failure means "this kind cannot be read here" (not a failure of the plan), or null. */
  static String notListable(Throwable err) {
    if (!(err instanceof dev.baton.common.error.BatonException b)) {
      return null;
    }
    String m = b.getMessage() == null ? "" : b.getMessage();
    if (b.code() == dev.baton.common.error.ErrorCode.PERMISSION_DENIED) {
      return "permission denied: " + m;
    }
    for (String code : List.of("UnsupportedOperation", "InvalidAction", "NotImplemented", "UnknownOperation")) {
      if (m.contains(": " + code + ":")) {
        return "not available: " + m;
      }
    }
    return null;
  }

  /** What the last observation could not check. */
  public Map<ResourceKind, String> unchecked() {
    return Map.copyOf(unchecked);
  }

  /**
   * The plan of {@code platform}: first what the cloud says it cannot give ({@link CloudProvider#check},
   * an {@link dev.baton.common.error.InvalidDefinitionException} naming each place), then one listing
   * per kind and the diff.
   */
  public Future<Plan> plan(Platform platform) {
    Scope scope = scopeOf(platform);
    long before = provider.stats().total();
    return provider.check(platform).compose(problems -> problems.isEmpty() ? observe(scope)
        : Future.failedFuture(new dev.baton.common.error.InvalidDefinitionException(problems))).map(live -> {
      java.time.Instant now = clock.get();
      Plan p = diff(platform, scope, live, now);
      Map<ResourceKind, String> notRead = unchecked();
      // what could not be read is neither created (it may exist) nor deleted: left as it is
      List<PlannedChange> changes = p.changes().stream().map(c -> notRead.containsKey(c.kind()) && c.action() != Action.NOOP
          ? c.with(Action.NOOP, List.of(), "not checked: " + notRead.get(c.kind())) : c)
          .filter(c -> !(notRead.containsKey(c.kind()) && c.resource() == null)).toList();
      return new Plan(scope, provider.name(), changes, p.kept(), provider.stats().snapshot(), notRead, p.offHours());
    }).map(p -> {
      if (provider.stats().total() < before) {
        throw new IllegalStateException("call counter went backwards");
      }
      return p;
    });
  }

  /** The plan for {@code platform} against observed {@code live} state, as of now; makes no calls. */
  public static Plan diff(Platform platform, Scope scope, Map<ResourceKind, List<LiveResource>> live) {
    return diff(platform, scope, live, dev.baton.controller.schedule.ScheduleClock.now());
  }

  /**
   * The plan for {@code platform} against observed {@code live} state at {@code now}; makes no calls.
   * Inside the environment's off-hours its groups are planned at zero (min and desired), as the
   * controller set them: a stopped environment is not drift, and provision does not wake it.
   */
  public static Plan diff(Platform platform, Scope scope, Map<ResourceKind, List<LiveResource>> live,
      java.time.Instant now) {
    var schedule = platform.schedule();
    boolean off = dev.baton.controller.schedule.OffWindow.isOff(schedule, now);
    Map<String, String> uuidOfId = new HashMap<>();
    Map<String, List<LiveResource>> byUuid = new LinkedHashMap<>();
    live.values().forEach(list -> list.forEach(l -> {
      uuidOfId.put(l.id().id(), l.uuid());
      byUuid.computeIfAbsent(l.kind().yaml() + "/" + l.uuid(), k -> new ArrayList<>()).add(l);
    }));
    Map<String, Resource> defined = new LinkedHashMap<>();
    platform.cloudResources().forEach(r -> defined.put(r.uuid(), r));

    List<PlannedChange> changes = new ArrayList<>();
    List<PlannedChange> deletes = new ArrayList<>();
    List<PlannedChange> kept = new ArrayList<>();
    Map<String, PlannedChange> byResource = new LinkedHashMap<>();

    for (Resource r : creationOrder(platform)) {
      Map<String, Object> desired = DesiredState.attributes(platform, r);
      if (off && r.kind() == ResourceKind.AUTOSCALING_GROUP) {
        desired.put("min", 0);
        desired.put("desired", 0);
      }
      Set<String> deps = new LinkedHashSet<>();
      Set<String> weak = new LinkedHashSet<>();
      for (Reference ref : r.references()) {
        String target = platform.find(ref.target(), ref.name()).orElseThrow().uuid();
        (ref.weak() ? weak : deps).add(target);
      }
      for (String d : r.common().dependsOn()) {
        String kind = d.substring(0, d.indexOf('/'));
        platform.find(ResourceKind.byYaml(kind).orElseThrow(), d.substring(d.indexOf('/') + 1))
            .ifPresent(t -> deps.add(t.uuid()));
      }
      weak.removeAll(deps); // a rule may name its own group: created first, the rule added after
      List<LiveResource> matches = new ArrayList<>(byUuid.getOrDefault(r.kind().yaml() + "/" + r.uuid(), List.of()));
      // Of several carrying one UUID, keep the one other resources use, else the first listed.
      matches.sort(Comparator.comparing((LiveResource l) -> !referencedByOthers(l, live)));
      LiveResource current = matches.isEmpty() ? null : matches.get(0);
      for (LiveResource extra : matches.subList(Math.min(1, matches.size()), matches.size())) {
        deletes.add(new PlannedChange(Action.DELETE, r.kind(), r.name(), r.uuid(), null, extra, null, List.of(),
            Set.of(), Set.of(), "duplicate of " + current.id() + " carrying the same UUID"));
      }
      PlannedChange c;
      if (current == null) {
        c = new PlannedChange(Action.CREATE, r.kind(), r.name(), r.uuid(), r, null, desired, List.of(), deps, weak,
            "missing");
      } else {
        List<AttributeDiff> diff = compare(r.kind(), desired, current, uuidOfId);
        Action a = diff.isEmpty() ? Action.NOOP
            : diff.stream().anyMatch(d -> d.mode() == OnChange.REPLACE) ? Action.REPLACE : Action.UPDATE;
        c = new PlannedChange(a, r.kind(), r.name(), r.uuid(), r, current, desired, diff, deps, weak,
            a == Action.REPLACE ? "changing " + String.join(", ", diff.stream().filter(d -> d.mode() == OnChange.REPLACE)
                .map(AttributeDiff::attribute).toList()) + " forces replacement" : "");
      }
      byResource.put(r.uuid(), c);
    }
    cascadeReplacements(byResource);
    changes.addAll(byResource.values());

    for (Map.Entry<String, List<LiveResource>> e : byUuid.entrySet()) {
      for (LiveResource l : e.getValue()) {
        if (!defined.containsKey(l.uuid()) || defined.get(l.uuid()).kind() != l.kind()) {
          Set<String> liveDeps = liveReferences(l, uuidOfId);
          PlannedChange d = new PlannedChange(Action.DELETE, l.kind(), l.name(), l.uuid(), null, l, null, List.of(),
              liveDeps, Set.of(), "no longer defined");
          if (l.isProtected()) {
            kept.add(d.with(Action.NOOP, List.of(), "protected; no longer defined (destroy --force removes it)"));
          } else {
            deletes.add(d);
          }
        }
      }
    }
    deletes.sort(Comparator.comparing((PlannedChange d) -> -d.kind().ordinal()).thenComparing(PlannedChange::name));
    changes.addAll(deletes);
    String offHours = off ? "inside its off-hours until " + dev.baton.controller.schedule.OffWindow.nextStart(schedule, now)
        .map(Object::toString).orElse("(never)") + " (" + dev.baton.controller.definition.Cron.parse(schedule.start(),
        schedule.timeZone() == null ? "UTC" : schedule.timeZone()).describe() + "): its groups are planned at zero,"
        + " its instances stay as they are" : null;
    return new Plan(scope, "", List.copyOf(changes), List.copyOf(kept), Map.of(), Map.of(), offHours);
  }

  /**
   * Removal of everything {@code scope} owns that is live, dependents first. Protected
   * resources (defined with {@code protect: true}) are kept unless {@code force}.
   */
  public Future<Plan> destroy(Scope scope, boolean force) {
    return observe(scope).map(live -> {
      Map<String, String> uuidOfId = new HashMap<>();
      live.values().forEach(list -> list.forEach(l -> uuidOfId.put(l.id().id(), l.uuid())));
      List<PlannedChange> deletes = new ArrayList<>();
      List<PlannedChange> kept = new ArrayList<>();
      for (List<LiveResource> list : live.values()) {
        for (LiveResource l : list) {
          PlannedChange d = new PlannedChange(Action.DELETE, l.kind(), l.name(), l.uuid(), null, l, null, List.of(),
              liveReferences(l, uuidOfId), Set.of(), "destroy");
          if (l.isProtected() && !force) {
            kept.add(d.with(Action.NOOP, List.of(), "protected (destroy --force removes it)"));
          } else {
            deletes.add(d);
          }
        }
      }
      deletes.sort(Comparator.comparing((PlannedChange d) -> -d.kind().ordinal()).thenComparing(PlannedChange::name));
      return new Plan(scope, provider.name(), List.copyOf(deletes), List.copyOf(kept), provider.stats().snapshot(),
          unchecked());
    });
  }

  /** Definitions sorted so that each comes after what it references (kind order breaks ties). */
  static List<Resource> creationOrder(Platform platform) {
    List<Resource> sorted = new ArrayList<>(platform.cloudResources());
    sorted.sort(Comparator.comparing((Resource r) -> r.kind().ordinal()).thenComparing(Resource::name));
    Map<String, Resource> byUuid = new LinkedHashMap<>();
    sorted.forEach(r -> byUuid.put(r.uuid(), r));
    List<Resource> out = new ArrayList<>();
    Set<String> done = new java.util.HashSet<>();
    for (Resource r : sorted) {
      visit(platform, r, byUuid, done, out);
    }
    return out;
  }

  private static void visit(Platform platform, Resource r, Map<String, Resource> byUuid, Set<String> done,
      List<Resource> out) {
    if (!done.add(r.uuid())) {
      return;
    }
    for (Reference ref : r.references()) {
      if (!ref.weak()) {
        platform.find(ref.target(), ref.name()).ifPresent(t -> visit(platform, t, byUuid, done, out));
      }
    }
    for (String d : r.common().dependsOn()) {
      ResourceKind k = ResourceKind.byYaml(d.substring(0, d.indexOf('/'))).orElseThrow();
      platform.find(k, d.substring(d.indexOf('/') + 1)).ifPresent(t -> visit(platform, t, byUuid, done, out));
    }
    out.add(r);
  }

  /**
   * A resource that references a replaced one through an attribute that forces replacement is
   * replaced too (an instance in a replaced subnet); through any other attribute it is updated,
   * so that the reference points at the new resource.
   */
  private static void cascadeReplacements(Map<String, PlannedChange> byResource) {
    Set<String> done = new java.util.HashSet<>();
    boolean changed = true;
    while (changed) {
      changed = false;
      for (PlannedChange c : List.copyOf(byResource.values())) {
        if (c.action() == Action.CREATE || c.action() == Action.REPLACE || c.live() == null) {
          continue;
        }
        for (String dep : c.dependsOn()) {
          PlannedChange target = byResource.get(dep);
          if (target == null || target.action() != Action.REPLACE || !done.add(c.uuid() + ">" + dep)) {
            continue;
          }
          String attr = attributeReferencing(c.desired(), dep);
          OnChange mode = attr == null ? OnChange.UPDATE : DesiredState.modes(c.kind()).getOrDefault(attr, OnChange.UPDATE);
          List<AttributeDiff> diff = new ArrayList<>(c.diff());
          if (attr != null && diff.stream().noneMatch(d -> d.attribute().equals(attr))) {
            diff.add(new AttributeDiff(attr, c.desired().get(attr), c.live().attributes().get(attr), mode, true));
          }
          Action a = mode == OnChange.REPLACE || c.action() == Action.REPLACE ? Action.REPLACE : Action.UPDATE;
          String why = (a == Action.REPLACE ? "replaced with " : "refreshed after the replacement of ") + target.address();
          byResource.put(c.uuid(), c.with(a, diff, why));
          changed = true;
          break;
        }
      }
    }
  }

  private static String attributeReferencing(Map<String, Object> desired, String uuid) {
    for (Map.Entry<String, Object> e : desired.entrySet()) {
      if (Values.mentions(e.getValue(), new Ref(uuid))) {
        return e.getKey();
      }
    }
    return null;
  }

  static List<AttributeDiff> compare(ResourceKind kind, Map<String, Object> desired, LiveResource live,
      Map<String, String> uuidOfId) {
    Map<String, OnChange> modes = DesiredState.modes(kind);
    List<AttributeDiff> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : desired.entrySet()) {
      String key = e.getKey();
      if (key.equals(DesiredState.TAGS) && live.tags().containsKey(LiveResource.UNTAGGED)) {
        continue; // a kind the cloud cannot tag (IAM groups, DNS records): owned by path or record, nothing to compare
      }
      Object actual = key.equals(DesiredState.TAGS) ? withoutCloudTags(live.tags()) : live.attributes().get(key);
      Object want = Canonical.of(e.getValue(), id -> id);
      Object have = Canonical.of(actual, id -> uuidOfId.containsKey(id.id()) ? new Ref(uuidOfId.get(id.id())) : id);
      if (Canonical.isEmpty(want) && Canonical.isEmpty(have)) {
        continue;
      }
      if (!Objects.equals(want, have)) {
        out.add(new AttributeDiff(key, e.getValue(), actual, modes.getOrDefault(key, OnChange.UPDATE)));
      }
    }
    return out;
  }

  private static Map<String, String> withoutCloudTags(Map<String, String> tags) {
    Map<String, String> out = new java.util.TreeMap<>(tags);
    out.keySet().removeIf(k -> k.startsWith("aws:"));
    return out;
  }

  /** UUIDs a live resource needs (strong references only: rules naming groups are weak). */
  static Set<String> liveReferences(LiveResource l, Map<String, String> uuidOfId) {
    Set<String> out = new LinkedHashSet<>();
    Set<String> weak = DesiredState.weakKeys(l.kind());
    l.attributes().forEach((k, v) -> {
      if (!weak.contains(k)) {
        Values.forEachLeaf(v, x -> {
          if (x instanceof CloudId id && uuidOfId.containsKey(id.id())) {
            out.add(uuidOfId.get(id.id()));
          }
        });
      }
    });
    out.remove(l.uuid());
    return out;
  }

  private static boolean referencedByOthers(LiveResource l, Map<ResourceKind, List<LiveResource>> live) {
    for (List<LiveResource> list : live.values()) {
      for (LiveResource other : list) {
        if (other != l && Values.mentions(other.attributes(), l.id())) {
          return true;
        }
      }
    }
    return false;
  }



}
