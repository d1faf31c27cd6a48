package dev.baton.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.provider.local.machine.MachineHost;
import dev.baton.controller.provider.local.machine.MachineImages;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package, installed as an operator would: {@code apt-get install ./baton-controller_*.deb}
 * on a booted Debian 12 machine (systemd-nspawn, the machine tier's image), its Java pulled from
 * Debian's archive. The {@code baton-controller} unit runs as the package's user with its state in
 * /var/lib/baton, answers /healthz, serves the packaged agent jar, is hardened, comes back when
 * killed, and the installed CLI talks to it; {@code remove} stops it and keeps the state,
 * {@code purge} deletes the state and keeps the user.
 *
 * <p>Needs root, debootstrap and systemd-container (bin/test installs them) and Debian's archive;
 * under CI=true their absence fails the test. The machine shares this host's network, so the
 * service is given ports of its own (below) before its first start, as an administrator would
 * write /etc/default/baton-controller before installing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageIT {
  static final int BRIDGE = 17341;
  static final int API = 17342;
  static final int DOWNLOAD = 17343;
  static final String UNIT = "baton-controller";

  @TempDir
  static Path dir;
  static BootedMachine machine;
  static Path deb;
  static int batonUid;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  static long t0;

  static void requireMachines() {
    String missing = MachineHost.missing();
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("the package's machine test cannot run here: " + missing + "; bin/test installs the packages");
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "the package's machine test cannot run here: " + missing);
    }
  }

  static void phase(String what) {
    System.out.printf("DebPackageIT: %-40s at %5.1f s%n", what, (System.nanoTime() - t0) / 1e9);
  }

  @BeforeAll
  static void installOnABootedMachine() throws Exception {
    requireMachines();
    t0 = System.nanoTime();
    Path target = Path.of(System.getProperty("baton.deb.dir", "target"));
    try (Stream<Path> files = Files.list(target)) {
      List<Path> debs = files.filter(f -> f.getFileName().toString().matches("baton-controller_.*_all\\.deb")).toList();
      assertEquals(1, debs.size(), "one package in " + target + " (mvn package makes it): " + debs);
      deb = debs.get(0);
    }
    Path image = MachineImages.rootfs(MachineImage.DEBIAN_12, System.out::println);
    phase("image ready");
    machine = BootedMachine.boot(image, dir.resolve("machine"), "baton-deb-" + ProcessHandle.current().pid(), root -> {
      Files.copy(deb, root.resolve("root").resolve(deb.getFileName()));
      Files.createDirectories(root.resolve("etc/default"));
      Files.writeString(root.resolve("etc/default/" + UNIT), "# written before the install, like an administrator's\n"
          + "BATON_SERVE_OPTS=\"--bind 127.0.0.1 --bridge-port " + BRIDGE + " --api-port " + API + " --download-port "
          + DOWNLOAD + "\"\n");
    });
    phase("machine booted");
    ok(machine.exec(Duration.ofMinutes(5), "apt-get", "update", "-q"), "apt-get update");
    // the administrator's /etc/default file is kept (dpkg's default answer, given since nobody is asked)
    ok(machine.exec(Duration.ofMinutes(10), "sh", "-c", "cd /root && apt-get install -y -q --no-install-recommends"
        + " -o Dpkg::Options::=--force-confold ./baton-controller_*.deb"), "apt-get install");
    phase("installed");
    batonUid = uidOf("baton");
  }

  @AfterAll
  static void removeTheMachine() throws Exception {
    if (machine != null) {
      machine.close();
      assertFalse(Files.exists(dir.resolve("machine")), "the machine's copy is deleted");
    }
    phase("machine removed (total)");
  }

  static BootedMachine.Result ok(BootedMachine.Result r, String what) {
    assertEquals(0, r.exitCode(), what + ":\n" + r.output());
    return r;
  }

  static String sh(String... cmd) throws Exception {
    return machine.exec(Duration.ofMinutes(2), cmd).out();
  }

  static int uidOf(String user) throws Exception {
    for (String line : Files.readAllLines(machine.rootfs.resolve("etc/passwd"))) {
      String[] f = line.split(":");
      if (f[0].equals(user)) {
        return Integer.parseInt(f[2]);
      }
    }
    throw new AssertionError("no user " + user + " in the machine");
  }

  static int owner(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  static HttpResponse<String> healthz() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + API + "/healthz"))
            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r;
        }
      } catch (java.io.IOException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("/healthz never answered: " + last + "\n" + sh("journalctl", "-u", UNIT, "--no-pager", "-n", "40"));
  }

  /** A digest of the contents of {@code files}. */
  static String digestOf(Path... files) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    for (Path f : files) {
      d.update(Files.readAllBytes(f));
    }
    return HexFormat.of().formatHex(d.digest());
  }

  static String mainPid() throws Exception {
    return sh("systemctl", "show", "-p", "MainPID", "--value", UNIT);
  }

  @Test
  @Order(1)
  void theUnitRunsAsThePackagesUserWithItsStateInVarLibBaton() throws Exception {
    JsonObject health = new JsonObject(healthz().body());
    phase("/healthz answers");
    assertEquals("ok", health.getString("status"), health.encode());
    assertEquals("active", sh("systemctl", "is-active", UNIT));
    assertEquals("enabled", sh("systemctl", "is-enabled", UNIT));
    String pid = mainPid();
    assertEquals("baton baton", sh("ps", "-o", "user=,group=", "-p", pid).replaceAll("\\s+", " "));
    assertTrue(sh("ps", "-o", "args=", "-p", pid).contains("-jar /usr/share/baton/baton-controller.jar serve"), pid);

    Path home = machine.rootfs.resolve("var/lib/baton");
    assertEquals(batonUid, owner(home));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
    for (String f : List.of("controller/ca", "controller/operator-token", "controller/controller.json")) {
      assertTrue(Files.exists(home.resolve(f)), "the controller wrote " + f);
    }
    assertEquals(API, new JsonObject(Files.readString(home.resolve("controller/controller.json"))).getInteger("api_port"),
        "the options of /etc/default/baton-controller reached serve");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        home.resolve("controller/operator-token"))));
  }

  @Test
  @Order(2)
  void theInstalledCliTalksToTheService() throws Exception {
    BootedMachine.Result asRoot = machine.exec(Duration.ofMinutes(1), "baton-controller", "nodes");
    assertEquals(0, asRoot.exitCode(), asRoot.output());
    assertEquals("No nodes.", asRoot.out());
    BootedMachine.Result asBaton = machine.exec(Duration.ofMinutes(1), "runuser", "-u", "baton", "--",
        "baton-controller", "nodes", "--output", "json");
    assertEquals(0, asBaton.exitCode(), asBaton.output());
    assertEquals(0, new JsonObject(asBaton.out()).getJsonArray("nodes").size(), asBaton.out());
    // nothing of root's was left in the service's home by the CLI
    try (Stream<Path> all = Files.walk(machine.rootfs.resolve("var/lib/baton"))) {
      for (Path p : all.toList()) {
        assertEquals(batonUid, owner(p), p + " belongs to baton");
      }
    }
    BootedMachine.Result noController = machine.exec(Duration.ofMinutes(1), "env", "BATON_HOME=/tmp/nowhere",
        "baton-controller", "nodes");
    assertNotEquals(0, noController.exitCode(), "another home has no controller: " + noController.output());
  }

  @Test
  @Order(3)
  void theServiceServesThePackagedAgentJar() throws Exception {
    Path home = machine.rootfs.resolve("var/lib/baton/controller");
    String token = Files.readString(home.resolve("operator-token")).strip();
    JsonObject boot = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + API
        + "/api/v1/bootstrap")).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
        .body());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(
        machine.rootfs.resolve("usr/share/baton/baton-agent.jar"))));
    assertEquals(sha, boot.getString("agent_sha256"), boot.encode());
    // over TLS, trusting only the controller's CA, as a node does
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(boot.getString("ca_pem").getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpResponse<byte[]> jar = HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(URI.create(
        "https://127.0.0.1:" + DOWNLOAD + "/agent/baton-agent.jar")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, jar.statusCode());
    assertEquals(sha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar.body())));
  }

  @Test
  @Order(4)
  void theServiceIsConfinedAndRestartedWhenItDies() throws Exception {
    String pid = mainPid();
    // in the service's own mount namespace: the system read-only, homes hidden, its state writable
    BootedMachine.Result usr = machine.exec(Duration.ofMinutes(1), "nsenter", "-t", pid, "-m", "--", "touch",
        "/usr/share/baton/probe");
    assertNotEquals(0, usr.exitCode(), "ProtectSystem=strict: " + usr.output());
    assertTrue(usr.out().contains("Read-only file system"), usr.output());
    assertTrue(sh("ls", "-A", "/root").contains(deb.getFileName().toString()));
    assertEquals("", sh("nsenter", "-t", pid, "-m", "--", "ls", "-A", "/root"), "ProtectHome=yes: /root is empty to it");
    assertEquals("1", sh("sh", "-c", "grep -c '^NoNewPrivs:[[:space:]]*1' /proc/" + pid + "/status"), "NoNewPrivileges");

    sh("kill", "-9", pid);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String again = "0";
    while (System.nanoTime() < deadline && (again.equals("0") || again.equals(pid))) {
      Thread.sleep(500);
      again = mainPid();
    }
    assertNotEquals(pid, again, "Restart=on-failure started it again");
    assertEquals("1", sh("systemctl", "show", "-p", "NRestarts", "--value", UNIT));
    healthz();
    phase("restarted after kill -9");
  }

  @Test
  @Order(5)
  void anUpgradeRestartsTheServiceAndKeepsItsStateAndOptions() throws Exception {
    // the same package as a newer version (what the next build is): unpacked and packed again by dpkg-deb
    ok(machine.exec(Duration.ofMinutes(3), "sh", "-c", "set -e; cd /root; rm -rf next; mkdir next; dpkg-deb -R baton-controller_*.deb"
        + " next/tree; sed -i 's/^Version: .*/&+next/' next/tree/DEBIAN/control; dpkg-deb -Znone -b next/tree"
        + " next/baton-controller_next_all.deb >/dev/null; rm -rf next/tree"), "repacking as a newer version");
    Path ca = machine.rootfs.resolve("var/lib/baton/controller/ca");
    String caBefore = digestOf(ca.resolve("ca.crt.pem"), ca.resolve("ca.key.pem"));
    String token = Files.readString(machine.rootfs.resolve("var/lib/baton/controller/operator-token"));
    String pid = mainPid();
    ok(machine.exec(Duration.ofMinutes(5), "sh", "-c", "cd /root/next && apt-get install -y -q ./baton-controller_next_all.deb"),
        "apt-get install (upgrade)");
    phase("upgraded");
    assertTrue(sh("dpkg-query", "-W", "-f", "${Version}", UNIT).endsWith("+next"));
    healthz();
    assertNotEquals(pid, mainPid(), "the upgrade restarted the service on the new jar");
    assertEquals("active", sh("systemctl", "is-active", UNIT));
    assertEquals(token, Files.readString(machine.rootfs.resolve("var/lib/baton/controller/operator-token")), "state kept");
    assertEquals(caBefore, digestOf(ca.resolve("ca.crt.pem"), ca.resolve("ca.key.pem")), "the CA (certificate and key) kept");
    assertTrue(Files.readString(machine.rootfs.resolve("etc/default/" + UNIT)).contains("--api-port " + API),
        "the administrator's options kept");
  }

  @Test
  @Order(6)
  void removeStopsTheUnitAndKeepsTheStatePurgeDeletesIt() throws Exception {
    ok(machine.exec(Duration.ofMinutes(3), "apt-get", "remove", "-y", "-q", UNIT), "apt-get remove");
    phase("removed");
    assertNotEquals("active", sh("systemctl", "is-active", UNIT));
    assertNotEquals(0, machine.exec(Duration.ofMinutes(1), "pgrep", "-u", "baton").exitCode(), "no process of baton");
    assertFalse(Files.exists(machine.rootfs.resolve("usr/lib/systemd/system/baton-controller.service")));
    assertFalse(Files.exists(machine.rootfs.resolve("usr/bin/baton-controller")));
    assertNotEquals("enabled", sh("systemctl", "is-enabled", UNIT));
    assertTrue(Files.exists(machine.rootfs.resolve("var/lib/baton/controller/ca")), "remove keeps the controller's state");
    assertTrue(Files.exists(machine.rootfs.resolve("etc/default/baton-controller")), "remove keeps the conffile");

    ok(machine.exec(Duration.ofMinutes(3), "apt-get", "purge", "-y", "-q", UNIT), "apt-get purge");
    phase("purged");
    assertFalse(Files.exists(machine.rootfs.resolve("var/lib/baton")), "purge deletes the state");
    assertFalse(Files.exists(machine.rootfs.resolve("etc/default/baton-controller")), "purge deletes the conffile");
    assertFalse(Files.exists(machine.rootfs.resolve("etc/systemd/system/baton-controller.service"),
        java.nio.file.LinkOption.NOFOLLOW_LINKS), "purge lifts the mask");
    assertNotEquals(0, machine.exec(Duration.ofMinutes(1), "systemctl", "cat", UNIT).exitCode(), "the unit is gone");
    assertEquals(batonUid, uidOf("baton"), "the system user stays (its ID may own files elsewhere)");
  }
}
