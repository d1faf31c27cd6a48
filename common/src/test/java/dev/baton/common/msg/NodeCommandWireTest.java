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
}
