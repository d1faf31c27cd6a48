package dev.baton.common.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void theCeilingDoublesUpToTheMaximum() {
    Backoff b = Backoff.jittered(250, 20_000);
    assertEquals(250, b.ceiling(0));
    assertEquals(500, b.ceiling(1));
    assertEquals(16_000, b.ceiling(6));
    assertEquals(20_000, b.ceiling(7));
    assertEquals(20_000, b.ceiling(500), "no overflow however many retries");
    assertEquals(Long.MAX_VALUE / 2, new Backoff(Long.MAX_VALUE / 4, Long.MAX_VALUE / 2, 0, true).ceiling(40),
        "a huge base saturates at the maximum, never wraps");
  }

  @Test
  void fullJitterDrawsBelowTheCeilingAboveTheFloor() {
    Backoff b = new Backoff(500, 60_000, 200, true);
    assertEquals(200, b.delay(3, () -> 0.0));
    assertEquals(200 + 2000, b.delay(3, () -> 0.5));
    assertEquals(200 + 3999, b.delay(3, () -> 0.99975));
  }

  @Test
  void withoutJitterTheDelayIsTheCeiling() {
    Backoff b = new Backoff(500, 15_000, 0, false);
    assertEquals(500, b.delay(0, () -> 0.7));
    assertEquals(8000, b.delay(4, () -> 0.7));
    assertEquals(15_000, b.delay(5, () -> 0.7));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(-1, 10, 0, true));
    assertEquals(0, new Backoff(0, 10, 0, true).delay(4, () -> 0.5), "no wait at all (tests)");
    assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 10, 0, true));
  }
}
