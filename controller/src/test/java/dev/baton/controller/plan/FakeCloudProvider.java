package dev.baton.controller.plan;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CallStats;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Power;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.Values;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cloud that behaves simply, records what happened, and takes injected failures:
 * throttling, "not found yet" right after a create, calls that never answer, permanent
 * failures of one resource, and a crash at any call (before or after the call took effect),
 * after which nothing more happens until {@link #recover()}. Listings are paginated. Of a group it
 * changes the capacity only; its instances are resources like any other, stopped and started.
 */
public final class FakeCloudProvider implements CloudProvider, AutoscalingGroups, Power {
  /** Thrown from every call once the fake has "crashed", like a process killed with -9. */
  public static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash() {
      super("crashed", null, false, false);
    }
  }

  private final CallStats stats = new CallStats();
  private final Map<String, LiveResource> resources = new LinkedHashMap<>();
  private final List<String> log = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final Map<String, Integer> invisible = new HashMap<>();
  private final Map<String, String> failUuid = new HashMap<>();
  private final Random random;
  private int pageSize = 100;
  private double throttleRate;
  private int notFoundAfterCreate;
  private int hang;
  private int calls;
  private int crashAt = -1;
  private boolean crashAfterEffect;
  private boolean crashed;
  private io.vertx.core.Vertx delayVertx;
  private long delayMillis;

  public FakeCloudProvider(long seed) {
    this.random = new Random(seed);
  }

  // ------------------------------------------------------------ fault injection

  public FakeCloudProvider throttle(double rate) {
    this.throttleRate = rate;
    return this;
  }

  /** A resource just created is invisible to the next {@code n} calls that reference it. */
  public FakeCloudProvider notFoundAfterCreate(int n) {
    this.notFoundAfterCreate = n;
    return this;
  }

  /** Listing {@code kind} is refused as AWS refuses a missing permission. */
  public FakeCloudProvider denyListing(ResourceKind kind) {
    denied.add(kind);
    return this;
  }

  private final java.util.Set<ResourceKind> denied = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The next {@code n} calls never answer. */
  public FakeCloudProvider hang(int n) {
    this.hang = n;
    return this;
  }

  /** Crash when call number {@code n} (0-based) is made; {@code afterEffect}: once it took effect. */
  public FakeCloudProvider crashAt(int n, boolean afterEffect) {
    this.crashAt = n;
    this.crashAfterEffect = afterEffect;
    return this;
  }

  /** Creating the resource with this UUID fails for good with {@code message}. */
  public FakeCloudProvider failCreate(String uuid, String message) {
    failUuid.put(uuid, message);
    return this;
  }

  public FakeCloudProvider pageSize(int n) {
    this.pageSize = n;
    return this;
  }

  /** Answers each mutating call after {@code millis} (to observe parallelism). */
  public FakeCloudProvider delay(io.vertx.core.Vertx vertx, long millis) {
    this.delayVertx = vertx;
    this.delayMillis = millis;
    return this;
  }

  public synchronized void recover() {
    crashed = false;
    crashAt = -1;
    hang = 0;
  }

  // ------------------------------------------------------------ inspection

  public synchronized List<LiveResource> all() {
    return List.copyOf(resources.values());
  }

  public synchronized List<String> log() {
    return List.copyOf(log);
  }

  public synchronized int callCount() {
    return calls;
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** Changes a live resource behind Baton's back. */
  public synchronized void tamper(String uuid, String attribute, Object value) {
    LiveResource l = byUuid(uuid);
    Map<String, Object> a = new LinkedHashMap<>(l.attributes());
    if (value == null) {
      a.remove(attribute);
    } else {
      a.put(attribute, value);
    }
    resources.put(l.id().id(), new LiveResource(l.kind(), l.uuid(), l.id(), a, l.tags(), l.state()));
  }

  public synchronized void removeBehindTheBack(String uuid) {
    resources.remove(byUuid(uuid).id().id());
  }

  /** Adds a live resource directly, as another tool (or a crashed run) would have. */
  public synchronized LiveResource put(ResourceKind kind, String uuid, Map<String, Object> attrs, Map<String, String> tags) {
    CloudId id = new CloudId("fake-" + kind.yaml() + "-" + ids.incrementAndGet());
    LiveResource l = new LiveResource(kind, uuid, id, attrs, tags, "available");
    resources.put(id.id(), l);
    return l;
  }

  private LiveResource byUuid(String uuid) {
    return resources.values().stream().filter(l -> l.uuid().equals(uuid)).findFirst().orElseThrow();
  }

  // ------------------------------------------------------------ CloudProvider

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public CallStats stats() {
    return stats;
  }

  @Override
  public Future<List<LiveResource>> observe(ResourceKind kind, Scope scope) {
    if (denied.contains(kind)) {
      return Future.failedFuture(new dev.baton.common.error.BatonException(dev.baton.common.error.ErrorCode.PERMISSION_DENIED,
          "fake: List/" + kind.yaml() + ": AccessDenied: not authorized"));
    }
    List<LiveResource> matching;
    synchronized (this) {
      matching = resources.values().stream().filter(l -> l.kind() == kind && scope.owns(l.tags())).toList();
    }
    int pages = Math.max(1, (matching.size() + pageSize - 1) / pageSize);
    Future<List<LiveResource>> f = Future.succeededFuture(new ArrayList<>());
    for (int p = 0; p < pages; p++) {
      int page = p;
      f = f.compose(acc -> call("List/" + kind.yaml(), null, () -> {
        acc.addAll(matching.subList(page * pageSize, Math.min(matching.size(), (page + 1) * pageSize)));
        return acc;
      }));
    }
    return f;
  }

  @Override
  public Future<List<LiveResource>> lookup(ResourceKind kind, Scope scope, String uuid) {
    return call("Lookup/" + kind.yaml(), null, () -> resources.values().stream()
        .filter(l -> l.kind() == kind && l.uuid().equals(uuid) && scope.owns(l.tags())).toList());
  }

  @Override
  public Future<LiveResource> create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> attributes,
      Map<String, String> tags, String token) {
    return call("Create/" + kind.yaml(), attributes, () -> {
      if (failUuid.containsKey(uuid)) {
        throw new BatonException(ErrorCode.INVALID_ARGUMENT, failUuid.get(uuid));
      }
      CloudId id = new CloudId("fake-" + kind.yaml() + "-" + ids.incrementAndGet());
      LiveResource l = new LiveResource(kind, uuid, id, attributes, tags, kind == ResourceKind.INSTANCE ? "running"
          : "available");
      resources.put(id.id(), l);
      if (notFoundAfterCreate > 0) {
        invisible.put(id.id(), notFoundAfterCreate);
      }
      return l;
    });
  }

  @Override
  public Future<LiveResource> update(LiveResource live, Map<String, Object> attributes, Map<String, String> tags,
      List<String> changed) {
    return call("Update/" + live.kind().yaml(), attributes, () -> {
      LiveResource current = resources.get(live.id().id());
      if (current == null) {
        throw new BatonException(ErrorCode.NOT_FOUND, live.id() + " does not exist");
      }
      Map<String, Object> a = new LinkedHashMap<>(current.attributes());
      for (String k : changed) {
        if (attributes.containsKey(k)) {
          a.put(k, attributes.get(k));
        } else {
          a.remove(k);
        }
      }
      LiveResource l = new LiveResource(current.kind(), current.uuid(), current.id(), a, tags, current.state());
      resources.put(l.id().id(), l);
      return l;
    });
  }

  /** Like EC2 Auto Scaling: a desired count outside min..max is refused. */
  @Override
  public Future<Void> setCapacity(LiveResource group, Integer min, int desired) {
    return call("SetDesiredCapacity", null, () -> {
      LiveResource g = resources.get(group.id().id());
      Map<String, Object> a = new LinkedHashMap<>(g.attributes());
      int max = a.get("max") instanceof Number n ? n.intValue() : desired;
      int floor = min != null ? min : a.get("min") instanceof Number n ? n.intValue() : 0;
      if (desired > max || desired < floor) {
        throw new BatonException(ErrorCode.INVALID_ARGUMENT, "ValidationError: desired capacity " + desired
            + " is outside " + floor + ".." + max);
      }
      if (min != null) {
        a.put("min", min);
      }
      a.put("desired", desired);
      resources.put(g.id().id(), new LiveResource(g.kind(), g.uuid(), g.id(), a, g.tags(), g.state()));
      return null;
    });
  }

  @Override
  public Future<List<GroupInstance>> groupInstances(LiveResource group) {
    return notOffered("listing a group's instances");
  }

  @Override
  public Future<String> templateVersion(LiveResource group) {
    return notOffered("launch templates");
  }

  @Override
  public Future<Void> terminateInGroup(LiveResource group, String instanceId, boolean decrement) {
    return notOffered("terminating an instance of a group");
  }

  @Override
  public Future<Void> completeLifecycle(LiveResource group, String instanceId) {
    return notOffered("lifecycle hooks");
  }

  /** What the fake does not do, refused as a provider refuses a capability it lacks. */
  private <T> Future<T> notOffered(String what) {
    return Future.failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION, "the " + name()
        + " provider does not support " + what));
  }

  @Override
  public Future<Void> stopInstances(List<String> ids) {
    return call("StopInstances", null, () -> {
      ids.forEach(id -> state(id, "stopped"));
      return null;
    });
  }

  @Override
  public Future<Void> startInstances(List<String> ids) {
    return call("StartInstances", null, () -> {
      ids.forEach(id -> state(id, "running"));
      return null;
    });
  }

  private void state(String id, String state) {
    LiveResource l = resources.get(id);
    resources.put(id, new LiveResource(l.kind(), l.uuid(), l.id(), l.attributes(), l.tags(), state));
  }

  @Override
  public Future<Void> delete(LiveResource live) {
    return call("Delete/" + live.kind().yaml(), null, () -> {
      LiveResource self = resources.get(live.id().id());
      if (self != null && live.kind() == ResourceKind.SECURITY_GROUP) {
        // like AWS: a group's own rules go with it, but rules of other groups naming it block it
        Map<String, Object> a = new LinkedHashMap<>(self.attributes());
        a.remove("ingress");
        a.remove("egress");
        resources.put(self.id().id(), new LiveResource(self.kind(), self.uuid(), self.id(), a, self.tags(), self.state()));
      }
      for (LiveResource other : resources.values()) {
        // like AWS: what uses a resource blocks its removal, but a DNS record's value does not
        if (!other.id().equals(live.id()) && other.kind() != ResourceKind.DNS_RECORD
            && Values.mentions(other.attributes(), live.id())) {
          throw new BatonException(ErrorCode.FAILED_PRECONDITION, "DependencyViolation: " + live.id()
              + " is still used by " + other.id(), true, null);
        }
      }
      resources.remove(live.id().id());
      return null;
    });
  }

  private interface Effect<T> {
    T run();
  }

  private <T> Future<T> call(String op, Map<String, Object> attributes, Effect<T> effect) {
    T result;
    synchronized (this) {
      stats.count(op);
      log.add(op);
      int n = calls++;
      if (crashed) {
        return Future.failedFuture(new Crash());
      }
      if (n == crashAt && !crashAfterEffect) {
        crashed = true;
        return Future.failedFuture(new Crash());
      }
      if (hang > 0) {
        hang--;
        return Promise.<T>promise().future();
      }
      if (throttleRate > 0 && random.nextDouble() < throttleRate) {
        return Future.failedFuture(new BatonException(ErrorCode.UNAVAILABLE, "RequestLimitExceeded: request limit exceeded"));
      }
      if (attributes != null) {
        for (Map.Entry<String, Integer> e : invisible.entrySet()) {
          if (e.getValue() > 0 && Values.mentions(attributes, new CloudId(e.getKey()))) {
            e.setValue(e.getValue() - 1);
            return Future.failedFuture(new BatonException(ErrorCode.NOT_FOUND, "InvalidID.NotFound: " + e.getKey()
                + " does not exist", true, null));
          }
        }
      }
      try {
        result = effect.run();
      } catch (BatonException e) {
        return Future.failedFuture(e);
      }
      if (n == crashAt) {
        crashed = true;
        return Future.failedFuture(new Crash());
      }
    }
    if (delayVertx != null && attributes != null) {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      Promise<T> p = Promise.promise();
      delayVertx.setTimer(delayMillis, id -> {
        inFlight.decrementAndGet();
        p.complete(result);
      });
      return p.future();
    }
    return Future.succeededFuture(result);
  }

  /** UUIDs that more than one live resource carries. */
  public synchronized Set<String> duplicates() {
    Map<String, Integer> count = new HashMap<>();
    resources.values().forEach(l -> count.merge(l.kind() + "/" + l.uuid(), 1, Integer::sum));
    Set<String> out = new java.util.TreeSet<>();
    count.forEach((k, v) -> {
      if (v > 1) {
        out.add(k);
      }
    });
    return out;
  }
}
