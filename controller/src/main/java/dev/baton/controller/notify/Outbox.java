package dev.baton.controller.notify;

import dev.baton.common.store.AtomicFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Delivers events to hooks from an outbox on disk: each (event, hook) pair is a file until it
 * is delivered, so a controller restart delivers what was pending. Failures are retried with
 * exponential backoff and full jitter; after the last attempt the delivery goes to the
 * dead-letter log ({@code dead-letter.jsonl}). Enqueueing never waits for a delivery: a slow or
 * failing hook never slows a hand-off down.
 */
public final class Outbox {
  private static final Logger LOG = Logger.getLogger("baton.notify");
  private static final int CONCURRENCY = 8;

  private final Vertx vertx;
  private final Path dir;
  /** Replaced whole when hooks.yaml changes (never changed in place: a dispatch reads one or the other). */
  private volatile Map<String, Hook> hooks;
  private final Map<String, Notifier> notifiers;
  private volatile HookConfig.Retry retry;
  private final Supplier<Instant> clock;
  private final Random random = new Random();
  private final Map<String, JsonObject> pending = new ConcurrentHashMap<>();
  private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failedAttempts = new LongAdder();
  private final LongAdder dead = new LongAdder();
  private long timer = -1;

  public Outbox(Vertx vertx, Path dir, List<Hook> hooks, Map<String, Notifier> notifiers, HookConfig.Retry retry,
      Supplier<Instant> clock) {
    this.vertx = vertx;
    this.dir = dir;
    this.hooks = byName(hooks);
    this.notifiers = notifiers;
    this.retry = retry;
    this.clock = clock;
  }

  private static Map<String, Hook> byName(List<Hook> hooks) {
    Map<String, Hook> out = new java.util.LinkedHashMap<>();
    hooks.forEach(h -> out.put(h.name(), h));
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * The hooks and retries of a changed hooks.yaml, from now on: events from now go to the new
   * hooks; a delivery pending for a hook that was removed goes to the dead-letter log.
   */
  public void reconfigure(HookConfig.Config config) {
    this.hooks = byName(config.hooks());
    this.retry = config.retry();
  }

  /** The hooks events go to now, by name. */
  public Map<String, Hook> hooks() {
    return hooks;
  }

  /** Sends {@code e} through {@code hook} now, once, outside the outbox (a test of the hook). */
  public Future<Void> deliverNow(Event e, Hook hook) {
    return notifiers.get(hook.type()).deliver(e, hook);
  }

  /** The notifiers of the four hook types. */
  public static Map<String, Notifier> standardNotifiers(Vertx vertx) {
    return Map.of("webhook", new HttpNotifiers.Webhook(vertx), "slack", new HttpNotifiers.Slack(vertx),
        "email", new EmailNotifier(vertx), "command", new CommandNotifier(vertx));
  }

  /** Loads what was pending and starts delivering. */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      try (var files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
          JsonObject d = new JsonObject(Files.readString(f));
          pending.put(d.getString("id"), d);
        }
      }
      return null;
    }, false).map(v -> {
      timer = vertx.setPeriodic(200, t -> dispatch());
      if (!pending.isEmpty()) {
        LOG.info(() -> pending.size() + " deliveries pending from before the restart");
      }
      return null;
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Queues {@code e} for every hook that takes it; completes once the deliveries are on disk. */
  public Future<Integer> enqueue(Event e) {
    List<Hook> takers = hooks.values().stream().filter(h -> h.accepts(e)).toList();
    if (takers.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return vertx.executeBlocking(() -> {
      for (Hook h : takers) {
        String id = e.id() + "--" + h.name();
        JsonObject d = new JsonObject().put("id", id).put("hook", h.name()).put("event", e.toJson()).put("attempts", 0)
            .put("due", clock.get().toEpochMilli());
        AtomicFiles.write(dir.resolve(id + ".json"), d.encode(), false);
        pending.put(id, d);
      }
      return takers.size();
    }, false);
  }

  public long delivered() {
    return delivered.sum();
  }

  public long failedAttempts() {
    return failedAttempts.sum();
  }

  public long dead() {
    return dead.sum();
  }

  public int pendingCount() {
    return pending.size();
  }

  private void dispatch() {
    long now = clock.get().toEpochMilli();
    for (JsonObject d : pending.values()) {
      if (running.get() >= CONCURRENCY) {
        return;
      }
      String id = d.getString("id");
      if (d.getLong("due") > now || inFlight.putIfAbsent(id, true) != null) {
        continue;
      }
      running.incrementAndGet();
      attempt(d).onComplete(ar -> {
        inFlight.remove(id);
        running.decrementAndGet();
      });
    }
  }

  private Future<Void> attempt(JsonObject d) {
    Hook h = hooks.get(d.getString("hook"));
    String id = d.getString("id");
    Future<Void> delivery;
    if (h == null) {
      // a hooks.yaml caught mid-edit has no hooks for a moment: retried like a failed delivery, not dropped
      delivery = Future.failedFuture("the hook " + d.getString("hook") + " is not configured (hooks.yaml)");
    } else {
      delivery = notifiers.get(h.type()).deliver(Event.fromJson(d.getJsonObject("event")), h);
    }
    return delivery.transform(ar -> {
      if (ar.succeeded()) {
        // counted once the disk agrees: the delivery file is gone
        return vertx.executeBlocking(() -> {
          Files.deleteIfExists(dir.resolve(id + ".json"));
          return null;
        }, false).<Void>map(v -> {
          pending.remove(id);
          delivered.increment();
          return null;
        });
      }
      failedAttempts.increment();
      int attempts = d.getInteger("attempts") + 1;
      String why = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
      if (attempts >= retry.maxAttempts()) {
        return finish(d.put("attempts", attempts).put("last_error", why), why);
      }
      long max = retry.maxSeconds() * 1000;
      long delay = Math.max(50, dev.baton.common.time.Backoff.jittered(Math.min(retry.baseSeconds() * 1000, max), max)
          .delay(attempts - 1, random::nextDouble));
      JsonObject next = d.copy().put("attempts", attempts).put("due", clock.get().toEpochMilli() + delay)
          .put("last_error", why);
      LOG.info(() -> "delivery " + id + " to hook " + d.getString("hook") + " failed (attempt " + attempts + "): " + why);
      return vertx.executeBlocking(() -> {
        AtomicFiles.write(dir.resolve(id + ".json"), next.encode(), false);
        pending.put(id, next);
        return null;
      }, false);
    });
  }

  /** The last attempt failed: to the dead-letter log, out of the outbox. */
  private Future<Void> finish(JsonObject d, String why) {
    String id = d.getString("id");
    LOG.warning(() -> "delivery " + id + " to hook " + d.getString("hook") + " given up after " + d.getInteger("attempts")
        + " attempts: " + why);
    return vertx.executeBlocking(() -> {
      Files.writeString(dir.resolve("dead-letter.jsonl"), d.put("given_up", clock.get().toString()).encode() + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Files.deleteIfExists(dir.resolve(id + ".json"));
      return null;
    }, false).<Void>map(v -> {
      pending.remove(id);
      dead.increment();
      return null;
    });
  }
}
