package dev.baton.controller.schedule;

import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.intent.NodeIntent;
import io.vertx.core.json.JsonObject;

/** The counts an autoscaling group has when its environment runs, and gets back after off-hours. */
final class GroupCounts {
  private GroupCounts() {}

  /**
   * What each group of the definition is to have when the environment runs: {@code {uuid: {min, max,
   * desired}}} (desired null: the group's min). A start gives a group these, not what it had when it
   * stopped (the definition may have changed meanwhile, and a group created inside the window had zero).
   */
  static JsonObject defined(java.util.List<NodeIntent> nodes) {
    JsonObject out = new JsonObject();
    for (NodeIntent n : nodes) {
      if (n.isGroup() && n.group().min() != null) {
        out.put(n.uuid(), new JsonObject().put("min", n.group().min()).put("max", n.group().max())
            .put("desired", n.group().desired()));
      }
    }
    return out;
  }

  /**
   * The min and desired a group gets back: the definition's (desired absent: its min), else what it
   * had when it stopped; desired kept within min..max. Null for a group neither knows (not ours).
   */
  static int[] restored(LiveResource g, JsonObject defined, JsonObject saved) {
    JsonObject from = defined != null ? defined : saved;
    if (from == null) {
      return null;
    }
    int min = number(from.getValue("min"));
    int desired = from.getValue("desired") instanceof Number n ? n.intValue() : min;
    Object maxValue = from.getValue("max") != null ? from.getValue("max") : g.attributes().get("max");
    int max = maxValue instanceof Number n ? n.intValue() : Math.max(min, desired);
    return new int[] {min, Math.max(min, Math.min(desired, max))};
  }

  private static int number(Object o) {
    return o instanceof Number n ? n.intValue() : 0;
  }
}
