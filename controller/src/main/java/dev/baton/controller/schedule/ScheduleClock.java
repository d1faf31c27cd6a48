package dev.baton.controller.schedule;

import java.time.Instant;

/**
 * What time it is for off-hours: the system clock, or the instant the {@code baton.schedule.now}
 * system property gives (ISO-8601, such as {@code 2026-11-23T18:30:00Z}), to see what plan, audit
 * and provision do at a given time of a schedule, and for tests of the controller's schedule.
 */
public final class ScheduleClock {
  public static final String PROPERTY = dev.baton.common.settings.Settings.SCHEDULE_NOW.name();

  private ScheduleClock() {}

  public static Instant now() {
    String fixed = dev.baton.common.settings.Settings.SCHEDULE_NOW.orNull();
    if (fixed == null || fixed.isBlank()) {
      return Instant.now();
    }
    try {
      return Instant.parse(fixed.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(PROPERTY + " must be an ISO-8601 instant such as 2026-11-23T18:30:00Z, not \""
          + fixed + "\"", e);
    }
  }
}
