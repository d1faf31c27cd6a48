package dev.baton.controller.schedule;

import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.definition.Cron;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.intent.CloudIntent;
import dev.baton.controller.intent.IntentCodec;
import dev.baton.controller.intent.PlatformIntents;
import dev.baton.controller.definition.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Off-hours: at an environment's {@code stop} time the controller stops its instances and sets its
 * autoscaling groups to zero (remembering their min and desired), at {@code start} it starts the
 * instances again and gives the groups back their counts. Checked every 30 s; a time that passed
 * while the controller was down is acted on when it is back (the later of stop and start wins).
 * What was stopped and each group's counts are kept in {@code schedules.json} (written atomically)
 * so a restarted controller restores exactly what it stopped; groups get back the counts of their
 * definition (as {@code provision} registered them). An environment provisioned or rescheduled inside
 * its off window is stopped at the next check. A step that fails is retried at every check and
 * announced as {@code schedule.failed} once (again only if the failure changes). The planner knows
 * the window too ({@link OffWindow}): inside it, groups are planned at zero.
 */
public final class OffHours implements dev.baton.controller.cluster.Replicated {
  private static final Logger LOG = Logger.getLogger("baton.schedule");

  /** What a scheduled step announces: type, scope, summary. */
  public interface Announcer {
    void announce(String type, String customer, String platform, String env, JsonObject data);
  }

  private final Path file;
  private final Function<CloudIntent, CloudProvider> providers;
  private final Announcer announcer;
  /** key customer/platform/env → {customer, platform, env, schedule, cloud, phase, checked, groups, stopped, error} */
  private final Map<String, JsonObject> entries = new TreeMap<>();
  private boolean running;
  private final OffHoursSteps steps = new OffHoursSteps(this);

  /**
   * @param providers the cloud of an environment (null: the local cloud); the provider is closed after each step
   */
  public OffHours(Path file, Function<CloudIntent, CloudProvider> providers, Announcer announcer) {
    this.file = file;
    this.providers = providers;
    this.announcer = announcer;
    try {
      if (Files.exists(file)) {
        JsonObject all = new JsonObject(Files.readString(file));
        all.forEach(e -> entries.put(e.getKey(), (JsonObject) e.getValue()));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(file + " cannot be read: " + e.getMessage() + "; fix or remove it", e);
    }
  }

  /** The entry of an environment; the caller holds this object's lock. */
  JsonObject entry(String key) {
    return entries.get(key);
  }

  static String key(String customer, String platform, String env) {
    return new Scope(platform, customer, env).key();
  }

  /**
   * Registers (or without a schedule, removes) an environment's schedule, as {@code provision}
   * sends it with the environment's intents. A schedule removed while its environment is stopped is
   * kept until the environment has been started again.
   */
  public synchronized void register(PlatformIntents p, Instant now) {
    String key = p.scope().key();
    JsonObject schedule = p.schedule() == null ? null : IntentCodec.toJson(p.schedule());
    JsonObject e = entries.get(key);
    if (schedule == null) {
      if (e != null && "off".equals(e.getString("phase"))) {
        e.put("remove", true); // start it again first (next check), then forget it
      } else {
        entries.remove(key);
      }
    } else {
      Cron.parse(schedule.getString("stop"), schedule.getString("time_zone"));
      Cron.parse(schedule.getString("start"), schedule.getString("time_zone"));
      if (e == null) {
        e = new JsonObject().put("customer", p.scope().customer()).put("platform", p.scope().platform())
            .put("env", p.scope().env()).put("phase", "on");
        entries.put(key, e);
      }
      if (!schedule.equals(e.getJsonObject("schedule"))) {
        // a new or changed schedule applies to the window we are in: an environment provisioned (or
        // rescheduled) inside its off-hours is stopped at the next check, not at the next stop time
        e.put("checked", Instant.EPOCH.toString());
      }
      e.put("schedule", schedule).put("cloud", p.cloud() == null ? null : IntentCodec.toJson(p.cloud())).remove("remove");
      e.put("defined", GroupCounts.defined(p.nodes()));
    }
    save();
  }

  /** Every schedule with its phase and next stop and start, for the API. */
  public synchronized JsonArray list(Instant now) {
    JsonArray a = new JsonArray();
    for (JsonObject e : entries.values()) {
      JsonObject s = e.getJsonObject("schedule");
      Cron stop = Cron.parse(s.getString("stop"), s.getString("time_zone"));
      Cron start = Cron.parse(s.getString("start"), s.getString("time_zone"));
      a.add(e.copy().put("next_stop", stop.next(now).map(Instant::toString).orElse(null))
          .put("next_start", start.next(now).map(Instant::toString).orElse(null))
          .put("stop_in_words", stop.describe()).put("start_in_words", start.describe()));
    }
    return a;
  }

  /** Acts on every stop or start time passed since the last check. One check at a time. */
  public Future<Void> tick(Instant now) {
    List<JsonObject> due = new ArrayList<>();
    synchronized (this) {
      if (running) {
        return Future.succeededFuture();
      }
      running = true;
      try {
        for (JsonObject e : entries.values()) {
          String action = due(e, now);
          if (action != null) {
            due.add(e.copy().put("action", action));
          } else {
            e.put("checked", now.toString());
            if (e.getString("error") != null && !e.getBoolean("remove", false)) {
              // a failed step the window no longer wants (the next time came): forgotten, not retried
              e.remove("error");
              e.remove("pending");
              e.remove("failed_since");
            }
          }
        }
        save();
      } catch (RuntimeException ex) {
        running = false; // a check that cannot write (disk full) must not stop every later check
        LOG.warning(() -> "off-hours check failed: " + ex.getMessage());
        return Future.failedFuture(ex);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject e : due) {
      chain = chain.compose(v -> step(e, now));
    }
    return chain.onComplete(ar -> {
      synchronized (this) {
        running = false;
      }
    });
  }

  /** "stop", "start" or null: what the environment must do now. */
  private static String due(JsonObject e, Instant now) {
    if (e.getBoolean("remove", false)) {
      return "start";
    }
    JsonObject s = e.getJsonObject("schedule");
    Instant checked = Instant.parse(e.getString("checked"));
    Instant stop = Cron.parse(s.getString("stop"), s.getString("time_zone")).last(now).orElse(Instant.MIN);
    Instant start = Cron.parse(s.getString("start"), s.getString("time_zone")).last(now).orElse(Instant.MIN);
    boolean stopFired = stop.isAfter(checked);
    boolean startFired = start.isAfter(checked);
    String action = stopFired && startFired ? (stop.isAfter(start) ? "stop" : "start") : stopFired ? "stop" : startFired
        ? "start" : null;
    String phase = e.getString("phase", "on");
    if (action == null && e.getString("error") != null) {
      // retry what failed, while the window still wants it: a stop that failed is not retried by day
      boolean off = OffWindow.isOff(s.getString("stop"), s.getString("start"), s.getString("time_zone"), now);
      String pending = e.getString("pending");
      if ("stop".equals(pending) == off) {
        action = pending;
      }
    }
    if ("stop".equals(action) && "off".equals(phase) || "start".equals(action) && "on".equals(phase)) {
      return null; // already so
    }
    return action;
  }

  private Future<Void> step(JsonObject snapshot, Instant now) {
    String key = key(snapshot.getString("customer"), snapshot.getString("platform"), snapshot.getString("env"));
    String action = snapshot.getString("action");
    Scope scope = new Scope(snapshot.getString("platform"), snapshot.getString("customer"), snapshot.getString("env"));
    CloudProvider cloud;
    try {
      cloud = providers.apply(IntentCodec.cloudFromJson(snapshot.getJsonObject("cloud")));
    } catch (RuntimeException ex) {
      return failed(key, action, ex, now);
    }
    Future<String> work = action.equals("stop") ? steps.stop(key, scope, cloud) : steps.start(key, scope, cloud);
    return work.compose(summary -> {
      synchronized (this) {
        JsonObject e = entries.get(key);
        if (e != null) {
          e.put("phase", action.equals("stop") ? "off" : "on").put("checked", now.toString()).put("last_" + action,
              now.toString()).remove("error");
          e.remove("pending");
          e.remove("failed_since");
          if (action.equals("start") && e.getBoolean("remove", false)) {
            entries.remove(key);
          }
          save();
        }
      }
      LOG.info(() -> key + ": " + action + ": " + summary);
      announcer.announce(action.equals("stop") ? "platform.stopped" : "platform.started", snapshot.getString("customer"),
          snapshot.getString("platform"), snapshot.getString("env"), new JsonObject().put("summary", summary));
      return Future.<Void>succeededFuture();
    }, err -> failed(key, action, err, now)).eventually(() -> cloud.close());
  }

  /**
   * A step failed: retried at every check, but announced (and logged as a warning) once per
   * failure, not every 30 s; a failure that changes is a new one.
   */
  private Future<Void> failed(String key, String action, Throwable err, Instant now) {
    synchronized (this) {
      JsonObject e = entries.get(key);
      String why = String.valueOf(err.getMessage());
      boolean known = e != null && why.equals(e.getString("error")) && action.equals(e.getString("pending"));
      if (e != null) {
        e.put("error", why).put("pending", action).put("checked", now.toString());
        if (!known) {
          e.put("failed_since", now.toString());
        }
        save();
      }
      if (known) {
        LOG.fine(() -> key + ": scheduled " + action + " still fails: " + why);
      } else {
        LOG.warning(() -> key + ": scheduled " + action + " failed (retried at every check): " + why);
        if (e != null) {
          announcer.announce("schedule.failed", e.getString("customer"), e.getString("platform"), e.getString("env"),
              new JsonObject().put("action", action).put("summary", why));
        }
      }
    }
    return Future.succeededFuture();
  }


  private final dev.baton.controller.cluster.ReplicaFeed feed = new dev.baton.controller.cluster.ReplicaFeed();
  private final Map<String, String> published = new java.util.HashMap<>();

  @Override
  public String replicaName() {
    return "schedules";
  }

  @Override
  public synchronized JsonArray snapshot() {
    return dev.baton.controller.cluster.ReplicaFeed.snapshot(entries.entrySet(), "key", "entry");
  }

  /** An environment's schedule state from another controller (the leader acts on it): kept when newer. */
  @Override
  public synchronized void merge(JsonObject record) {
    String key = record.getString("key");
    JsonObject in = record.getJsonObject("entry");
    if (key == null || in == null) {
      return;
    }
    if (!dev.baton.controller.cluster.ReplicaFeed.newer(entries.get(key), in)) {
      return;
    }
    if (in.getBoolean("deleted", false)) {
      entries.remove(key);
      published.remove(key);
    } else {
      entries.put(key, in.copy());
      JsonObject plain = in.copy();
      plain.remove("changed");
      published.put(key, plain.encode()); // not sent on: it came from the others
    }
    write();
  }

  @Override
  public void onLocalChange(java.util.function.Consumer<JsonObject> listener) {
    feed.add(listener);
  }

  /** Writes the file and sends the entries changed here to the other controllers of a cluster; the caller holds this object's lock. */
  void save() {
    long now = System.currentTimeMillis();
    for (var e : entries.entrySet()) {
      JsonObject plain = e.getValue().copy();
      plain.remove("changed");
      if (!plain.encode().equals(published.get(e.getKey()))) {
        e.getValue().put("changed", Math.max(now, e.getValue().getLong("changed", 0L) + 1));
        published.put(e.getKey(), plain.encode());
        feed.publish(dev.baton.controller.cluster.ReplicaFeed.record("key", e.getKey(), "entry", e.getValue()));
      }
    }
    for (String gone : new java.util.ArrayList<>(published.keySet())) {
      if (!entries.containsKey(gone)) {
        published.remove(gone);
        feed.publish(dev.baton.controller.cluster.ReplicaFeed.record("key", gone, "entry", new JsonObject()
            .put("deleted", true).put("changed", now)));
      }
    }
    write();
  }

  private void write() {
    JsonObject all = new JsonObject();
    entries.forEach(all::put);
    try {
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, all.encodePrettily(), false);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
