package dev.baton.controller.fleet;

import dev.baton.cloudinit.UserData;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.AgentConfig;
import dev.baton.common.msg.Registration;
import dev.baton.controller.attest.TokenStore;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.intent.NodeIntent;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The user data a new node boots with, made by the controller from what {@code provision} said the
 * node is to become (its intent: image family, hand-off, the platform's endpoints): a join token
 * issued now, the pinned CA, where the controller is, and where the agent is downloaded from. One
 * renderer for every cloud: a cloud node ({@code aws} evidence) is told the platform's endpoints and
 * downloads the agent from the first one's host; a local one (a process or a machine of this host)
 * is told this controller's own.
 */
public final class NodeUserData {
  /** What to make user data for. {@code instanceId}: the instance the token is bound to, when known (local). */
  public record Ask(String customer, String platform, String env, String uuid, String instanceId, boolean group,
      String evidence, Duration ttl) {

    public static Ask fromJson(JsonObject b) {
      if (b == null || b.getString("uuid") == null || b.getString("platform") == null || b.getString("customer") == null) {
        throw BatonException.invalid("expected {customer, platform, env, uuid, instance_id, group, evidence}");
      }
      boolean group = b.getBoolean("group", false);
      // a group's token lives in its launch template: as long as the group (a year unless told), not an hour
      Duration ttl = Duration.ofSeconds(b.getLong("ttl_seconds", group ? Duration.ofDays(365).toSeconds()
          : TokenStore.DEFAULT_TTL.toSeconds()));
      return new Ask(b.getString("customer"), b.getString("platform"), b.getString("env"), b.getString("uuid"),
          b.getString("instance_id"), group, b.getString("evidence", Registration.EVIDENCE_AWS), ttl);
    }

    String key() {
      return IntentStore.key(customer, platform, env, uuid);
    }
  }

  /** A token issued for an ask: its clear text (given out once) and the node's name. */
  public record Issued(String token, String name, Duration ttl) {}

  private final TokenStore tokens;
  private final NodeRegistry registry;
  private final IntentStore intents;
  private final Supplier<JsonObject> bootstrap;

  /** @param bootstrap what nodes need to reach and trust this controller ({@code GET /api/v1/bootstrap}) */
  public NodeUserData(TokenStore tokens, NodeRegistry registry, IntentStore intents, Supplier<JsonObject> bootstrap) {
    this.tokens = tokens;
    this.registry = registry;
    this.intents = intents;
    this.bootstrap = bootstrap;
  }

  /**
   * Issues the node's join token; with an instance ID known (the local cloud knows it before the
   * instance boots) the token is bound to it and the node is recorded LAUNCHED at once.
   */
  public Issued issue(Ask a) {
    String name = intents.get(a.key()).map(NodeIntent::name).orElse(a.uuid());
    String token = a.group() ? tokens.issueGroup(a.platform(), a.customer(), a.env(), name, a.uuid(), a.ttl())
        : tokens.issue(a.platform(), a.customer(), a.env(), name, a.uuid(), a.instanceId(), a.ttl());
    if (a.instanceId() != null && !a.group()) {
      registry.put(new NodeRecord(a.instanceId(), name, a.uuid(), a.platform(), a.customer(), a.env(), NodeState.LAUNCHED,
          null, List.of(new NodeRecord.Phase(NodeState.LAUNCHED.name(), registry.now(), null, null)), null, registry.now()));
    }
    return new Issued(token, name, a.ttl());
  }

  /** Issues the token and renders the node's user data. Blocking (the token is written to disk by the caller's sync). */
  public UserData.Rendered render(Ask a) {
    NodeIntent intent = intents.get(a.key()).orElseThrow(() -> new BatonException(ErrorCode.FAILED_PRECONDITION,
        "no intent for " + a.key() + ": provision tells the controller what each node is to become before it launches"));
    JsonObject b = bootstrap.get();
    boolean cloud = Registration.EVIDENCE_AWS.equals(a.evidence());
    List<String> endpoints = new ArrayList<>();
    List<String> given = cloud ? intent.endpoints() : List.of();
    if (given.isEmpty()) {
      b.getJsonArray("endpoints").forEach(e -> endpoints.add(e.toString()));
    } else {
      endpoints.addAll(given);
    }
    String url = b.getString("agent_url");
    if (cloud && !given.isEmpty()) {
      String first = endpoints.get(0);
      url = "https://" + first.substring(0, first.lastIndexOf(':')) + ":" + b.getInteger("download_port")
          + "/agent/baton-agent.jar";
    }
    if (b.getString("agent_sha256") == null) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "this controller has no agent jar to give nodes");
    }
    Issued t = issue(a);
    AgentConfig cfg = new AgentConfig(endpoints, b.getString("ca_pem"), b.getString("ca_sha256"), t.token(), a.evidence(),
        null, t.name(), a.platform(), null);
    boolean puppet = "puppet".equals(intent.handoff().configManagement());
    return UserData.render(new UserData.Input(cfg, UserData.Family.of(intent.imageFamily()), url,
        b.getString("agent_sha256"), puppet, intent.packages()));
  }
}
