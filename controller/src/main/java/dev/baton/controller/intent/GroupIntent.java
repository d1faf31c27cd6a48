package dev.baton.controller.intent;

import java.util.Map;

/**
 * What every node of an autoscaling group shares: how it is named, its DNS record, whether its
 * group waits for Baton's clean-up (a lifecycle hook), the counts off-hours gives back at its
 * start, and the platform's actions its nodes may run.
 *
 * @param certnamePattern e.g. {@code {role}-{instance_id}.{domain}} ({@link #DEFAULT_CERTNAME_PATTERN} when absent)
 * @param dnsZone the private zone of the nodes' A records, or null
 * @param desired the definition's desired capacity, or null (off-hours then restores {@code min})
 */
public record GroupIntent(String cluster, String role, String domain, String certnamePattern, String dnsZone,
    boolean lifecycleHook, Integer min, Integer max, Integer desired, Map<String, Action> actions) {
  public static final String DEFAULT_CERTNAME_PATTERN = "{role}-{instance_id}.{domain}";

  public GroupIntent {
    certnamePattern = certnamePattern == null ? DEFAULT_CERTNAME_PATTERN : certnamePattern;
    actions = actions == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(actions));
  }

  /** An action of the platform, as the definitions say it now (the API runs only these). */
  public record Action(String command, Integer timeoutSeconds) {}
}
