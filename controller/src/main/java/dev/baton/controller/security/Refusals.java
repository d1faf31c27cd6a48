package dev.baton.controller.security;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/** Every refusal, logged with its reason and counted by reason (for metrics and tests). */
public final class Refusals {
  private static final Logger LOG = Logger.getLogger("baton.security");
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final java.util.List<java.util.function.Consumer<String>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Hears the reason of every refusal. */
  public void onRefusal(java.util.function.Consumer<String> l) {
    listeners.add(l);
  }

  /**
   * @param reason a stable, lowercase key ("replayed_token")
   * @param detail what happened, for the log (never a secret)
   */
  public void refuse(String reason, String detail) {
    counts.computeIfAbsent(reason, k -> new LongAdder()).increment();
    listeners.forEach(l -> l.accept(reason));
    // the detail often quotes what a peer sent: shown, never acted on by the terminal reading the log
    LOG.warning(() -> "refused reason=" + reason + " " + dev.baton.common.text.NodeText.visible(detail, 1000));
  }

  public long count(String reason) {
    LongAdder a = counts.get(reason);
    return a == null ? 0 : a.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
