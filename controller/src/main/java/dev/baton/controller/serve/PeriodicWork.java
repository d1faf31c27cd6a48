package dev.baton.controller.serve;

import dev.baton.common.settings.Settings;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The controller's timers: reconciliation, the upkeep of hooks and configuration managers, and the
 * off-hours check. Work that is cluster-wide runs on the leader only (the callee asks); a blocking
 * upkeep that is still running when its timer fires again is not started twice.
 */
final class PeriodicWork {
  private final Vertx vertx;
  private final BooleanSupplier leader;
  private final List<Long> timers = new ArrayList<>();
  private final AtomicBoolean upkeeping = new AtomicBoolean();

  PeriodicWork(Vertx vertx, BooleanSupplier leader) {
    this.vertx = vertx;
    this.leader = leader;
  }

  /** Reconciles every interval, the first soon after start: what happened while no controller ran. */
  void reconcile(Runnable run) {
    long every = Settings.RECONCILE_INTERVAL_MS.get();
    long first = Objects.requireNonNullElse(Settings.RECONCILE_DELAY_MS.orNull(), Math.min(2000, every));
    timers.add(vertx.setPeriodic(first, every, t -> run.run()));
  }

  /** Blocking upkeep every health interval (re-read files, check masters), one at a time; told whether this is the leader. */
  void upkeep(java.util.function.Consumer<Boolean> work) {
    long every = Settings.PUPPET_HEALTH_INTERVAL_MS.get();
    timers.add(vertx.setPeriodic(every, every, t -> {
      if (upkeeping.compareAndSet(false, true)) {
        boolean lead = leader.getAsBoolean();
        vertx.executeBlocking(() -> {
          work.accept(lead);
          return null;
        }, false).onComplete(ar -> upkeeping.set(false));
      }
    }));
  }

  /** The off-hours check, on the leader only. */
  void schedule(Runnable tick) {
    long every = Settings.SCHEDULE_INTERVAL_MS.get();
    timers.add(vertx.setPeriodic(every, every, t -> {
      if (leader.getAsBoolean()) {
        tick.run();
      }
    }));
  }

  void stop() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }
}
