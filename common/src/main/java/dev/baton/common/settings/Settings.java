package dev.baton.common.settings;

import java.util.List;

/**
 * Every runtime setting of Baton's processes, in one place (docs/settings.md lists them; a test
 * keeps the two and the code in step). Set one with {@code -Dname=value} (for the CLI, in
 * {@code BATON_JAVA_OPTS}). Most exist for tests and for tuning; the defaults are what a
 * production controller uses.
 */
public final class Settings {
  private Settings() {}

  // where things are
  public static final Setting<String> HOME = Setting.ofText("baton.home", "BATON_HOME",
      "Baton's home: the controller's CA, tokens, node records, locks and the local cloud (default ~/.baton)");
  public static final Setting<String> AGENT_JAR = Setting.ofText("baton.agent.jar", "BATON_AGENT_JAR",
      "the agent jar the controller serves to nodes (default: baton-agent.jar beside the controller jar, else the one built in the checkout)");
  public static final Setting<String> REPO_ROOT = Setting.ofText("baton.repo.root", null,
      "the checkout whose agent/target/baton-agent.jar is the default agent jar (default: the working directory)");
  public static final Setting<String> LOCAL_CLOUD = Setting.ofText("baton.local-cloud", "BATON_LOCAL_CLOUD",
      "the local cloud's directory, to share one between homes (default BATON_HOME/local-cloud)");
  public static final Setting<String> LOCAL_PUPPET = Setting.ofText("baton.local.puppet", "BATON_LOCAL_PUPPET",
      "the puppet program the local cloud's agent processes run (default: puppet from the PATH)");
  public static final Setting<String> IMAGE_CACHE = Setting.ofText("baton.image-cache", "BATON_IMAGE_CACHE",
      "where machine images are made and kept (default /var/cache/baton/images)");

  // the controller's periodic work
  public static final Setting<Long> RECONCILE_INTERVAL_MS = Setting.ofLong("baton.reconcile-interval-ms", 30_000,
      "how often nodes are reconciled with their clouds");
  public static final Setting<Long> RECONCILE_DELAY_MS = new Setting<>("baton.reconcile-delay-ms", null, null,
      "when the first reconciliation runs after start (default: 2 s, or the interval when shorter)", Long::parseLong);
  public static final Setting<Long> SCHEDULE_INTERVAL_MS = Setting.ofLong("baton.schedule-interval-ms", 30_000,
      "how often off-hours schedules are checked");
  public static final Setting<String> SCHEDULE_NOW = Setting.ofText("baton.schedule.now", null,
      "a fixed time (ISO-8601) off-hours take as now: plan at another time; tests");
  public static final Setting<Long> REGISTRATION_DEADLINE_SECONDS = Setting.ofLong(
      "baton.registration-deadline-seconds", 900, "how long a launched instance has to register before it is FAILED");
  public static final Setting<Integer> WARM_UP_ROUNDS = Setting.ofInt("baton.warm-up-rounds", 400,
      "rounds of signatures run at start so the first registrations are fast");
  public static final Setting<Boolean> TLS_JDK = Setting.ofFlag("baton.tls.jdk",
      "the bridge uses the JDK's TLS even where BoringSSL (netty-tcnative) is available");

  // provisioning
  public static final Setting<Long> NOT_FOUND_WINDOW_SECONDS = Setting.ofLong("baton.not-found-window-seconds", 30,
      "how long a resource just created may be \"not found\" (the cloud's eventual consistency) before it is an error");

  // deploys
  public static final Setting<Long> DEPLOY_DRAIN_SECONDS = Setting.ofLong("baton.deploy.drain-seconds", 3660,
      "how long load balancers may take to drain a node before its deploy (AWS's longest deregistration delay is 3600 s)");
  public static final Setting<Long> DEPLOY_HEALTHY_SECONDS = Setting.ofLong("baton.deploy.healthy-seconds", 900,
      "how long a node put back into its target groups after a deploy has to become healthy in each");

  // Puppet
  public static final Setting<Long> PUPPET_HEALTH_INTERVAL_MS = Setting.ofLong("baton.puppet.health-interval-ms", 5000,
      "how often Puppet masters' health is checked (and hooks.yaml re-read when it changed)");
  public static final Setting<Long> PUPPET_DISCOVERY_INTERVAL_SECONDS = Setting.ofLong(
      "baton.puppet.discovery-interval-seconds", 60, "how often masters given by discover: are looked up");
  public static final Setting<Long> PUPPET_PHASE_DEADLINE_MINUTES = Setting.ofLong(
      "baton.puppet.phase-deadline-minutes", 10, "how long a Puppet hand-off phase is retried before the node is FAILED");
  public static final Setting<Integer> PUPPET_RUN_TIMEOUT = Setting.ofInt("baton.puppet.run-timeout", 1800,
      "seconds a node's puppet run may take");
  public static final Setting<Long> PUPPET_EMBEDDED_CERT_DAYS = Setting.ofLong("baton.puppet.embedded.cert-days", 1825,
      "days the embedded Puppet CA's certificates are valid");

  // the agent
  public static final Setting<Long> AGENT_RENEW_BEFORE_DAYS = Setting.ofLong("baton.agent.renew-before-days", 30,
      "how many days before its identity certificate expires the agent renews it");
  public static final Setting<Long> AGENT_ARTIFACT_MAX_BYTES = Setting.ofLong("baton.agent.artifact-max-bytes",
      2L << 30, "the largest artifact (bytes) the agent downloads for a deployment; a larger one is refused");

  /** All of them, for docs and checks. */
  public static final List<Setting<?>> ALL = List.of(HOME, AGENT_JAR, REPO_ROOT, LOCAL_CLOUD, LOCAL_PUPPET, IMAGE_CACHE,
      RECONCILE_INTERVAL_MS, RECONCILE_DELAY_MS, SCHEDULE_INTERVAL_MS, SCHEDULE_NOW, REGISTRATION_DEADLINE_SECONDS,
      WARM_UP_ROUNDS, TLS_JDK, NOT_FOUND_WINDOW_SECONDS, DEPLOY_DRAIN_SECONDS, DEPLOY_HEALTHY_SECONDS, PUPPET_HEALTH_INTERVAL_MS, PUPPET_DISCOVERY_INTERVAL_SECONDS,
      PUPPET_PHASE_DEADLINE_MINUTES, PUPPET_RUN_TIMEOUT, PUPPET_EMBEDDED_CERT_DAYS, AGENT_RENEW_BEFORE_DAYS,
      AGENT_ARTIFACT_MAX_BYTES);
}
