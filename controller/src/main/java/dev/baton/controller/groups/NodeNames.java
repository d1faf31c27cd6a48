package dev.baton.controller.groups;

import io.vertx.core.json.JsonObject;

/** How nodes are named: an instance by its definition; a group's node by the group's certname pattern. */
public final class NodeNames {
  /** A group's pattern when it gives none. */
  public static final String DEFAULT_PATTERN = "{role}-{instance_id}.{domain}";

  private NodeNames() {}

  /**
   * The name of the node a group launched as instance {@code instance}: the group's certname
   * pattern with its placeholders ({role}, {cluster}, {instance_id}, {domain}, {platform}, {env}).
   */
  public static String ofGroupNode(JsonObject intent, String platform, String env, String instance) {
    String pattern = intent.getString("certname_pattern", DEFAULT_PATTERN);
    String domain = intent.getString("domain");
    String name = pattern.replace("{role}", intent.getString("role", intent.getString("name", "node")))
        .replace("{cluster}", intent.getString("cluster", "")).replace("{instance_id}", instance)
        .replace("{platform}", platform).replace("{env}", env == null ? "" : env);
    return domain == null ? name.replace(".{domain}", "").replace("{domain}", "") : name.replace("{domain}", domain);
  }
}
