package dev.baton.controller.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronTest {
  @Test
  void firesAtTheLocalTimeOfItsZoneAcrossDaylightSaving() {
    Cron stop = Cron.parse("0 19 * * 1-5", "Europe/Paris");
    // winter: UTC+1; summer: UTC+2
    assertEquals(Instant.parse("2026-11-23T18:00:00Z"), stop.next(Instant.parse("2026-11-23T12:00:00Z")).orElseThrow());
    assertEquals(Instant.parse("2026-07-06T17:00:00Z"), stop.next(Instant.parse("2026-07-06T12:00:00Z")).orElseThrow());
    // the Sunday the clocks go back (2026-10-25): Monday's stop is at 18:00 UTC again
    assertEquals(Instant.parse("2026-10-26T18:00:00Z"), stop.next(Instant.parse("2026-10-24T12:00:00Z")).orElseThrow());
    assertEquals(Instant.parse("2026-11-27T18:00:00Z"), stop.last(Instant.parse("2026-11-29T12:00:00Z")).orElseThrow(),
        "the weekend has none: the last was Friday's");
    assertEquals(Instant.parse("2026-11-23T18:00:00Z"), stop.last(Instant.parse("2026-11-23T18:00:30Z")).orElseThrow(),
        "a check within the minute sees it");
    assertTrue(stop.describe().contains("Europe/Paris"), stop.describe());
  }

  @Test
  void wrongExpressionsAndZonesSayWhat() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 19 * *", null)).getMessage()
        .contains("five fields"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("61 19 * * *", null)).getMessage()
        .contains("not a valid cron expression"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 19 * * *", "Mars/Olympus")).getMessage()
        .contains("unknown time zone"));
  }
}
