package dev.baton.controller.provider.local.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.handoff.puppet.PuppetServerFixture;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine tier: the user data Baton renders, booted on real Debian 12 and 13 systems
 * (systemd-nspawn, cloud-init's NoCloud seed), installs Java and the Puppet agent from Debian's
 * archive, starts the agent under systemd; each node registers, is signed and run by a real
 * puppetserver, and is READY. A node whose user data cannot succeed (a package that does not
 * exist) is FAILED with the step cloud-init's run stopped at; destroy leaves no machine.
 *
 * <p>Needs root, Debian's debootstrap and systemd-container (bin/test installs them), Debian's
 * puppetserver, and Debian's archive. Images are made once into {@code BATON_IMAGE_CACHE} (or
 * /var/cache/baton/images) and kept between runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MachinesIT {
  static final String DOMAIN = "machines.baton.test";
  static final String PRODUCTION = """
      node default {
        file { '/etc/baton-managed':
          content => "managed ${trusted['certname']} instance ${trusted['extensions']['pp_instance_id']} on ${facts['os']['release']['major']}\\n" }
      }
      """;

  @TempDir
  static Path dir;
  static PuppetServerFixture master;
  static ControllerFixture controller;
  static Path home;
  static Path platform;
  static CliRun provision;

  static void requireMachines() {
    String missing = MachineHost.missing();
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("the machine tier cannot run here: " + missing + "; bin/test installs the packages");
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "the machine tier cannot run here: " + missing);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    requireMachines();
    PuppetServerFixture.requireInstalled();
    // the images first (minutes when this machine has none), beside the master's start
    var images = java.util.concurrent.CompletableFuture.runAsync(() -> {
      for (var image : dev.baton.controller.definition.model.MachineImage.values()) {
        try {
          MachineImages.rootfs(image, System.out::println);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    master = new PuppetServerFixture(dir.resolve("master"), Map.of("production", PRODUCTION,
        "bootstrap", "node default { }\n"));
    images.get(30, java.util.concurrent.TimeUnit.MINUTES);
    home = dir.resolve("home");
    Files.createDirectories(home.resolve("controller"));
    Files.writeString(home.resolve("controller/puppet-masters.yaml"), "masters:\n" + master.mastersEntry("puppet-1",
        "local-1a"));
    System.setProperty("baton.home", home.toString());
    System.setProperty("baton.reconcile-interval-ms", "3000");
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults(), ControllerFixture.freePort());
    platform = dir.resolve("machines");
    Files.createDirectories(platform);
    Files.writeString(platform.resolve("platform.yaml"), """
        name: machines
        customer: demo
        provider: local
        region: local-1
        domain: %s
        """.formatted(DOMAIN));
    Files.writeString(platform.resolve("nodes.yaml"), """
        kind: vpc
        name: main
        uuid: 0d5b3b1e-8a59-4d3c-9d0e-4b1f7f0a1001
        cidr: 10.30.0.0/16
        ---
        kind: subnet
        name: a
        uuid: 0d5b3b1e-8a59-4d3c-9d0e-4b1f7f0a1002
        vpc: main
        cidr: 10.30.1.0/24
        az: local-1a
        ---
        kind: instance
        name: bookworm
        uuid: 0d5b3b1e-8a59-4d3c-9d0e-4b1f7f0a1003
        subnet: a
        instance_type: t3.small
        image: debian-12
        handoff:
          puppet: {role: web}
        ---
        kind: instance
        name: trixie
        uuid: 0d5b3b1e-8a59-4d3c-9d0e-4b1f7f0a1004
        subnet: a
        instance_type: t3.small
        image: debian-13
        handoff:
          puppet: {role: web}
        ---
        kind: instance
        name: broken
        uuid: 0d5b3b1e-8a59-4d3c-9d0e-4b1f7f0a1005
        subnet: a
        instance_type: t3.small
        image: debian-12
        packages: [baton-no-such-package]
        handoff:
          puppet: {role: web}
        """);
    provision = CliRun.of("provision", "--yes", "--wait", "900", platform.toString());
  }

  @AfterAll
  static void stop() {
    if (platform != null && Files.exists(platform)) {
      CliRun.of("destroy", "--yes", "--force", platform.toString());
    }
    if (controller != null) {
      controller.close();
    }
    System.clearProperty("baton.home");
    System.clearProperty("baton.reconcile-interval-ms");
    if (master != null) {
      master.close();
    }
  }

  static NodeRecord node(String name) {
    return controller.server.registry().all().stream().filter(n -> n.name().equals(name))
        .filter(n -> n.state() != NodeState.TERMINATED).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name + ": " + controller.server.registry().all()
            + "\n" + provision.err()));
  }

  static Path rootfs(NodeRecord n) {
    return home.resolve("local-cloud/instance-data").resolve(n.id()).resolve("rootfs");
  }

  @Test
  @Order(1)
  void debian12And13NodesBootFromTheirUserDataAndArePuppetManaged() throws Exception {
    for (String name : new String[] {"bookworm", "trixie"}) {
      NodeRecord n = node(name);
      assertEquals(NodeState.READY, n.state(), name + ": " + n.reason() + "\n" + provision.err() + "\n" + master.log());
      Path root = rootfs(n);
      String log = Files.readString(root.resolve("var/log/cloud-init-output.log"));
      assertTrue(log.contains("baton: step 6/6 start-agent"), log);
      // what the user data installed, on a system that had none of it
      assertTrue(Files.isDirectory(root.resolve("usr/lib/jvm")), "Java installed by the user data");
      assertTrue(Files.exists(root.resolve("usr/bin/puppet")), "the Puppet agent installed by the user data");
      String major = name.equals("bookworm") ? "12" : "13";
      assertEquals("managed " + n.name() + "." + DOMAIN + " instance " + n.id() + " on " + major + "\n",
          Files.readString(root.resolve("etc/baton-managed")), "the final run's catalog, applied on the machine");
      assertNotNull(master.serial(n.name() + "." + DOMAIN), "the master signed " + n.name());
      for (String phase : new String[] {"LAUNCHED", "REGISTERED", "ATTESTED", "CHOOSE_MASTER", "CLEAN_CERTS", "SIGN",
          "BOOTSTRAP_RUN", "FINAL_RUN", "READY"}) {
        assertTrue(n.timeline().stream().anyMatch(p -> p.name().equals(phase)), name + " has no " + phase);
      }
    }
    assertFalse(Files.isDirectory(MachineImages.dirOf(dev.baton.controller.definition.model.MachineImage.DEBIAN_12).resolve("rootfs/usr/lib/jvm")),
        "the image itself holds no Java: the user data installs it");
  }

  @Test
  @Order(2)
  void aNodeWhoseUserDataCannotSucceedIsFailedWithTheStepThatFailed() {
    NodeRecord n = node("broken");
    assertEquals(NodeState.FAILED, n.state());
    assertEquals("the user data failed at step 2 (install-packages): apt-get could not install baton-no-such-package",
        n.reason());
    assertEquals(1, provision.exitCode(), "provision says not every node is READY");
    assertTrue(provision.err().contains("broken (") && provision.err().contains("FAILED"), provision.err());
  }

  /** An archive of a release of the application: a systemd unit, its program (which says its revision) and checks. */
  static void release(Path artifacts, String rev, String validate) throws Exception {
    Path src = dir.resolve("webapp-" + rev);
    Files.createDirectories(src.resolve("bin"));
    Files.writeString(src.resolve("webapp.service"), """
        [Unit]
        Description=webapp (deployed by Baton)
        [Service]
        ExecStart=/srv/webapp/current/bin/serve
        Restart=on-failure
        [Install]
        WantedBy=multi-user.target
        """);
    Files.writeString(src.resolve("bin/serve"), "#!/bin/sh\nmkdir -p /var/lib/webapp\necho " + rev
        + " > /var/lib/webapp/serving\nexec sleep infinity\n");
    // like a real health check it gives the service a moment to come up (systemd starts it asynchronously)
    Files.writeString(src.resolve("bin/validate"), "#!/bin/sh\nfor i in $(seq 100); do\n"
        + "  systemctl is-active --quiet webapp && grep -qx " + rev + " /var/lib/webapp/serving 2>/dev/null && break\n"
        + "  sleep 0.1\ndone\nsystemctl is-active --quiet webapp || exit 1\n"
        + "grep -qx " + rev + " /var/lib/webapp/serving || exit 1\n" + validate + "\n");
    src.resolve("bin/serve").toFile().setExecutable(true);
    src.resolve("bin/validate").toFile().setExecutable(true);
    Process p = new ProcessBuilder("tar", "-czf", artifacts.resolve(rev + ".tar.gz").toString(), "-C", src.toString(), ".")
        .inheritIO().start();
    assertEquals(0, p.waitFor());
  }

  @Test
  @Order(3)
  void anApplicationIsDeployedToTheMachinesAsASystemdServiceAndRolledBack() throws Exception {
    Path artifacts = platform.resolve("artifacts");
    Files.createDirectories(artifacts);
    release(artifacts, "v1", "exit 0");
    release(artifacts, "v2", "exit 0");
    release(artifacts, "v3", "echo 'v3 answers 500'; exit 1");
    Files.writeString(platform.resolve("webapp.yaml"), """
        kind: application
        name: webapp
        uuid: 0d5b3b1e-8a59-4d3c-9d0e-4b1f7f0a1006
        source: {directory: artifacts}
        instances: [bookworm, trixie]
        path: /srv/webapp
        hooks:
          stop: systemctl stop webapp
          after_install: install -m 0644 webapp.service /etc/systemd/system/webapp.service && systemctl daemon-reload
          start: systemctl restart webapp
          validate: ./bin/validate
        """);
    for (String rev : new String[] {"v1", "v2"}) {
      CliRun run = CliRun.of("deploy", platform.toString(), "webapp", "--revision", rev, "--batch", "1");
      assertEquals(0, run.exitCode(), rev + ": " + run.out() + run.err());
    }
    CliRun v3 = CliRun.of("deploy", platform.toString(), "webapp", "--revision", "v3", "--batch", "1");
    assertEquals(1, v3.exitCode(), v3.out() + v3.err());
    assertTrue(v3.out().contains("Rolled back") && v3.out().contains("v3 answers 500"), v3.out());
    for (String name : new String[] {"bookworm", "trixie"}) {
      Path root = rootfs(node(name));
      // read on the machine's own disk: the release current, and what the running service says it is
      assertEquals("releases/v2", Files.readSymbolicLink(root.resolve("srv/webapp/current")).toString(), name);
      assertEquals("v2\n", Files.readString(root.resolve("var/lib/webapp/serving")), name + ": the service runs v2");
      assertTrue(Files.isDirectory(root.resolve("srv/webapp/releases/v1")), name + " keeps the release before");
    }
  }

  @Test
  @Order(4)
  void destroyLeavesNoMachine() throws Exception {
    var ids = controller.server.registry().all().stream().filter(n -> n.platform().equals("machines")).map(NodeRecord::id)
        .toList();
    CliRun run = CliRun.of("destroy", "--yes", platform.toString());
    assertEquals(0, run.exitCode(), run.err());
    for (String id : ids) {
      assertFalse(Files.exists(home.resolve("local-cloud/instance-data").resolve(id)), id + " left its files");
      try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
        Optional<ProcessHandle> left = all.filter(p -> p.info().arguments().map(a -> java.util.List.of(a)
            .contains("--machine=" + id)).orElse(false)).findFirst();
        assertFalse(left.isPresent(), id + " still runs: " + left);
      }
    }
  }
}
