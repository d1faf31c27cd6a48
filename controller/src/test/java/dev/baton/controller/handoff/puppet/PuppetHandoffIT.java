package dev.baton.controller.handoff.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.Wait;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Puppet hand-off end to end, with real processes only: two Debian puppetservers (each its
 * own CA, zones local-1a and local-1b), a controller, the CLI provisioning local platforms whose
 * instances are real Baton agents driving real {@code puppet} agents.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PuppetHandoffIT {
  static final String DOMAIN = "demo.baton.test";
  static final String BOOTSTRAP = """
      node default {
        file { "@AGENTS@/${trusted['certname']}.bootstrap":
          content => "bootstrap ${trusted['extensions']['pp_instance_id']}\\n" }
        if $trusted['certname'] =~ /^slow-/ { exec { 'a slow bootstrap': command => '/bin/sleep 12' } }
      }
      """;
  static final String PRODUCTION = """
      node default {
        file { "@AGENTS@/${trusted['certname']}.managed":
          content => "instance ${trusted['extensions']['pp_instance_id']} uuid ${trusted['extensions']['pp_uuid']} role ${trusted['extensions']['pp_role']}\\n" }
        if $trusted['certname'] =~ /^fail-/ { exec { 'fails on purpose': command => '/bin/false' } }
      }
      """;

  @TempDir
  static Path dir;
  static PuppetServerFixture a;
  static PuppetServerFixture b;
  static ControllerFixture controller;
  static Path home;

  @BeforeAll
  static void start() throws Exception {
    PuppetServerFixture.requireInstalled();
    Map<String, String> sites = Map.of("bootstrap", BOOTSTRAP, "production", PRODUCTION);
    CompletableFuture<PuppetServerFixture> fa = CompletableFuture.supplyAsync(() -> start("a", sites));
    CompletableFuture<PuppetServerFixture> fb = CompletableFuture.supplyAsync(() -> start("b", sites));
    a = fa.get(300, TimeUnit.SECONDS);
    b = fb.get(300, TimeUnit.SECONDS);
    home = dir.resolve("home");
    Files.createDirectories(home.resolve("controller"));
    Files.writeString(home.resolve("controller/puppet-masters.yaml"),
        "masters:\n" + a.mastersEntry("puppet-a", "local-1a") + b.mastersEntry("puppet-b", "local-1b"));
    System.setProperty("baton.home", home.toString());
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), ControllerFixture.freePort());
  }

  static PuppetServerFixture start(String name, Map<String, String> sites) {
    try {
      return new PuppetServerFixture(dir.resolve("master-" + name), sites);
    } catch (Exception e) {
      throw new IllegalStateException("puppetserver " + name + ": " + e.getMessage(), e);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    System.clearProperty("baton.local.puppet");
    for (String p : List.of("good", "bad", "resume", "slow")) {
      if (Files.exists(dir.resolve(p))) {
        CliRun.of("destroy", "--yes", "--force", dir.resolve(p).toString());
      }
    }
    if (controller != null) {
      controller.close();
    }
    System.clearProperty("baton.home");
    for (PuppetServerFixture f : new PuppetServerFixture[] {a, b}) {
      if (f != null) {
        f.close();
      }
    }
  }

  /** A local platform of puppet nodes: {@code name -> zone letter}. */
  static Path platform(String name, Map<String, String> nodes, String extra) throws Exception {
    return platform(dir, name, nodes, extra);
  }

  static Path platform(Path base, String name, Map<String, String> nodes, String extra) throws Exception {
    Path p = base.resolve(name);
    Files.createDirectories(p);
    Files.writeString(p.resolve("platform.yaml"), """
        name: puppet-%s
        customer: demo
        provider: local
        region: local-1
        domain: %s
        """.formatted(name, DOMAIN));
    Files.writeString(p.resolve("network.yaml"), """
        kind: vpc
        name: main
        uuid: %s
        cidr: 10.20.0.0/16
        ---
        kind: subnet
        name: zone-a
        uuid: %s
        vpc: main
        cidr: 10.20.1.0/24
        az: local-1a
        ---
        kind: subnet
        name: zone-b
        uuid: %s
        vpc: main
        cidr: 10.20.2.0/24
        az: local-1b
        """.formatted(uuid(name + "vpc"), uuid(name + "a"), uuid(name + "b")));
    StringBuilder y = new StringBuilder();
    for (Map.Entry<String, String> n : new java.util.TreeMap<>(nodes).entrySet()) {
      y.append("""
          ---
          kind: instance
          name: %s
          uuid: %s
          subnet: zone-%s
          instance_type: t3.micro
          %shandoff:
            config_management: puppet
            puppet: {role: %s}
          """.formatted(n.getKey(), uuid(name + n.getKey()), n.getValue(),
          n.getKey().equals("web-1") ? extra : "", n.getKey().replaceAll("-.*", "")));
    }
    Files.writeString(p.resolve("nodes.yaml"), y.substring(4));
    return p;
  }

  static String uuid(String seed) {
    return java.util.UUID.nameUUIDFromBytes(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  static NodeRecord node(String name) {
    return controller.server.registry().all().stream()
        .filter(n -> n.name().equals(name) && n.state() != NodeState.TERMINATED)
        .max(java.util.Comparator.comparing(NodeRecord::updated)).orElseThrow(() -> new AssertionError("no node " + name));
  }

  static JsonObject handoff(NodeRecord n) {
    return controller.server.handoffs().get(n.id());
  }

  static List<String> phases(NodeRecord n) {
    return n.timeline().stream().map(NodeRecord.Phase::name).toList();
  }

  static String certname(String name) {
    return name + "." + DOMAIN;
  }

  @Test
  @Order(1)
  void threeNodesGoFromNothingToReadyThroughBothRunsOnTheMasterOfTheirZone() throws Exception {
    Path p = platform("good", Map.of("web-1", "a", "web-2", "a", "db-1", "b"), "");
    CliRun run = CliRun.of("provision", "--yes", p.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err() + "\n" + controllerLog());
    for (String name : List.of("web-1", "web-2", "db-1")) {
      NodeRecord n = node(name);
      assertEquals(NodeState.READY, n.state(), n.toString());
      assertEquals(List.of("LAUNCHED", "REGISTERED", "ATTESTED", "CHOOSE_MASTER", "CONFIGURE_NODE", "CLEAN_CERTS", "SIGN",
          "BOOTSTRAP_RUN", "FINAL_RUN", "READY"), phases(n));
      PuppetServerFixture m = name.startsWith("db") ? b : a;
      assertEquals(name.startsWith("db") ? "puppet-b" : "puppet-a", handoff(n).getString("master"), "the master of its zone");
      assertEquals(Optional.of("signed"), m.ca().state(certname(name)));
      assertEquals("bootstrap " + n.id() + "\n", Files.readString(m.agents().resolve(certname(name) + ".bootstrap")));
      assertEquals("instance " + n.id() + " uuid " + n.uuid() + " role " + name.replaceAll("-.*", "") + "\n",
          Files.readString(m.agents().resolve(certname(name) + ".managed")), "the final run applied the node's catalog");
      JsonObject runs = handoff(n).getJsonObject("runs");
      assertEquals(2, runs.getJsonObject("FINAL_RUN").getInteger("exit_code"), runs.encodePrettily());
      assertTrue(runs.getJsonObject("FINAL_RUN").getString("summary").contains("1 changed"), runs.encodePrettily());
    }
    assertEquals(Optional.empty(), b.ca().state(certname("web-1")), "nothing of web-1 on the other master");
    for (String name : List.of("web-1", "web-2", "db-1")) {
      JsonObject timing = handoff(node(name)).getJsonObject("timing");
      long total = 0;
      long own = 0;
      StringBuilder per = new StringBuilder();
      for (String phase : timing.fieldNames()) {
        JsonObject t = timing.getJsonObject(phase);
        long mine = t.getLong("micros") - t.getLong("agent_micros");
        total += t.getLong("micros");
        own += mine;
        per.append(String.format(" %s %.1f ms", phase.toLowerCase(), mine / 1000.0));
      }
      System.out.printf("BENCH hand-off of %s: %.1f ms of the controller's own in %.1f s (%s)%n", name, own / 1000.0,
          total / 1e6, per.toString().strip());
    }

    CliRun nodes = CliRun.of("nodes", "web-1");
    assertEquals(0, nodes.exitCode(), nodes.err());
    assertTrue(nodes.out().contains("SIGN") && nodes.out().contains("puppet-a"), nodes.out());
  }

  @Test
  @Order(2)
  void aReplacedNodeIsCleanedOnBothMastersAndItsSuccessorSigned() throws Exception {
    NodeRecord old = node("web-1");
    BigInteger onA = a.serial(certname("web-1"));
    assertNotNull(onA);
    // an older certificate for the same name on the other master, from a node long gone
    Path stale = b.agent(certname("web-1"), "i-0123456789abcdef0");
    assertEquals(0, b.puppet(stale, "ssl", "submit_request"));
    b.ca().signAttested(certname("web-1"), "i-0123456789abcdef0");
    BigInteger onB = b.serial(certname("web-1"));
    assertNotNull(onB);

    // a changed key pair replaces the instance: same name and UUID, a new instance
    Path p = platform("good", Map.of("web-1", "a", "web-2", "a", "db-1", "b"), "keypair: rotated-2026\n");
    CliRun run = CliRun.of("provision", "--yes", p.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err() + "\n" + controllerLog());
    NodeRecord now = node("web-1");
    assertNotEquals(old.id(), now.id(), "a new instance");
    assertEquals(NodeState.READY, now.state(), now.toString());

    assertTrue(a.revoked(onA), "the old certificate is revoked on puppet-a");
    BigInteger successor = a.serial(certname("web-1"));
    assertNotEquals(onA, successor);
    assertFalse(a.revoked(successor), "the successor's certificate is valid");
    assertTrue(b.revoked(onB), "the stale certificate is revoked on puppet-b");
    assertEquals(Optional.empty(), b.ca().state(certname("web-1")), "and removed from puppet-b");
    assertNull(b.serial(certname("web-1")));
    assertEquals("instance " + now.id() + " uuid " + now.uuid() + " role web\n",
        Files.readString(a.agents().resolve(certname("web-1") + ".managed")));
  }

  @Test
  @Order(3)
  void forgedRequestsAreRefusedUnsignedAndAFailingRunFailsTheNodeWithItsSummary() throws Exception {
    // a node that tampers with its request (the test's stand-in for a compromised node), through
    // the puppet command its agent runs
    Path wrapper = dir.resolve("tampering-puppet");
    Files.writeString(wrapper, """
        #!/bin/sh
        confdir=""; prev=""
        for arg in "$@"; do [ "$prev" = "--confdir" ] && confdir="$arg"; prev="$arg"; done
        if [ "$1 $2" = "ssl submit_request" ] && [ -n "$confdir" ]; then
          certname=$(sed -n 's/^certname = //p' "$confdir/puppet.conf")
          attrs="$confdir/csr_attributes.yaml"
          case "$certname" in
            evil-cn-*) exec puppet "$@" --certname impostor.%s ;;
            evil-id-*) sed -i 's/pp_instance_id: .*/pp_instance_id: "i-0000000000000dead"/' "$attrs" ;;
            evil-nonce-*) sed -i '/custom_attributes:/d; /1.2.840.113549.1.9.7/d' "$attrs" ;;
            evil-guess-*) sed -i 's/1.2.840.113549.1.9.7: .*/1.2.840.113549.1.9.7: "guessed-nonce"/' "$attrs" ;;
          esac
        fi
        exec puppet "$@"
        """.formatted(DOMAIN));
    wrapper.toFile().setExecutable(true);
    System.setProperty("baton.local.puppet", wrapper.toString());
    CliRun run;
    try {
      Path p = platform("bad", Map.of("evil-cn-1", "a", "evil-id-1", "a", "evil-nonce-1", "a", "evil-guess-1", "a",
          "fail-1", "a"), "");
      run = CliRun.of("provision", "--yes", p.toString());
    } finally {
      System.clearProperty("baton.local.puppet");
    }
    assertNotEquals(0, run.exitCode(), run.out());

    NodeRecord cn = node("evil-cn-1");
    assertEquals(NodeState.FAILED, cn.state());
    assertTrue(cn.reason().contains("SIGN refused: no certificate request was filed under " + certname("evil-cn-1"))
        && cn.reason().contains("impostor." + DOMAIN), cn.reason());
    assertEquals(Optional.of("requested"), a.ca().state("impostor." + DOMAIN), "the impostor's request is not signed");

    NodeRecord id = node("evil-id-1");
    assertEquals(NodeState.FAILED, id.state());
    assertTrue(id.reason().contains("names instance i-0000000000000dead, the attested instance is " + id.id()), id.reason());
    assertEquals(Optional.of("requested"), a.ca().state(certname("evil-id-1")));

    NodeRecord nonce = node("evil-nonce-1");
    assertEquals(NodeState.FAILED, nonce.state());
    assertTrue(nonce.reason().contains("carries no challengePassword"), nonce.reason());
    assertEquals(Optional.of("requested"), a.ca().state(certname("evil-nonce-1")));

    NodeRecord guess = node("evil-guess-1");
    assertEquals(NodeState.FAILED, guess.state());
    assertTrue(guess.reason().contains("challengePassword that is not this hand-off's nonce"), guess.reason());
    assertEquals(Optional.of("requested"), a.ca().state(certname("evil-guess-1")));

    for (NodeRecord n : List.of(cn, id, nonce, guess)) {
      assertEquals(List.of("LAUNCHED", "REGISTERED", "ATTESTED", "CHOOSE_MASTER", "CONFIGURE_NODE", "CLEAN_CERTS", "SIGN",
          "FAILED"), phases(n), n.name());
    }

    NodeRecord failed = node("fail-1");
    assertEquals(NodeState.FAILED, failed.state());
    assertTrue(failed.reason().matches("FINAL_RUN: puppet exited with [46] \\(resources: \\d+ total, \\d+ changed, 1 failed.*"),
        failed.reason());
    assertTrue(failed.reason().contains("/bin/false"), failed.reason());
    assertEquals(Optional.of("signed"), a.ca().state(certname("fail-1")), "it was signed: its run failed");
    assertTrue(run.out().contains("fail-1"), run.out());
  }

  @Test
  @Order(4)
  void aControllerRestartedMidHandoffResumesAfterTheLastCompletedPhase() throws Exception {
    Path p = platform("resume", Map.of("slow-2", "a"), "");
    CliRun run = CliRun.of("provision", "--yes", "--wait", "0", p.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    Wait.until(() -> controller.server.registry().all().stream().anyMatch(n -> n.name().equals("slow-2")
        && "BOOTSTRAP_RUN".equals(n.step())), 120);
    String id = node("slow-2").id();
    BigInteger signed = a.serial(certname("slow-2"));
    assertNotNull(signed);
    int bridgePort = controller.started.bridgePort();
    controller.close(); // mid-run: its bootstrap run sleeps 12 s
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), bridgePort);
    Wait.until(() -> controller.server.registry().get(id).map(n -> n.state().terminal()).orElse(false), 180);
    NodeRecord n = controller.server.registry().get(id).orElseThrow();
    assertEquals(NodeState.READY, n.state(), n.toString());
    assertEquals(1, phases(n).stream().filter("SIGN"::equals).count(), "not signed again: " + phases(n));
    assertEquals(1, phases(n).stream().filter("CLEAN_CERTS"::equals).count(), phases(n).toString());
    assertEquals(signed, a.serial(certname("slow-2")), "the certificate signed before the restart is the one in use");
    assertFalse(a.revoked(signed));

    // the node goes away (here: its platform is destroyed): its certificate is revoked and removed on every master
    assertEquals(0, CliRun.of("destroy", "--yes", p.toString()).exitCode());
    Wait.until(() -> {
      try {
        return a.ca().state(certname("slow-2")).isEmpty();
      } catch (Exception e) {
        return false;
      }
    }, 60);
    assertTrue(a.revoked(signed), "revoked when the node was terminated");
  }

  @Test
  @Order(5)
  void aMasterThatDiesMidHandoffIsReplacedByAnother() throws Exception {
    Path p = platform("slow", Map.of("slow-1", "a"), "");
    CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("provision", "--yes", p.toString()));
    Wait.until(() -> controller.server.registry().all().stream().anyMatch(n -> n.name().equals("slow-1")
        && "BOOTSTRAP_RUN".equals(n.step())), 120);
    assertEquals("puppet-a", handoff(node("slow-1")).getString("master"));
    a.close(); // puppet-a dies while the node's bootstrap run is under way

    CliRun done = run.get(300, TimeUnit.SECONDS);
    assertEquals(0, done.exitCode(), done.out() + done.err() + "\n" + controllerLog());
    NodeRecord n = node("slow-1");
    assertEquals(NodeState.READY, n.state());
    JsonObject h = handoff(n);
    assertEquals("puppet-b", h.getString("master"), h.encodePrettily());
    assertEquals(2, phases(n).stream().filter("CHOOSE_MASTER"::equals).count(), phases(n).toString());
    assertEquals(Optional.of("signed"), b.ca().state(certname("slow-1")));
    assertTrue(h.getJsonArray("deferred_clean").contains("puppet-a"), "cleaned on puppet-a once it is back: " + h);
  }

  static String controllerLog() {
    return "";
  }
}
