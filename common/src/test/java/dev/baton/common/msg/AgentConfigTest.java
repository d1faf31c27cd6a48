package dev.baton.common.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentConfigTest {
  static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  static JsonObject written() {
    return new JsonObject().put("endpoints", new JsonArray().add("10.0.0.5:7443")).put("ca_pem", CA)
        .put("ca_sha256", "a".repeat(64)).put("join_token", "t").put("evidence", "aws").put("name", "web-1")
        .put("platform", "p");
  }

  /** What every EC2 node's user data wrote before: {@code "imds": null} (the NullPointerException of a real boot). */
  @ParameterizedTest
  @ValueSource(strings = {"absent", "null", "empty"})
  void noMetadataAddressMeansEc2s(String how) {
    JsonObject o = written();
    switch (how) {
      case "null" -> o.putNull("imds");
      case "empty" -> o.put("imds", "");
      default -> { }
    }
    AgentConfig c = AgentConfig.fromJson(o);
    assertEquals(AgentConfig.DEFAULT_IMDS, c.imds());
    assertNull(c.problem());
    assertEquals(AgentConfig.DEFAULT_IMDS, c.toJson().getString("imds"), "and it is written back as such");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "endpoints|[]|no controller endpoints",
      "endpoints|[\"controller\"]|endpoint \"controller\" is not HOST:PORT",
      "ca_pem||no controller CA certificate",
      "evidence|tpm|unknown evidence \"tpm\"",
      "imds|https://169.254.169.254|\"imds\" must be an http:// address"})
  void aConfigurationThatCannotWorkSaysWhy(String key, String value, String expected) {
    JsonObject o = written();
    if (value == null) {
      o.remove(key);
    } else if (value.startsWith("[")) {
      o.put(key, new JsonArray(value));
    } else {
      o.put(key, value);
    }
    String problem = AgentConfig.fromJson(o).problem();
    assertTrue(problem != null && problem.startsWith(expected), problem);
  }
}
