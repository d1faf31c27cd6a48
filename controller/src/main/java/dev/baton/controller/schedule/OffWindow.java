package dev.baton.controller.schedule;

import dev.baton.controller.definition.Cron;
import dev.baton.controller.definition.model.ScheduleSpec;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether an environment is inside its off-hours: its last stop time came after its last start
 * time. This is part of the environment's intended state, known from its definition and the
 * clock alone: the planner plans its groups at zero then (audit does not call a stopped
 * environment drift, provision does not wake it), and the controller stops an environment
 * provisioned inside the window at once.
 */
public final class OffWindow {
  private OffWindow() {}

  public static boolean isOff(ScheduleSpec s, Instant now) {
    return s != null && isOff(s.stop(), s.start(), s.timeZone() == null ? "UTC" : s.timeZone(), now);
  }

  public static boolean isOff(String stop, String start, String timeZone, Instant now) {
    Optional<Instant> lastStop = Cron.parse(stop, timeZone).last(now);
    Optional<Instant> lastStart = Cron.parse(start, timeZone).last(now);
    return lastStop.isPresent() && (lastStart.isEmpty() || lastStop.get().isAfter(lastStart.get()));
  }

  /** When the environment starts again (the schedule's next start), if ever. */
  public static Optional<Instant> nextStart(ScheduleSpec s, Instant now) {
    return Cron.parse(s.start(), s.timeZone() == null ? "UTC" : s.timeZone()).next(now);
  }
}
