package dev.baton.common.time;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff: before retry {@code n} (0 for the first), a ceiling of
 * {@code min(max, base * 2^n)}; with jitter, a delay drawn uniformly below it ("full jitter",
 * which spreads many clients that failed together), plus a floor. The one backoff of the engine,
 * the hand-off, the outbox and the agent; pure arithmetic, so callers' retries are tested
 * without sleeping.
 *
 * @param floorMillis added to every delay (0: none)
 * @param jitter false: the ceiling itself (a hand-off phase of one node has no crowd to spread)
 */
public record Backoff(long baseMillis, long maxMillis, long floorMillis, boolean jitter) {
  public Backoff {
    if (baseMillis < 0 || maxMillis < baseMillis || floorMillis < 0) {
      throw new IllegalArgumentException("backoff needs 0 <= base <= max and floor >= 0");
    }
  }

  /** Full jitter, no floor. */
  public static Backoff jittered(long baseMillis, long maxMillis) {
    return new Backoff(baseMillis, maxMillis, 0, true);
  }

  /** The ceiling before retry {@code n}. */
  public long ceiling(int n) {
    int k = Math.max(n, 0);
    // saturates at max: base * 2^k never overflows into a negative (and so tiny) delay
    return k >= 62 || baseMillis > (maxMillis >> k) ? maxMillis : Math.min(maxMillis, baseMillis << k);
  }

  /** The delay before retry {@code n}; {@code random} gives values in [0, 1). */
  public long delay(int n, DoubleSupplier random) {
    long c = ceiling(n);
    return floorMillis + (jitter ? (long) (random.getAsDouble() * c) : c);
  }
}
