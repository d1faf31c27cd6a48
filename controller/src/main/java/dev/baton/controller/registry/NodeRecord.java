package dev.baton.controller.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the controller knows of one node: who it is, where it is, and the timeline of its
 * phases (start, end, outcome). Immutable; the registry replaces records.
 *
 * @param id the node ID (its instance ID)
 * @param reason why it FAILED, in one line, or null
 * @param keyFingerprint SHA-256 of the identity key pinned at first attestation
 * @param identitySerial the serial (hex) of the identity certificate issued last, revoked when the node is gone
 * @param step the hand-off step under way while HANDING_OFF (its configuration manager's name for it), else null
 */
public record NodeRecord(String id, String name, String uuid, String platform, String customer, String env,
    NodeState state, String reason, List<Phase> timeline, String keyFingerprint, Instant updated, String identitySerial,
    String step) {

  /** The platform's environment the node belongs to. */
  public dev.baton.controller.definition.Scope scope() {
    return new dev.baton.controller.definition.Scope(platform, customer, env);
  }

  public NodeRecord(String id, String name, String uuid, String platform, String customer, String env, NodeState state,
      String reason, List<Phase> timeline, String keyFingerprint, Instant updated) {
    this(id, name, uuid, platform, customer, env, state, reason, timeline, keyFingerprint, updated, null, null);
  }

  /** What the node is doing now, as its timeline names it: the hand-off step while HANDING_OFF, else its state. */
  public String phase() {
    return step != null ? step : state.name();
  }

  /** {@link #phase()} of a record in its JSON form (as the API answers it). */
  public static String phaseOf(JsonObject node) {
    return node.getString("step") != null ? node.getString("step") : node.getString("state");
  }

  /** One phase: its name, when it started and ended (null while running), and its outcome. */
  public record Phase(String name, Instant start, Instant end, String outcome) {
    public Duration duration() {
      return end == null ? null : Duration.between(start, end);
    }

    JsonObject toJson() {
      JsonObject o = new JsonObject().put("phase", name).put("start", start.toString())
          .put("end", end == null ? null : end.toString()).put("outcome", outcome);
      if (end != null) {
        o.put("millis", Duration.between(start, end).toMillis());
      }
      return o;
    }

    static Phase fromJson(JsonObject o) {
      return new Phase(o.getString("phase"), Instant.parse(o.getString("start")),
          o.getString("end") == null ? null : Instant.parse(o.getString("end")), o.getString("outcome"));
    }
  }

  public NodeRecord {
    timeline = List.copyOf(timeline);
    if ((state == NodeState.HANDING_OFF) != (step != null)) {
      throw new IllegalArgumentException("a node has a hand-off step exactly while HANDING_OFF: " + state + ", " + step);
    }
  }

  /**
   * Notes a step that happened to the node without changing its state (a deploy on a READY node):
   * one closed phase at the end of the timeline.
   */
  public NodeRecord noted(String step, Instant start, Instant end, String outcome) {
    List<Phase> t = new ArrayList<>(timeline);
    t.add(new Phase(step, start, end, outcome));
    return new NodeRecord(id, name, uuid, platform, customer, env, state, reason, t, keyFingerprint, end, identitySerial,
        this.step);
  }

  /** Ends the running phase with {@code outcome} and starts {@code next} (which may be terminal; not HANDING_OFF). */
  public NodeRecord advance(NodeState next, String outcome, String why, Instant now) {
    return advance(next, null, outcome, why, now);
  }

  /** Ends the running phase with {@code outcome} and starts the hand-off step {@code step}. */
  public NodeRecord handingOff(String step, String outcome, Instant now) {
    return advance(NodeState.HANDING_OFF, step, outcome, null, now);
  }

  private NodeRecord advance(NodeState next, String nextStep, String outcome, String why, Instant now) {
    List<Phase> t = new ArrayList<>(timeline);
    // the running phase is the last open one: steps noted since (a deploy) are closed already
    for (int i = t.size() - 1; i >= 0; i--) {
      if (t.get(i).end() == null) {
        Phase open = t.get(i);
        t.set(i, new Phase(open.name(), open.start(), now, outcome));
        break;
      }
    }
    String phase = nextStep != null ? nextStep : next.name();
    t.add(new Phase(phase, now, next.terminal() ? now : null, next.terminal() ? next.name().toLowerCase() : null));
    return new NodeRecord(id, name, uuid, platform, customer, env, next, why, t, keyFingerprint, now, identitySerial,
        nextStep);
  }

  public NodeRecord withKey(String fingerprint) {
    return new NodeRecord(id, name, uuid, platform, customer, env, state, reason, timeline, fingerprint, updated,
        identitySerial, step);
  }

  /** The same record naming the identity certificate issued now. */
  public NodeRecord withIdentity(String fingerprint, java.math.BigInteger serial, Instant now) {
    return new NodeRecord(id, name, uuid, platform, customer, env, state, reason, timeline, fingerprint, now,
        serial.toString(16), step);
  }

  public JsonObject toJson() {
    JsonArray t = new JsonArray();
    timeline.forEach(p -> t.add(p.toJson()));
    return new JsonObject().put("id", id).put("name", name).put("uuid", uuid).put("platform", platform)
        .put("customer", customer).put("environment", env).put("state", state.name()).put("reason", reason)
        .put("timeline", t).put("key_fingerprint", keyFingerprint).put("updated", updated.toString())
        .put("identity_serial", identitySerial).put("step", step);
  }

  public static NodeRecord fromJson(JsonObject o) {
    List<Phase> t = new ArrayList<>();
    o.getJsonArray("timeline", new JsonArray()).forEach(p -> t.add(Phase.fromJson((JsonObject) p)));
    // a record written before hand-off steps left the states has the step as its state
    String state = o.getString("state");
    boolean known = java.util.Arrays.stream(NodeState.values()).anyMatch(s -> s.name().equals(state));
    String step = known ? o.getString("step") : state;
    return new NodeRecord(o.getString("id"), o.getString("name"), o.getString("uuid"), o.getString("platform"),
        o.getString("customer"), o.getString("environment"), known ? NodeState.valueOf(state) : NodeState.HANDING_OFF,
        o.getString("reason"), t, o.getString("key_fingerprint"), Instant.parse(o.getString("updated")),
        o.getString("identity_serial"), known && !NodeState.HANDING_OFF.name().equals(state) ? null : step);
  }
}
