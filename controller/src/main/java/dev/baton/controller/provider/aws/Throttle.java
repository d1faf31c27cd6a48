package dev.baton.controller.provider.aws;

import dev.baton.controller.provider.CallStats;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Client-side throttling, one token bucket per API action as EC2 meters them (docs/aws.md):
 * non-mutating 100 tokens, 20 per second; mutating 50, 5 per second; {@code RunInstances} 5, 2 per
 * second, and its instances launched 1,000, 2 per second; {@code CreateTags} 100, 10 per second. A
 * large platform so paces itself at EC2's rate instead of meeting {@code RequestLimitExceeded} and
 * backing off (docs/benchmarks.md: 60 instances within 1.2x of the floor those buckets set); the
 * SDK's adaptive retries handle what still comes back throttled. Also counts every call made, by
 * service and operation.
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
    buckets.computeIfAbsent(service + "/" + op, k -> switch (op) {
      case "RunInstances" -> new Bucket(5, 2);
      case "CreateTags" -> new Bucket(100, 10);
      default -> m ? new Bucket(50, 5) : new Bucket(100, 20);
    }).take();
    if (op.equals("RunInstances") && context.request() instanceof software.amazon.awssdk.services.ec2.model.RunInstancesRequest r
        && r.maxCount() != null) {
      // the instances launched have a bucket of their own
      buckets.computeIfAbsent(service + "/RunInstances#instances", k -> new Bucket(1000, 2)).take(r.maxCount());
    }
    stats.count(service + ":" + op);
  }

  /** A token bucket: {@link #take} waits for a token. */
  static final class Bucket {
    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long last = System.nanoTime();

    /**
     * Refills at 97.5 % of EC2's rate: the client and EC2 start their clocks apart, and a request
     * the client allows a moment before EC2's bucket refills is throttled and then backed off (seen:
     * 4 to 14 of 60 RunInstances throttled at 100 %, none at 97.5 %).
     */
    Bucket(double capacity, double perSecond) {
      this.capacity = capacity;
      this.perSecond = perSecond * 0.975;
      this.tokens = capacity;
    }

    void take() {
      take(1);
    }

    void take(int n) {
      long waitNanos;
      synchronized (this) {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        tokens -= n;
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
