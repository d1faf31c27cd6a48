package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import dev.baton.controller.bridge.ControllerFixture;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian puppetserver (7.x) in a private directory: its own confdir, CA, port on
 * loopback; nothing of /etc/puppet or /var/lib/puppet is used or changed. The webserver is given
 * the CA's two-CRL file (root and intermediate): the server's own hostcrl holds only the
 * intermediate's, and with it every client certificate fails revocation checking.
 */
public final class PuppetServerFixture implements AutoCloseable {
  static final Path JAR = Path.of("/usr/share/puppetserver/puppetserver.jar");
  static final Path PUPPET = Path.of("/usr/bin/puppet");

  final Path dir;
  final int port;
  final Path cadir;
  final Path ssldir;
  private final Process server;

  /** Skips the test when Puppet is not installed; under CI=true fails it instead (the test command installs Puppet). */
  public static void requireInstalled() {
    if (!installed()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("puppetserver and puppet-agent are not installed; bin/test installs them"
            + " (apt-get install puppetserver puppet-agent)");
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false,
          "puppetserver and puppet-agent are not installed (bin/test installs them)");
    }
  }

  static boolean installed() {
    return Files.exists(JAR) && Files.exists(PUPPET) && Files.exists(Path.of("/usr/bin/puppetserver"));
  }

  PuppetServerFixture(Path dir) throws Exception {
    this(dir, Map.of());
  }

  public PuppetServerFixture(Path dir, Map<String, String> manifests) throws Exception {
    this(dir, manifests, null, null);
  }

  /** The embedded-CA mode: the CA service disabled, the master's certificate from {@code controller puppet-ca master}. */
  final boolean external;
  private PuppetCa statusClient;

  /**
   * @param manifests each environment's site.pp ({@code @AGENTS@} stands for {@link #agents()})
   * @param externalCa null for Puppet's own CA; else the directory {@code controller puppet-ca master localhost}
   *     wrote, and the master then trusts that CA only
   * @param client a client for the readiness check in the external mode
   */
  PuppetServerFixture(Path dir, Map<String, String> manifests, Path externalCa,
      java.util.function.Function<URI, PuppetCa> client) throws Exception {
    this.dir = dir;
    this.external = externalCa != null;
    this.port = ControllerFixture.freePort();
    this.statusClient = client == null ? null : client.apply(base());
    this.cadir = dir.resolve("puppet/puppetserver/ca");
    this.ssldir = dir.resolve("ssl");
    for (String d : List.of("puppet", "code/environments/production/manifests", "var", "run", "log", "ssl", "conf.d", "services.d")) {
      Files.createDirectories(dir.resolve(d));
    }
    for (String d : List.of("conf.d", "services.d")) {
      try (var files = Files.list(Path.of("/etc/puppet/puppetserver", d))) {
        for (Path f : files.toList()) {
          Files.copy(f, dir.resolve(d).resolve(f.getFileName()));
        }
      }
    }
    Path psConf = dir.resolve("conf.d/puppetserver.conf");
    String ps = Files.readString(psConf);
    for (String[] kv : new String[][] {{"server-conf-dir", "puppet"}, {"server-code-dir", "code"},
        {"server-var-dir", "var"}, {"server-run-dir", "run"}, {"server-log-dir", "log"}}) {
      ps = ps.replaceAll("(?m)^(\\s*)" + kv[0] + ":.*$", "$1" + kv[0] + ": " + dir.resolve(kv[1]));
    }
    Files.writeString(psConf, ps);
    Files.writeString(dir.resolve("puppet/puppet.conf"), String.join("\n",
        "[main]", "confdir = " + dir.resolve("puppet"), "codedir = " + dir.resolve("code"),
        "vardir = " + dir.resolve("var"), "ssldir = " + ssldir, "rundir = " + dir.resolve("run"),
        "logdir = " + dir.resolve("log"), "cadir = " + cadir, "ca_server = localhost", "ca_port = " + port,
        "[server]", "certname = localhost", "dns_alt_names = localhost,IP:127.0.0.1", ""));
    Path caCert = external ? ssldir.resolve("certs/ca.pem") : cadir.resolve("ca_crt.pem");
    Path crl = external ? ssldir.resolve("crl.pem") : cadir.resolve("ca_crl.pem");
    Files.writeString(dir.resolve("conf.d/webserver.conf"), String.join("\n",
        "webserver: {", "  client-auth: want", "  ssl-host: 127.0.0.1", "  ssl-port: " + port,
        "  ssl-protocols: [TLSv1.2]", // the Ruby agent stalls ~30 s reusing a TLS 1.3 connection
        "  ssl-cert: " + ssldir.resolve("certs/localhost.pem"),
        "  ssl-key: " + ssldir.resolve("private_keys/localhost.pem"),
        "  ssl-ca-cert: " + caCert, "  ssl-crl-path: " + crl, "}", ""));
    Files.createDirectories(dir.resolve("agents"));
    Map<String, String> sites = new java.util.LinkedHashMap<>(manifests);
    sites.putIfAbsent("production", "node default { file { \"" + dir.resolve("agents") + "/${trusted['certname']}.managed\": "
        + "content => \"instance ${trusted['extensions']['pp_instance_id']}\\n\" } }\n");
    for (Map.Entry<String, String> e : sites.entrySet()) {
      Path envDir = dir.resolve("code/environments/" + e.getKey() + "/manifests");
      Files.createDirectories(envDir);
      Files.writeString(envDir.resolve("site.pp"), e.getValue().replace("@AGENTS@", dir.resolve("agents").toString()));
    }
    String conf = dir.resolve("puppet/puppet.conf").toString();
    if (external) {
      Files.createDirectories(ssldir.resolve("certs"));
      Files.createDirectories(ssldir.resolve("private_keys"));
      Files.copy(externalCa.resolve("localhost.pem"), ssldir.resolve("certs/localhost.pem"));
      Files.copy(externalCa.resolve("localhost.key.pem"), ssldir.resolve("private_keys/localhost.pem"));
      Files.copy(externalCa.resolve("ca.pem"), caCert);
      Files.copy(externalCa.resolve("crl.pem"), crl);
      Path ca = dir.resolve("services.d/ca.cfg");
      Files.writeString(ca, Files.readString(ca)
          .replace("\npuppetlabs.services.ca.certificate-authority-service/", "\n#puppetlabs.services.ca.certificate-authority-service/")
          .replace("#puppetlabs.services.ca.certificate-authority-disabled-service", "puppetlabs.services.ca.certificate-authority-disabled-service"));
    } else {
      run(List.of("puppetserver", "ca", "setup", "--config", conf), 180);
      run(List.of("puppetserver", "ca", "generate", "--ca-client", "--certname", "baton-controller",
          "--config", conf, "--force"), 180);
    }
    server = new ProcessBuilder("setsid", "java", "-Xms256m", "-Xmx512m",
        "-Djruby.logger.class=com.puppetlabs.jruby_utils.jruby.Slf4jLogger", "-Djruby.lib=/usr/share/jruby/lib",
        "-jar", JAR.toString(), "--config", dir.resolve("conf.d").toString(),
        "--bootstrap-config", dir.resolve("services.d").toString(), "--restart-file", dir.resolve("run/restart").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
    awaitReady(Duration.ofSeconds(180));
  }

  /** Where the manifests write the files they manage. */
  public Path agents() {
    return dir.resolve("agents");
  }

  /** The serial of {@code certname}'s signed certificate in the CA's inventory, if any. */
  public java.math.BigInteger serial(String certname) throws Exception {
    Path f = cadir.resolve("signed/" + certname + ".pem");
    if (!Files.exists(f)) {
      return null;
    }
    return dev.baton.common.crypto.Pem.certificate(Files.readString(f)).getSerialNumber();
  }

  /** Whether the CA's CRLs (root and intermediate) revoke {@code serial}. */
  boolean revoked(java.math.BigInteger serial) throws Exception {
    try (var in = Files.newInputStream(cadir.resolve("ca_crl.pem"))) {
      for (var crl : java.security.cert.CertificateFactory.getInstance("X.509").generateCRLs(in)) {
        if (((java.security.cert.X509CRL) crl).getRevokedCertificate(serial) != null) {
          return true;
        }
      }
    }
    return false;
  }

  /** The entry of the controller's puppet-masters.yaml for this master in the embedded-CA mode. */
  String embeddedEntry(String name, String zone) {
    return "  - name: " + name + "\n    url: " + base() + "\n    region: local-1\n    zone: " + zone
        + "\n    ca: embedded\n    crl_file: " + ssldir.resolve("crl.pem") + "\n";
  }

  /** The entry of the controller's puppet-masters.yaml for this master. */
  public String mastersEntry(String name, String zone) {
    return "  - name: " + name + "\n    url: " + base() + "\n    region: local-1\n    zone: " + zone
        + "\n    ca_cert: " + cadir.resolve("ca_crt.pem") + "\n    client_cert: " + ssldir.resolve("certs/baton-controller.pem")
        + "\n    client_key: " + ssldir.resolve("private_keys/baton-controller.pem") + "\n";
  }

  URI base() {
    return URI.create("https://localhost:" + port);
  }

  PuppetCa ca() throws IOException {
    return new PuppetCa(base(), Files.readString(cadir.resolve("ca_crt.pem")),
        Files.readString(ssldir.resolve("certs/baton-controller.pem")),
        Files.readString(ssldir.resolve("private_keys/baton-controller.pem")));
  }

  /** A real puppet agent's own directories, set up as Baton's agent would point it at this master. */
  Path agent(String certname, String instanceId) throws IOException {
    Path a = dir.resolve("agent-" + certname);
    Files.createDirectories(a.resolve("ssl/certs"));
    Files.writeString(a.resolve("puppet.conf"), String.join("\n", "[main]", "confdir = " + a,
        "vardir = " + a.resolve("var"), "ssldir = " + a.resolve("ssl"), "rundir = " + a.resolve("run"),
        "logdir = " + a.resolve("log"), "server = localhost", "serverport = " + port, "certname = " + certname, ""));
    Files.writeString(a.resolve("csr_attributes.yaml"), "custom_attributes:\n  1.2.840.113549.1.9.7: \"not-a-secret\"\n"
        + "extension_requests:\n  pp_instance_id: \"" + instanceId + "\"\n");
    Files.copy(cadir.resolve("ca_crt.pem"), a.resolve("ssl/certs/ca.pem"));
    Files.copy(cadir.resolve("ca_crl.pem"), a.resolve("ssl/crl.pem"));
    return a;
  }

  /** Runs {@code puppet ARGS --confdir AGENT}; returns the exit code. */
  int puppet(Path agent, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("puppet"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--confdir", agent.toString()));
    return run(cmd, 180);
  }

  /** The last lines the commands run so far printed. */
  public String log() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("commands.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no commands.log: " + e.getMessage() + ")";
    }
  }

  private int run(List<String> cmd, int seconds) throws Exception {
    Path log = dir.resolve("commands.log");
    Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd + " took over " + seconds + " s; see " + log);
    }
    return p.exitValue();
  }

  /** Ready once the CA answers an administrator's call over mutual TLS (which checks the chain and CRLs too). */
  private void awaitReady(Duration limit) throws Exception {
    PuppetCa ca = external ? statusClient : ca();
    long end = System.nanoTime() + limit.toNanos();
    BatonException last = null;
    while (System.nanoTime() < end) {
      if (!server.isAlive()) {
        throw new IllegalStateException("puppetserver exited (" + server.exitValue() + "); see " + dir.resolve("server.log"));
      }
      try {
        if (external) {
          ca.status();
        } else {
          ca.requested();
        }
        return;
      } catch (BatonException e) { // not listening yet, or starting (503)
        last = e;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("puppetserver not ready after " + limit.toSeconds() + " s (" + last.getMessage()
        + "); see " + dir.resolve("server.log"));
  }

  @Override
  public void close() {
    server.descendants().forEach(ProcessHandle::destroy);
    server.destroy();
    try {
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
