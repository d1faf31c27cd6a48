package dev.baton.controller.handoff.puppet;

import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A Puppet run's {@code last_run_summary.yaml} in one line: resources, events, time. */
public final class RunSummary {
  private RunSummary() {}

  public static String line(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return "no run summary";
    }
    Object root;
    try {
      LoaderOptions lo = new LoaderOptions();
      lo.setMaxAliasesForCollections(5);
      lo.setCodePointLimit(64 * 1024);
      root = new Yaml(new SafeConstructor(lo)).load(yaml);
    } catch (RuntimeException e) {
      return "unreadable run summary";
    }
    if (!(root instanceof Map<?, ?> m)) {
      return "unreadable run summary";
    }
    StringBuilder b = new StringBuilder();
    Map<?, ?> res = map(m.get("resources"));
    b.append("resources: ").append(num(res.get("total"))).append(" total, ").append(num(res.get("changed")))
        .append(" changed, ").append(num(res.get("failed"))).append(" failed");
    Map<?, ?> ev = map(m.get("events"));
    b.append("; events: ").append(num(ev.get("failure"))).append(" failure, ").append(num(ev.get("success")))
        .append(" success");
    Map<?, ?> time = map(m.get("time"));
    if (time.get("total") instanceof Number t) {
      b.append("; ").append(String.format(java.util.Locale.ROOT, "%.1f s", t.doubleValue()));
    }
    if (m.get("version") instanceof Map<?, ?> v && v.get("config") != null) {
      b.append("; catalog ").append(v.get("config"));
    }
    return b.toString();
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String num(Object o) {
    return o instanceof Number n ? Long.toString(n.longValue()) : "0";
  }
}
