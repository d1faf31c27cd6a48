package dev.baton.controller.provider;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the calls a provider makes to its cloud, by operation name ("DescribeSubnets"). */
public final class CallStats {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public void count(String operation) {
    counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
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
