package dev.baton.controller.groups;

import dev.baton.controller.intent.GroupIntent;
import dev.baton.controller.intent.NodeIntent;

/** How nodes are named: an instance by its definition; a group's node by the group's certname pattern. */
public final class NodeNames {
  private NodeNames() {}

  /**
   * The name of the node a group launched as instance {@code instance}: the group's certname
   * pattern with its placeholders ({role}, {cluster}, {instance_id}, {domain}, {platform}, {env}).
   */
  public static String ofGroupNode(NodeIntent intent, String platform, String env, String instance) {
    GroupIntent g = intent.group();
    String pattern = g == null ? GroupIntent.DEFAULT_CERTNAME_PATTERN : g.certnamePattern();
    String domain = g == null ? null : g.domain();
    String role = g != null && g.role() != null ? g.role() : intent.name() != null ? intent.name() : "node";
    String name = pattern.replace("{role}", role)
        .replace("{cluster}", g == null || g.cluster() == null ? "" : g.cluster()).replace("{instance_id}", instance)
        .replace("{platform}", platform).replace("{env}", env == null ? "" : env);
    return domain == null ? name.replace(".{domain}", "").replace("{domain}", "") : name.replace("{domain}", domain);
  }
}
