package dev.baton.controller.provider;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the calls a provider makes to its cloud, by operation name ("DescribeSubnets"). */
public final class CallStats {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** Every call any provider of this process made (the controller's {@code baton_cloud_calls}). */
  public static final CallStats PROCESS = new CallStats();
  private final java.util.List<java.util.function.Consumer<String>> newOperations =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public void count(String operation) {
    boolean[] fresh = {false};
    counts.computeIfAbsent(operation, k -> {
      fresh[0] = true;
      return new LongAdder();
    }).increment();
    if (fresh[0]) {
      newOperations.forEach(l -> l.accept(operation));
    }
    if (this != PROCESS) {
      PROCESS.count(operation);
    }
  }

  /** Told of each operation the first time it is counted. */
  public void onNewOperation(java.util.function.Consumer<String> listener) {
    newOperations.add(listener);
    counts.keySet().forEach(listener);
  }

  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public long get(String operation) {
    LongAdder a = counts.get(operation);
    return a == null ? 0 : a.sum();
  }

  /** A sorted copy. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
