package dev.baton.controller.provider.aws;

import dev.baton.controller.provider.CallStats;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Client-side throttling, one token bucket per API action as EC2 meters them (non-mutating:
 * 100 tokens, 20 per second; mutating: 50, 5 per second), so that a large platform slows itself
 * down instead of meeting {@code RequestLimitExceeded}; the SDK's adaptive retries handle what
 * still comes back throttled. Also counts every call made, by service and operation.
 */
final class Throttle implements ExecutionInterceptor {
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final CallStats stats;

  Throttle(CallStats stats) {
    this.stats = stats;
  }

  static boolean mutating(String operation) {
    return !(operation.startsWith("Describe") || operation.startsWith("List") || operation.startsWith("Get"));
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    boolean m = mutating(op);
    buckets.computeIfAbsent(service + "/" + op, k -> m ? new Bucket(50, 5) : new Bucket(100, 20)).take();
    stats.count(service + ":" + op);
  }

  /** A token bucket: {@link #take} waits for a token. */
  static final class Bucket {
    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long last = System.nanoTime();

    Bucket(double capacity, double perSecond) {
      this.capacity = capacity;
      this.perSecond = perSecond;
      this.tokens = capacity;
    }

    void take() {
      long waitNanos;
      synchronized (this) {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        tokens -= 1;
        waitNanos = tokens >= 0 ? 0 : (long) (-tokens / perSecond * 1e9);
      }
      if (waitNanos > 0) {
        try {
          Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
