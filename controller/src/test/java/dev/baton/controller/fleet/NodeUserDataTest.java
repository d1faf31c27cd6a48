package dev.baton.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cloudinit.UserData;
import dev.baton.common.error.BatonException;
import dev.baton.common.msg.Registration;
import dev.baton.controller.attest.TokenStore;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One renderer for every cloud: a cloud node is told the platform's endpoints, never the controller's loopback. */
@ExtendWith(VertxExtension.class)
class NodeUserDataTest {
  static final String UUID = "79387f81-7703-4453-bcb9-fd3e04c2cdb6";
  static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  NodeRegistry registry;
  TokenStore tokens;
  IntentStore intents;
  NodeUserData userData;

  @BeforeEach
  void setUp(@TempDir Path dir) {
    registry = new NodeRegistry(dir.resolve("nodes.json"), Instant::now);
    tokens = new TokenStore(dir.resolve("tokens.json"), Instant::now);
    intents = new IntentStore(dir.resolve("intents.json"));
    JsonObject bootstrap = new JsonObject().put("ca_pem", CA).put("ca_sha256", "a".repeat(64))
        .put("endpoints", new JsonArray().add("127.0.0.1:7443")).put("download_port", 7444)
        .put("agent_url", "https://127.0.0.1:7444/agent/baton-agent.jar").put("agent_sha256", "b".repeat(64));
    userData = new NodeUserData(tokens, registry, intents, () -> bootstrap);
  }

  /** What the test wrote is on disk before its directory goes: a failed write fails the test. */
  @AfterEach
  void flush(VertxTestContext ctx) {
    Future.all(registry.sync(), tokens.sync()).onComplete(ctx.succeedingThenComplete());
  }

  void intent(JsonObject i) {
    intents.put(IntentStore.key("acme", "shop", null, UUID), dev.baton.controller.intent.IntentCodec.nodeFromJson(i.put("name", "web-1").put("kind", "instance")));
  }

  NodeUserData.Ask ask(String evidence, String instanceId) {
    return new NodeUserData.Ask("acme", "shop", null, UUID, instanceId, false, evidence, Duration.ofHours(1));
  }

  @Test
  void aCloudNodeIsToldThePlatformsEndpointsAndDownloadsFromTheFirstOnesHost() {
    intent(new JsonObject().put("endpoints", new JsonArray().add("10.0.0.5:7443").add("10.0.1.5:7443"))
        .put("image_family", "ubuntu").put("handoff", new JsonObject().put("config_management", "puppet"))
        .put("packages", new JsonArray().add("chrony")));
    UserData.Rendered r = userData.render(ask(Registration.EVIDENCE_AWS, null));
    JsonObject cfg = new JsonObject(UserData.agentConfigOf(r.cloudConfig()));
    assertEquals(new JsonArray().add("10.0.0.5:7443").add("10.0.1.5:7443"), cfg.getJsonArray("endpoints"));
    assertTrue(r.script().contains("'https://10.0.0.5:7444/agent/baton-agent.jar'"), r.script());
    assertFalse(r.script().contains("127.0.0.1") || r.cloudConfig().contains("127.0.0.1"), "no loopback for a cloud node");
    assertTrue(r.script().contains("puppet='openvox-agent'"), "Ubuntu 22.04's Puppet agent for a Puppet hand-off");
    assertTrue(r.script().contains("'chrony'"), "and the definition's packages");
    assertTrue(registry.all().isEmpty(), "an AWS node is recorded once the cloud says it launched, not before");
  }

  @Test
  void aLocalNodeIsToldThisControllerAndIsLaunchedAtOnce() {
    intent(new JsonObject().put("handoff", new JsonObject().put("config_management", "shell")));
    UserData.Rendered r = userData.render(ask(Registration.EVIDENCE_LOCAL, "i-0123456789abcdef"));
    JsonObject cfg = new JsonObject(UserData.agentConfigOf(r.cloudConfig()));
    assertEquals(new JsonArray().add("127.0.0.1:7443"), cfg.getJsonArray("endpoints"));
    assertEquals("local", cfg.getString("evidence"));
    assertFalse(r.script().contains("puppet="), "no Puppet agent for a shell hand-off");
    assertEquals(NodeState.LAUNCHED, registry.get("i-0123456789abcdef").orElseThrow().state());
    assertEquals("i-0123456789abcdef", tokens.find(cfg.getString("join_token")).instanceId(), "bound to its instance");
  }

  @Test
  void aNodeTheControllerWasNotToldOfGetsNoUserData() {
    BatonException e = assertThrows(BatonException.class, () -> userData.render(ask(Registration.EVIDENCE_AWS, null)));
    assertTrue(e.getMessage().contains("no intent for acme/shop/-/" + UUID), e.getMessage());
  }
}
