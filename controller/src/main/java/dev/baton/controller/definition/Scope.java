package dev.baton.controller.definition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which live resources belong to one platform in one environment: those tagged with its
 * platform, customer and environment. Providers list by these tags; nothing outside a scope
 * is ever observed, changed or removed.
 */
public record Scope(String platform, String customer, String env) {

  /** The ownership tags every resource of the scope carries. */
  public Map<String, String> tags() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("baton:platform", platform);
    t.put("baton:customer", customer);
    if (env != null) {
      t.put("baton:env", env);
    }
    return t;
  }

  /** True when the tags of a live resource put it in this scope. */
  public boolean owns(Map<String, String> liveTags) {
    return platform.equals(liveTags.get("baton:platform")) && customer.equals(liveTags.get("baton:customer"))
        && java.util.Objects.equals(env, liveTags.get("baton:env"));
  }

  /**
   * The scope as one key, {@code customer/platform/env} ({@code -} without an environment): how the
   * controller's stores (intents, schedules, locks) name a platform's environment.
   */
  public String key() {
    return customer + "/" + platform + "/" + (env == null ? "-" : env);
  }

  /** The scope a {@link #key()} (or a longer key that starts with one) names. */
  public static Scope ofKey(String key) {
    String[] p = key.split("/", 4);
    return new Scope(p[1], p[0], "-".equals(p[2]) ? null : p[2]);
  }

  @Override
  public String toString() {
    return env == null ? platform : platform + "/" + env;
  }
}
