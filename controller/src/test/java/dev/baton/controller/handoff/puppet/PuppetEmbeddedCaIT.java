package dev.baton.controller.handoff.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded-CA mode against a real Debian puppetserver running with Puppet's CA service
 * disabled and trusting only the controller's Puppet CA (its certificate issued with
 * {@code controller puppet-ca master}): a node's request travels over the bridge, the controller
 * checks and signs it, the real {@code puppet} agent runs both environments with it; a replaced
 * node's old certificate is revoked in the CRL the master reads.
 */
class PuppetEmbeddedCaIT {
  @TempDir
  static Path dir;
  static PuppetServerFixture master;
  static ControllerFixture controller;

  @BeforeAll
  static void start() throws Exception {
    PuppetServerFixture.requireInstalled();
    Path home = dir.resolve("home");
    System.setProperty("baton.home", home.toString());
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), ControllerFixture.freePort());
    CliRun issued = CliRun.of("puppet-ca", "master", "localhost", "--alt", "127.0.0.1", "--out", dir.resolve("issued").toString());
    assertEquals(0, issued.exitCode(), issued.out() + issued.err());
    EmbeddedPuppetCa ca = controller.server.embeddedPuppetCa();
    master = new PuppetServerFixture(dir.resolve("master"), Map.of("bootstrap", PuppetHandoffIT.BOOTSTRAP,
        "production", PuppetHandoffIT.PRODUCTION), dir.resolve("issued"), base -> {
          String[] client = ca.controllerClient();
          return new PuppetCa(base, ca.caPem(), client[0], client[1]);
        });
    // listed while the controller runs: taken up without a restart
    Files.writeString(home.resolve("controller/puppet-masters.yaml"), "masters:\n" + master.embeddedEntry("puppet-local", "local-1a"));
  }

  @AfterAll
  static void stop() {
    if (Files.exists(dir.resolve("embedded"))) {
      CliRun.of("destroy", "--yes", "--force", dir.resolve("embedded").toString());
    }
    if (controller != null) {
      controller.close();
    }
    System.clearProperty("baton.home");
    if (master != null) {
      master.close();
    }
  }

  static NodeRecord node(String name) {
    return controller.server.registry().all().stream().filter(n -> n.name().equals(name) && n.state() != NodeState.TERMINATED)
        .max(java.util.Comparator.comparing(NodeRecord::updated)).orElseThrow();
  }

  static boolean inCrl(Path crlFile, BigInteger serial) throws Exception {
    try (var in = Files.newInputStream(crlFile)) {
      return ((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in)).getRevokedCertificate(serial) != null;
    }
  }

  @Test
  void theControllersCaSignsTheNodeAndPuppetRunsWithItsCertificate() throws Exception {
    Path p = PuppetHandoffIT.platform(dir, "embedded", Map.of("web-1", "a"), "");
    CliRun run = CliRun.of("provision", "--yes", p.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    NodeRecord n = node("web-1");
    assertEquals(List.of("LAUNCHED", "REGISTERED", "ATTESTED", "CHOOSE_MASTER", "CONFIGURE_NODE", "CLEAN_CERTS", "SIGN",
        "BOOTSTRAP_RUN", "FINAL_RUN", "READY"), n.timeline().stream().map(NodeRecord.Phase::name).toList());
    String certname = "web-1." + PuppetHandoffIT.DOMAIN;
    assertEquals("instance " + n.id() + " uuid " + n.uuid() + " role web\n",
        Files.readString(master.agents().resolve(certname + ".managed")),
        "the catalog saw the extensions the controller's CA signed");
    EmbeddedPuppetCa ca = controller.server.embeddedPuppetCa();
    List<BigInteger> first = ca.serials(certname);
    assertEquals(1, first.size());

    Path again = PuppetHandoffIT.platform(dir, "embedded", Map.of("web-1", "a"), "keypair: rotated-2026\n");
    CliRun replaced = CliRun.of("provision", "--yes", again.toString());
    assertEquals(0, replaced.exitCode(), replaced.out() + replaced.err());
    NodeRecord now = node("web-1");
    assertNotEquals(n.id(), now.id());
    assertEquals(NodeState.READY, now.state());
    assertTrue(ca.isRevoked(first.get(0)), "the replaced node's certificate is revoked");
    assertTrue(inCrl(master.ssldir.resolve("crl.pem"), first.get(0)), "and in the CRL the master reads");
    assertEquals(1, ca.serials(certname).size());
    assertFalse(inCrl(master.ssldir.resolve("crl.pem"), ca.serials(certname).get(0)));
  }
}
