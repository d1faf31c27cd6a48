package dev.baton.controller.metrics;

import dev.baton.controller.security.Refusals;
import dev.baton.controller.notify.Outbox;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The controller's metrics, in the Prometheus format at {@code /metrics}: registrations and
 * hand-offs by outcome, the duration of each phase, refusals by reason, hook deliveries, cloud
 * calls by operation, and nodes by state.
 */
public final class Metrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> refusalReasons = ConcurrentHashMap.newKeySet();
  private final List<LongSupplier> held = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final NodeRegistry nodes;

  public Metrics(NodeRegistry nodes, Refusals refusals, Outbox outbox) {
    this.nodes = nodes;
    // counted where they happen: in a cluster, each member counts its own registrations and hand-offs
    nodes.listenLocal(this::changed);
    dev.baton.controller.provider.CallStats.PROCESS.onNewOperation(op -> FunctionCounter.builder("baton_cloud_calls",
        dev.baton.controller.provider.CallStats.PROCESS, c -> c.get(op)).description("Calls this controller made to clouds"
        + " (attestation, reconciliation, lifecycle hooks, DNS records of nodes, off-hours), by operation")
        .tag("operation", op).register(registry));
    for (NodeState s : NodeState.values()) {
      Gauge.builder("baton_nodes", nodes, n -> n.all().stream().filter(r -> r.state() == s).count())
          .description("Nodes by state").tag("state", s.name()).register(registry);
    }
    refusals.onRefusal(reason -> {
      if (refusalReasons.add(reason)) {
        FunctionCounter.builder("baton_refusals", refusals, r -> r.count(reason)).description("Refusals by reason")
            .tag("reason", reason).register(registry);
      }
    });
    FunctionCounter.builder("baton_hook_deliveries", outbox, Outbox::delivered).tag("outcome", "delivered")
        .description("Hook deliveries").register(registry);
    FunctionCounter.builder("baton_hook_deliveries", outbox, Outbox::failedAttempts).tag("outcome", "retried")
        .description("Hook deliveries").register(registry); // every series the same HELP: the scrape shows one

    FunctionCounter.builder("baton_hook_deliveries", outbox, Outbox::dead).tag("outcome", "dead_letter")
        .description("Hook deliveries").register(registry);
    Gauge.builder("baton_hook_pending", outbox, Outbox::pendingCount).description("Deliveries waiting in the outbox")
        .register(registry);
  }

  /**
   * What deployments cost the controller's links: bytes of archives fetched from their sources (once
   * per revision) and sent to nodes, and archives sent.
   */
  public void artifactTraffic(LongSupplier fetched, LongSupplier served,
      LongSupplier archives) {
    held.addAll(List.of(fetched, served, archives)); // Micrometer holds what it reads weakly
    FunctionCounter.builder("baton_artifact_bytes", fetched, LongSupplier::getAsLong).tag("direction", "fetched")
        .description("Bytes of application archives: fetched from their sources, served to nodes").register(registry);
    FunctionCounter.builder("baton_artifact_bytes", served, LongSupplier::getAsLong).tag("direction", "served")
        .description("Bytes of application archives: fetched from their sources, served to nodes").register(registry);
    FunctionCounter.builder("baton_artifacts_served", archives, LongSupplier::getAsLong)
        .description("Application archives sent to nodes in full").register(registry);
  }

  private void changed(NodeRecord before, NodeRecord after) {
    if (before != null && before.phase().equals(after.phase())) {
      return; // a hand-off step is a phase of its own
    }
    List<NodeRecord.Phase> t = after.timeline();
    for (int i = t.size() - 2; i >= 0 && i >= t.size() - 3; i--) {
      NodeRecord.Phase p = t.get(i);
      if (p.end() != null && (before == null || before.timeline().size() <= i || before.timeline().get(i).end() == null)) {
        Timer.builder("baton_phase_duration").description("How long each hand-off phase took").tag("phase", p.name())
            .tag("outcome", p.outcome() == null ? "" : p.outcome()).publishPercentileHistogram(false)
            .register(registry).record(Duration.between(p.start(), p.end()));
      }
    }
    switch (after.state()) {
      case ATTESTED -> Counter.builder("baton_registrations").description("Nodes registered and attested")
          .tag("outcome", "attested").register(registry).increment();
      case READY, FAILED -> Counter.builder("baton_handoffs").description("Hand-offs by outcome")
          .tag("outcome", after.state().name().toLowerCase()).register(registry).increment();
      default -> { }
    }
  }

  public String scrape() {
    return registry.scrape() + customerNodes(c -> true);
  }

  /**
   * What a token limited to {@code customer} may scrape: that customer's nodes by state. The rest
   * (refusals, hooks, cloud calls, phase durations) is the controller's, counted for every customer at once.
   */
  public String scrapeCustomer(String customer) {
    return customerNodes(customer::equals);
  }

  /** {@code baton_customer_nodes{customer,state}}, from the records (customers come and go: no meter each). */
  private String customerNodes(java.util.function.Predicate<String> customers) {
    java.util.Map<String, long[]> counts = new java.util.TreeMap<>();
    for (NodeRecord n : nodes.all()) {
      if (n.customer() != null && customers.test(n.customer())) {
        counts.computeIfAbsent(n.customer(), c -> new long[NodeState.values().length])[n.state().ordinal()]++;
      }
    }
    StringBuilder b = new StringBuilder("# HELP baton_customer_nodes Nodes by customer and state\n"
        + "# TYPE baton_customer_nodes gauge\n");
    counts.forEach((c, by) -> {
      for (NodeState s : NodeState.values()) {
        b.append("baton_customer_nodes{customer=\"").append(escape(c)).append("\",state=\"").append(s.name())
            .append("\"} ").append(by[s.ordinal()]).append('\n');
      }
    });
    return b.toString();
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
