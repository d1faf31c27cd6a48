package dev.baton.controller.intent;

import dev.baton.controller.definition.Scope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON form of intents: what {@code provision} posts to {@code /api/v1/intents}, and what
 * the controller keeps in {@code intents.json} and sends to the other controllers of its cluster.
 * Field names are snake_case; a field that is absent reads as the record's default.
 */
public final class IntentCodec {
  private IntentCodec() {}

  public static JsonObject toJson(NodeIntent n) {
    JsonObject o = new JsonObject().put("uuid", n.uuid()).put("name", n.name()).put("kind", n.kind().wire)
        .put("region", n.region()).put("handoff", toJson(n.handoff())).put("image_family", n.imageFamily())
        .put("packages", new JsonArray(new ArrayList<>(n.packages())));
    if (n.image() != null) {
      o.put("image", n.image());
    }
    if (n.kind() == NodeIntent.Kind.INSTANCE) {
      o.put("certname", n.certname()).put("zone", n.zone());
    }
    GroupIntent g = n.group();
    if (g != null) {
      JsonObject actions = new JsonObject();
      g.actions().forEach((name, a) -> actions.put(name, new JsonObject().put("command", a.command())
          .put("timeout_seconds", a.timeoutSeconds())));
      o.put("cluster", g.cluster()).put("role", g.role()).put("domain", g.domain())
          .put("certname_pattern", g.certnamePattern()).put("dns_zone", g.dnsZone())
          .put("lifecycle_hook", g.lifecycleHook()).put("min", g.min()).put("max", g.max()).put("desired", g.desired())
          .put("actions", actions);
    }
    if (n.cloud() != null) {
      o.put("cloud", toJson(n.cloud()));
    }
    if (!n.endpoints().isEmpty()) {
      o.put("endpoints", new JsonArray(new ArrayList<>(n.endpoints())));
    }
    return o;
  }

  public static NodeIntent nodeFromJson(JsonObject o) {
    NodeIntent.Kind kind = NodeIntent.Kind.of(o.getString("kind", NodeIntent.Kind.INSTANCE.wire));
    GroupIntent group = null;
    if (kind == NodeIntent.Kind.AUTOSCALING_GROUP) {
      Map<String, GroupIntent.Action> actions = new LinkedHashMap<>();
      JsonObject a = o.getJsonObject("actions", new JsonObject());
      for (String name : a.fieldNames()) {
        if (a.getValue(name) instanceof JsonObject x) {
          actions.put(name, new GroupIntent.Action(x.getString("command"), x.getInteger("timeout_seconds")));
        }
      }
      group = new GroupIntent(o.getString("cluster"), o.getString("role"), o.getString("domain"),
          o.getString("certname_pattern"), o.getString("dns_zone"), o.getBoolean("lifecycle_hook", false),
          o.getInteger("min"), o.getInteger("max"), o.getInteger("desired"), actions);
    }
    return new NodeIntent(o.getString("uuid"), o.getString("name"), kind, o.getString("region"),
        o.getString("image_family"), o.getString("image"), strings(o.getJsonArray("packages")),
        handoffFromJson(o.getJsonObject("handoff")), o.getString("certname"), o.getString("zone"), group,
        cloudFromJson(o.getJsonObject("cloud")), strings(o.getJsonArray("endpoints")));
  }

  public static JsonObject toJson(HandoffIntent h) {
    JsonObject o = new JsonObject().put("config_management", h.configManagement());
    if (h.shell() != null) {
      o.put("shell", new JsonObject().put("bootstrap", h.shell().bootstrap()).put("final", h.shell().final_())
          .put("timeout_seconds", h.shell().timeoutSeconds()));
    }
    if (h.puppet() != null) {
      o.put("puppet", new JsonObject().put("role", h.puppet().role()).put("environment", h.puppet().environment())
          .put("bootstrap_environment", h.puppet().bootstrapEnvironment())
          .put("classes", new JsonArray(new ArrayList<>(h.puppet().classes()))));
    }
    return o;
  }

  public static HandoffIntent handoffFromJson(JsonObject o) {
    if (o == null) {
      return HandoffIntent.NONE;
    }
    JsonObject s = o.getJsonObject("shell");
    JsonObject p = o.getJsonObject("puppet");
    return new HandoffIntent(o.getString("config_management"),
        s == null ? null : new HandoffIntent.Shell(s.getString("bootstrap"), s.getString("final"),
            s.getInteger("timeout_seconds") == null ? HandoffIntent.Shell.DEFAULT_TIMEOUT_SECONDS
                : s.getInteger("timeout_seconds")),
        p == null ? null : new HandoffIntent.Puppet(p.getString("role"), p.getString("environment"),
            p.getString("bootstrap_environment"), strings(p.getJsonArray("classes"))));
  }

  public static JsonObject toJson(CloudIntent c) {
    return new JsonObject().put("provider", c.provider()).put("region", c.region()).put("account", c.account())
        .put("profile", c.profile()).put("role_arn", c.roleArn()).put("external_id", c.externalId())
        .put("endpoint_url", c.endpointUrl());
  }

  public static CloudIntent cloudFromJson(JsonObject o) {
    return o == null ? null : new CloudIntent(o.getString("provider"), o.getString("region"), o.getString("account"),
        o.getString("profile"), o.getString("role_arn"), o.getString("external_id"), o.getString("endpoint_url"));
  }

  /** The body of {@code POST /api/v1/intents}. */
  public static JsonObject toJson(PlatformIntents p) {
    JsonArray nodes = new JsonArray();
    p.nodes().forEach(n -> nodes.add(toJson(n)));
    JsonObject o = new JsonObject().put("customer", p.scope().customer()).put("platform", p.scope().platform())
        .put("env", p.scope().env()).put("nodes", nodes);
    if (!p.endpoints().isEmpty()) {
      o.put("endpoints", new JsonArray(new ArrayList<>(p.endpoints())));
    }
    o.put("schedule", p.schedule() == null ? null : toJson(p.schedule()));
    if (p.cloud() != null) {
      o.put("cloud", toJson(p.cloud()));
    }
    return o;
  }

  /** A body of {@code POST /api/v1/intents}; {@code IllegalArgumentException} says what is missing or wrong. */
  public static PlatformIntents platformFromJson(JsonObject o) {
    if (o == null || o.getString("platform") == null || o.getString("customer") == null) {
      throw new IllegalArgumentException("expected {customer, platform, env, nodes: [...]}");
    }
    List<NodeIntent> nodes = new ArrayList<>();
    for (Object n : o.getJsonArray("nodes", new JsonArray())) {
      if (!(n instanceof JsonObject j) || j.getString("uuid") == null) {
        throw new IllegalArgumentException("each of nodes is {uuid, name, kind, handoff, ...}");
      }
      nodes.add(nodeFromJson(j));
    }
    JsonObject s = o.getJsonObject("schedule");
    return new PlatformIntents(new Scope(o.getString("platform"), o.getString("customer"), o.getString("env")), nodes,
        strings(o.getJsonArray("endpoints")), s == null ? null : scheduleFromJson(s),
        cloudFromJson(o.getJsonObject("cloud")));
  }

  public static JsonObject toJson(PlatformIntents.Schedule s) {
    return new JsonObject().put("stop", s.stop()).put("start", s.start()).put("time_zone", s.timeZone());
  }

  public static PlatformIntents.Schedule scheduleFromJson(JsonObject s) {
    return new PlatformIntents.Schedule(s.getString("stop"), s.getString("start"), s.getString("time_zone"));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }
}
