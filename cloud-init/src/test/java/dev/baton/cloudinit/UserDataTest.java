package dev.baton.cloudinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.msg.AgentConfig;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UserDataTest {
  static final String SHA = "a".repeat(64);
  static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIBATAKBggqhkjOPQQDAjAqMRwwGgYDVQQDDBNCYXRvbiBj\n-----END CERTIFICATE-----\n";

  static AgentConfig config(String token) {
    return new AgentConfig(List.of("controller-1.example.net:7443", "controller-2.example.net:7443"), CA, SHA, token,
        "aws", null, "web-1", "acme-cms", "http://169.254.169.254");
  }

  static UserData.Input input(UserData.Family f) {
    return new UserData.Input(config("tok3n"), f, "https://controller-1.example.net:7444/agent/baton-agent.jar", SHA);
  }

  @ParameterizedTest
  @EnumSource(UserData.Family.class)
  void rendersAMultipartWithACloudConfigAndTheAgentStartUp(UserData.Family family) {
    UserData.Rendered r = UserData.render(input(family));
    assertFalse(r.gzipped());
    String mime = new String(r.bytes(), StandardCharsets.UTF_8);
    assertTrue(mime.startsWith("Content-Type: multipart/mixed; boundary="), mime);
    assertTrue(mime.contains("Content-Type: text/cloud-config"));
    assertTrue(mime.contains("Content-Type: text/x-shellscript"));
    assertTrue(r.cloudConfig().startsWith("#cloud-config\n"));
    for (Releases.Release rel : Releases.of(family)) {
      assertTrue(r.script().contains(" java='" + rel.java() + "'" + (rel.versionId().equals("*") ? "\n" : " ;;")), "the script installs " + rel.java() + " on " + rel.name());
    }
    assertFalse(r.script().contains("puppet="), "no Puppet agent for a hand-off that is not Puppet's");
    assertTrue(r.script().contains("--cacert /etc/baton/ca.pem"), "the jar is fetched with the pinned CA");
    assertTrue(r.script().contains("echo '" + SHA + "  /opt/baton/baton-agent.jar.new' | sha256sum -c -"),
        "and checked before it runs");
    assertTrue(r.cloudConfig().contains("Restart=on-failure"));
  }

  @ParameterizedTest
  @EnumSource(UserData.Family.class)
  void aPuppetHandOffInstallsThePuppetAgentOfTheRelease(UserData.Family family) {
    UserData.Input in = input(family);
    String script = UserData.render(new UserData.Input(in.agent(), family, in.agentJarUrl(), in.agentSha256(), true)).script();
    for (Releases.Release rel : Releases.of(family)) {
      assertTrue(script.contains(" java='" + rel.java() + "' puppet='" + rel.puppet() + "' repo='"
          + (rel.puppetRepository() == null ? "" : rel.puppetRepository()) + "'"), rel.name());
    }
  }

  @Test
  void everyStepSaysItsNameAndAFailureSaysWhichStepFailed() {
    String script = UserData.render(input(UserData.Family.DEBIAN)).script();
    for (String step : BootScript.STEPS) {
      assertTrue(script.contains("\nstep " + step + "\n"), step);
    }
    assertTrue(script.contains("echo \"baton: FAILED at step $n ($name): $*\" >&2"), script);
    assertTrue(script.contains("--retry-connrefused"), "a controller that is not up yet is waited for");
    assertFalse(script.contains("set -e"), "each failure is caught and named, not left to set -e");
  }

  @Test
  void aReleaseTheTableDoesNotListGetsItsFamilysFallback() {
    assertEquals("openjdk-21-jre-headless", Releases.pick(UserData.Family.DEBIAN, "debian", "13").java());
    assertEquals("openjdk-17-jre-headless", Releases.pick(UserData.Family.DEBIAN, "debian", "12").java());
    assertEquals("default-jre-headless", Releases.pick(UserData.Family.DEBIAN, "debian", "14").java());
    assertEquals("openvox-agent", Releases.pick(UserData.Family.UBUNTU, "ubuntu", "22.04").puppet(),
        "Ubuntu 22.04's own Puppet is 5.5, which has no `puppet ssl`");
    assertEquals("java-17-amazon-corretto-headless", Releases.pick(UserData.Family.AMAZON_LINUX, "amzn", "2023").java());
    for (UserData.Family f : UserData.Family.values()) {
      List<Releases.Release> rows = Releases.of(f);
      assertEquals("*", rows.get(rows.size() - 1).versionId(), "every family ends with a fallback: " + f);
    }
  }

  @Test
  void theAgentConfigurationReadsBackExactly() {
    UserData.Rendered r = UserData.render(input(UserData.Family.DEBIAN));
    JsonObject back = new JsonObject(UserData.agentConfigOf(r.cloudConfig()));
    assertEquals(config("tok3n").toJson(), back);
  }

  @Test
  void theUnitStartsTheAgentWithTheJvmOptionsTheLocalCloudUses() {
    String cc = UserData.render(input(UserData.Family.DEBIAN)).cloudConfig();
    String exec = cc.lines().filter(l -> l.trim().startsWith("ExecStart=")).findFirst().orElseThrow().trim();
    assertEquals("ExecStart=/usr/bin/java " + String.join(" ", UserData.AGENT_JVM_OPTIONS)
        + " -jar /opt/baton/baton-agent.jar --config /etc/baton/agent.json --state /var/lib/baton", exec);
  }

  @Test
  void carriesOnlyWhatANodeNeeds() {
    String cc = UserData.render(input(UserData.Family.DEBIAN)).cloudConfig();
    JsonObject cfg = new JsonObject(UserData.agentConfigOf(cc));
    assertEquals(java.util.Set.of("endpoints", "ca_pem", "ca_sha256", "join_token", "evidence", "name",
        "platform", "imds"), cfg.fieldNames());
    assertFalse(cc.toLowerCase().contains("private key"), "no key in user data");
    assertTrue(cc.contains("permissions: '0600'"), "the configuration (with its token) is readable by root only");
  }

  @Test
  void largeUserDataIsGzippedAndTooLargeIsAClearError() {
    String bigCa = CA + "x".repeat(15_000);
    UserData.Input big = new UserData.Input(new AgentConfig(List.of("c:1"), bigCa, SHA, "t", "aws", null, "n", "p",
        "http://169.254.169.254"), UserData.Family.DEBIAN, "https://c/agent.jar", SHA);
    UserData.Rendered r = UserData.render(big);
    assertTrue(r.gzipped());
    assertTrue(r.bytes().length <= UserData.MAX_BYTES);
    String unzipped = gunzip(r.bytes());
    assertTrue(unzipped.contains("#cloud-config"));
    // random content does not compress: over the limit even gzipped
    java.util.Random rnd = new java.util.Random(1);
    StringBuilder noise = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      noise.append((char) ('!' + rnd.nextInt(90)));
    }
    UserData.Input huge = new UserData.Input(new AgentConfig(List.of("c:1"), noise.toString(), SHA, "t", "aws", null,
        "n", "p", "http://169.254.169.254"), UserData.Family.DEBIAN, "https://c/agent.jar", SHA);
    BatonException e = assertThrows(BatonException.class, () -> UserData.render(huge));
    assertTrue(e.getMessage().contains("over EC2's limit of 16384"), e.getMessage());
  }

  @Test
  void theAgentIsDownloadedOverHttpsOnlyAndWithAChecksum() {
    assertThrows(BatonException.class, () -> UserData.render(new UserData.Input(config("t"), UserData.Family.DEBIAN,
        "http://controller/agent.jar", SHA)));
    assertThrows(BatonException.class, () -> UserData.render(new UserData.Input(config("t"), UserData.Family.DEBIAN,
        "https://controller/agent.jar", "nope")));
  }

  static String gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
