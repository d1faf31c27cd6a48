package dev.baton.common.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-off's messages on the wire are what they were before they became records, so that
 * agents in the field and a new controller (or the reverse) still understand each other. The JSON
 * here is what the controller and the agent built by hand until 2026-12-02.
 */
class NodeCommandWireTest {
  @Test
  void eachCommandIsTheJsonBothSidesAlreadySpeak() {
    assertEquals(new JsonObject("{\"type\":\"run\",\"phase\":\"BOOTSTRAP_RUN\",\"command\":\"/bin/true\","
        + "\"timeout_seconds\":600}"), new NodeCommand.Run("BOOTSTRAP_RUN", "/bin/true", 600).toJson());
    assertEquals(new JsonObject("{\"type\":\"puppet_run\",\"phase\":\"FINAL_RUN\",\"environment\":\"production\","
        + "\"timeout_seconds\":1800}"), new NodeCommand.PuppetRun("FINAL_RUN", "production", 1800).toJson());
    assertEquals(new JsonObject("{\"type\":\"puppet_submit\",\"phase\":\"SIGN\",\"timeout_seconds\":300}"),
        new NodeCommand.PuppetSubmit("SIGN", 300).toJson());
    assertEquals(new JsonObject("{\"type\":\"facts\",\"phase\":\"action facts\",\"timeout_seconds\":30}"),
        new NodeCommand.Facts("action facts", 30).toJson());
    // these three gained timeout_seconds, which an older agent does not read
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("pp_instance_id", "i-1");
    ext.put("pp_uuid", "u-1");
    JsonObject configure = new NodeCommand.PuppetConfigure("CONFIGURE_NODE", "puppet-a", 8140, "10.0.0.9", "web-1",
        "CA", "CRL", "nonce", ext).toJson();
    configure.remove("timeout_seconds");
    assertEquals(new JsonObject("{\"type\":\"puppet_configure\",\"phase\":\"CONFIGURE_NODE\",\"server\":\"puppet-a\","
        + "\"port\":8140,\"address\":\"10.0.0.9\",\"certname\":\"web-1\",\"ca_pem\":\"CA\",\"crl_pem\":\"CRL\","
        + "\"challenge\":\"nonce\",\"extensions\":{\"pp_instance_id\":\"i-1\",\"pp_uuid\":\"u-1\"}}"), configure);
    JsonObject install = new NodeCommand.PuppetInstall("SIGN", "CERT").toJson();
    install.remove("timeout_seconds");
    assertEquals(new JsonObject("{\"type\":\"puppet_install\",\"phase\":\"SIGN\",\"cert_pem\":\"CERT\"}"), install);
    JsonObject csr = new NodeCommand.PuppetCsr("SIGN").toJson();
    csr.remove("timeout_seconds");
    assertEquals(new JsonObject("{\"type\":\"puppet_csr\",\"phase\":\"SIGN\"}"), csr);
  }

  @Test
  void whatAnOlderControllerSentReadsAsTheSameCommand() {
    assertEquals(new NodeCommand.Run("FINAL_RUN", "systemctl is-active nginx", 600), NodeCommand.fromJson(new JsonObject(
        "{\"type\":\"run\",\"phase\":\"FINAL_RUN\",\"command\":\"systemctl is-active nginx\",\"timeout_seconds\":600}")));
    // an older controller sent no timeout with a configure: the agent's own default
    NodeCommand c = NodeCommand.fromJson(new JsonObject("{\"type\":\"puppet_configure\",\"phase\":\"CONFIGURE_NODE\","
        + "\"server\":\"puppet-a\",\"certname\":\"web-1\",\"ca_pem\":\"CA\",\"challenge\":\"n\"}"));
    assertEquals(new NodeCommand.PuppetConfigure("CONFIGURE_NODE", "puppet-a", 8140, null, "web-1", "CA", null, "n",
        Map.of()), c);
    assertThrows(IllegalArgumentException.class, () -> NodeCommand.fromJson(new JsonObject("{\"type\":\"reboot\"}")));
  }

  @Test
  void aResultIsTheJsonTheControllerAlreadyReads() {
    assertEquals(new JsonObject("{\"type\":\"result\",\"exit_code\":2,\"output\":\"done\",\"millis\":31,"
        + "\"summary\":\"---\"}"), CommandResult.of(2, "done", 31).withSummary("---").toJson());
    assertEquals(CommandResult.of(0, "", 0).withCsr("PEM"), CommandResult.fromJson(new JsonObject(
        "{\"type\":\"result\",\"exit_code\":0,\"csr_pem\":\"PEM\"}")));
    assertEquals(-1, CommandResult.fromJson(new JsonObject("{\"type\":\"result\"}")).exitCode(),
        "an answer without an exit code is a failure, never a success");
    assertEquals(new JsonObject("{\"type\":\"hello\",\"version\":\"0.1.0\"}"), new Hello("0.1.0").toJson());
  }

  @Test
  void aDeployAndARollbackGoThereAndBackWithTheirApplication() {
    Map<String, String> hooks = new LinkedHashMap<>();
    hooks.put("stop", "systemctl stop shop");
    hooks.put("validate", "curl -fsS http://127.0.0.1:8080/health");
    NodeCommand.Application app = new NodeCommand.Application("shop", "/srv/{name}", "webapp", hooks, 120, 3);
    NodeCommand.Deploy deploy = new NodeCommand.Deploy("deploy shop", app, "v2",
        "https://10.0.0.1:8443/artifacts/shop/v2", "ab".repeat(32), "tok", 900);
    JsonObject json = deploy.toJson();
    assertEquals(new JsonObject("{\"type\":\"deploy\",\"phase\":\"deploy shop\",\"timeout_seconds\":900,"
        + "\"application\":{\"name\":\"shop\",\"path\":\"/srv/{name}\",\"user\":\"webapp\",\"hooks\":{\"stop\":"
        + "\"systemctl stop shop\",\"validate\":\"curl -fsS http://127.0.0.1:8080/health\"},\"hook_timeout_seconds\":120,"
        + "\"keep\":3},\"revision\":\"v2\",\"artifact_url\":\"https://10.0.0.1:8443/artifacts/shop/v2\","
        + "\"artifact_sha256\":\"" + "ab".repeat(32) + "\",\"artifact_token\":\"tok\"}"), json);
    assertEquals(deploy, NodeCommand.fromJson(new JsonObject(json.encode())));
    assertEquals("systemctl stop shop", ((NodeCommand.Deploy) NodeCommand.fromJson(json)).application().hook("stop"));

    NodeCommand.DeployRollback back = new NodeCommand.DeployRollback("rollback shop", app, "v1", 600);
    assertEquals(back, NodeCommand.fromJson(new JsonObject(back.toJson().encode())));
    NodeCommand.DeployRollback none = new NodeCommand.DeployRollback("rollback shop", app, null, 600);
    JsonObject noneJson = new JsonObject(none.toJson().encode());
    assertEquals("deploy_rollback", noneJson.getString("type"));
    assertEquals(none, NodeCommand.fromJson(noneJson), "no revision: the application had no release before");
  }

  @Test
  void anApplicationWithoutOptionalFieldsTakesTheDefaults() {
    NodeCommand c = NodeCommand.fromJson(new JsonObject("{\"type\":\"deploy\",\"phase\":\"d\",\"revision\":\"v1\","
        + "\"application\":{\"name\":\"shop\"}}"));
    NodeCommand.Deploy d = (NodeCommand.Deploy) c;
    assertEquals(new NodeCommand.Application("shop", null, null, Map.of(), 300, 2), d.application());
    assertEquals(600, d.timeoutSeconds());
    assertEquals(null, d.application().hook("start"), "no hook: nothing runs at that stage");
  }

  @Test
  void aResultCarriesTheReleaseCurrentOnTheNode() {
    CommandResult r = CommandResult.of(3, "validate failed", 12).withRelease("v2");
    assertEquals(new JsonObject("{\"type\":\"result\",\"exit_code\":3,\"output\":\"validate failed\",\"millis\":12,"
        + "\"release\":\"v2\"}"), r.toJson());
    assertEquals(r, CommandResult.fromJson(r.toJson()));
    assertEquals(null, CommandResult.fromJson(CommandResult.of(0, "", 1).toJson()).release(), "none: no key");
  }
}
