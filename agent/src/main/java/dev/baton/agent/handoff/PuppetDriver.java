package dev.baton.agent.handoff;

import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import dev.baton.common.store.AtomicFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The node's side of the Puppet hand-off: points the node's Puppet agent at the master the
 * controller chose, files its certificate request, and runs it. The controller names the
 * operation and its values (master, certname, environment); the commands themselves are fixed
 * here, so nothing the controller sends is run as a shell command.
 *
 * <p>On a real node Puppet's own configuration directory is used (its {@code puppet.conf} is
 * edited in place, only the keys Baton sets). With a private {@code confdir} (the local provider:
 * every instance is a process on one machine) every Puppet directory lives under it.
 */
public final class PuppetDriver {
  /** Values the controller sends are checked against these before they reach a file or a command line. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})");
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._:/+=-]{1,255}");
  private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f.:]{2,45}");
  private static final String HOSTS_MARK = "# baton: puppet master";

  /**
   * @param bin the {@code puppet} command
   * @param confdir a private configuration directory, or null for Puppet's own
   * @param hostsFile where a master without a DNS name is written ({@code /etc/hosts}), or null
   */
  public record Settings(String bin, Path confdir, Path hostsFile) {
    public static Settings defaults() {
      String bin = Files.isExecutable(Path.of("/opt/puppetlabs/bin/puppet")) ? "/opt/puppetlabs/bin/puppet" : "puppet";
      return new Settings(bin, null, Path.of("/etc/hosts"));
    }
  }

  /** Puppet's registered OIDs of the extensions the controller asks for. */
  private static final Map<String, String> OIDS = Map.of("pp_uuid", "1.3.6.1.4.1.34380.1.1.1",
      "pp_instance_id", "1.3.6.1.4.1.34380.1.1.2", "pp_role", "1.3.6.1.4.1.34380.1.1.13");

  private final Settings settings;
  private final CommandRunner runner;
  private final Path request;

  /** @param stateDir the agent's state directory (where this hand-off's request attributes are kept for the embedded CA) */
  public PuppetDriver(Settings settings, CommandRunner runner, Path stateDir) {
    this.settings = settings;
    this.runner = runner;
    this.request = stateDir.resolve("puppet-request.json");
  }

  /**
   * Points Puppet at a master: {@code server}, {@code serverport} and {@code certname} in
   * {@code puppet.conf}, the request attributes (instance ID, UUID, role, the hand-off's nonce) in
   * {@code csr_attributes.yaml}, the master's CA and CRL pinned in the ssldir (so the first
   * connection trusts nothing it was not given), and an {@code /etc/hosts} line when the master
   * has no DNS name. Any key, request or certificate from before is removed: the node's Puppet
   * identity is made anew with this hand-off's nonce. Blocking.
   */
  public CommandResult configure(NodeCommand.PuppetConfigure m) throws IOException {
    String server = checked(m.server(), NAME, "server");
    int port = m.port();
    String certname = checked(m.certname(), NAME, "certname");
    Map<String, String> conf = new LinkedHashMap<>();
    Path confdir = settings.confdir();
    if (confdir != null) {
      Files.createDirectories(confdir);
      for (String d : List.of("vardir", "ssldir", "rundir", "logdir", "codedir", "publicdir")) {
        conf.put(d, confdir.resolve(d.replace("dir", "")).toString());
      }
    }
    conf.put("server", server);
    conf.put("serverport", Integer.toString(port));
    conf.put("certname", certname);
    Path confFile = confdir().resolve("puppet.conf");
    String before = Files.exists(confFile) ? Files.readString(confFile) : "";
    AtomicFiles.write(confFile, setMain(before, conf), false);

    StringBuilder attrs = new StringBuilder("---\n# written by the Baton agent for this hand-off\ncustom_attributes:\n");
    attrs.append("  1.2.840.113549.1.9.7: ").append(quote(checked(m.challenge(), VALUE, "challenge")))
        .append("\nextension_requests:\n");
    JsonObject ext = new JsonObject();
    for (Map.Entry<String, String> e : m.extensions().entrySet()) {
      attrs.append("  ").append(checked(e.getKey(), NAME, "extension")).append(": ")
          .append(quote(checked(e.getValue(), VALUE, e.getKey()))).append('\n');
      ext.put(e.getKey(), e.getValue());
    }
    AtomicFiles.write(confdir().resolve("csr_attributes.yaml"), attrs.toString(), true);

    Path ssldir = Path.of(print("ssldir"));
    for (String d : List.of("certs", "private_keys", "public_keys", "certificate_requests")) {
      Path sub = ssldir.resolve(d);
      if (Files.isDirectory(sub)) {
        try (Stream<Path> files = Files.list(sub)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
    Files.createDirectories(ssldir.resolve("certs"));
    AtomicFiles.write(ssldir.resolve("certs/ca.pem"), m.caPem(), false);
    if (m.crlPem() != null) {
      AtomicFiles.write(ssldir.resolve("crl.pem"), m.crlPem(), false);
    }
    AtomicFiles.write(request, new JsonObject().put("certname", certname).put("ssldir", ssldir.toString())
        .put("challenge", m.challenge()).put("extensions", ext).encode(), true);
    String address = m.address();
    if (address != null && settings.hostsFile() != null) {
      checked(address, ADDRESS, "address");
      List<String> lines = Files.exists(settings.hostsFile())
          ? new ArrayList<>(Files.readAllLines(settings.hostsFile())) : new ArrayList<>();
      lines.removeIf(l -> l.endsWith(HOSTS_MARK));
      lines.add(address + "\t" + server + "\t" + HOSTS_MARK);
      AtomicFiles.write(settings.hostsFile(), String.join("\n", lines) + "\n", false);
    }
    return CommandResult.of(0, "", 0);
  }

  /**
   * For a master whose CA is the controller's (embedded): makes the node's Puppet key where Puppet
   * keeps it and answers with a request carrying this hand-off's attributes, for the controller
   * to check and sign. Blocking.
   */
  public CommandResult csr() throws IOException {
    JsonObject r = new JsonObject(Files.readString(request));
    String certname = r.getString("certname");
    Path ssldir = Path.of(r.getString("ssldir"));
    java.util.Map<String, String> ext = new LinkedHashMap<>();
    JsonObject asked = r.getJsonObject("extensions", new JsonObject());
    for (String k : asked.fieldNames()) {
      String oid = OIDS.get(k);
      if (oid == null) {
        throw new IllegalArgumentException("puppet: refused extension " + k);
      }
      ext.put(oid, asked.getString(k));
    }
    java.security.KeyPair kp = dev.baton.common.crypto.Keys.rsa(2048);
    for (String d : List.of("private_keys", "public_keys", "certificate_requests")) {
      Files.createDirectories(ssldir.resolve(d));
    }
    AtomicFiles.write(ssldir.resolve("private_keys/" + certname + ".pem"),
        dev.baton.common.crypto.Pem.encode(kp.getPrivate()), true);
    String csr = dev.baton.common.crypto.Csrs.create(kp, certname, ext, r.getString("challenge"));
    AtomicFiles.write(ssldir.resolve("certificate_requests/" + certname + ".pem"), csr, false);
    return CommandResult.of(0, "", 0).withCsr(csr);
  }

  /** Installs the certificate the controller signed, if it is for this node's key. Blocking. */
  public CommandResult install(String certPem) throws IOException {
    JsonObject r = new JsonObject(Files.readString(request));
    String certname = r.getString("certname");
    Path ssldir = Path.of(r.getString("ssldir"));
    var cert = dev.baton.common.crypto.Pem.certificate(certPem);
    var key = dev.baton.common.crypto.Pem.privateKey(Files.readString(ssldir.resolve("private_keys/" + certname + ".pem")));
    var pub = ((java.security.interfaces.RSAPrivateCrtKey) key).getModulus();
    if (!(cert.getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa) || !rsa.getModulus().equals(pub)) {
      return CommandResult.of(1, "puppet: the certificate is not for this node's key", 0);
    }
    Files.createDirectories(ssldir.resolve("certs"));
    AtomicFiles.write(ssldir.resolve("certs/" + certname + ".pem"), certPem, false);
    Files.deleteIfExists(ssldir.resolve("certificate_requests/" + certname + ".pem"));
    return CommandResult.of(0, "", 0);
  }

  /** {@code puppet ssl submit_request}: the node makes its key and files its request with the master. Blocking. */
  public CommandResult submit(int timeoutSeconds) {
    return runner.run(command("ssl", "submit_request", "--color", "false"), timeoutSeconds);
  }

  /**
   * {@code puppet agent --test --detailed-exitcodes --environment ENV}; the reply carries the
   * run's {@code last_run_summary.yaml}. Blocking.
   */
  public synchronized CommandResult run(String environment, int timeoutSeconds) throws IOException {
    // one run at a time: a controller that asks again (it restarted mid-run) waits for the run under way
    // instead of meeting Puppet's "already in progress" lock
    checked(environment, NAME, "environment");
    long started = System.currentTimeMillis() - 1000;
    CommandResult res = runner.run(command("agent", "--test", "--detailed-exitcodes", "--color", "false", "--environment", environment),
        timeoutSeconds);
    Path summary = Path.of(print("lastrunfile"));
    // a run that ends before it writes its summary leaves the previous run's: not this run's
    if (Files.isRegularFile(summary) && Files.getLastModifiedTime(summary).toMillis() >= started) {
      String s = Files.readString(summary);
      res = res.withSummary(s.length() > 16_384 ? s.substring(0, 16_384) : s);
    }
    return res;
  }

  private Path confdir() throws IOException {
    return settings.confdir() != null ? settings.confdir() : Path.of(print("confdir"));
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(settings.bin());
    cmd.addAll(List.of(args));
    if (settings.confdir() != null) {
      cmd.addAll(List.of("--confdir", settings.confdir().toString()));
    }
    return cmd;
  }

  /** {@code puppet config print SETTING}: where this node's Puppet keeps a thing. */
  private String print(String setting) throws IOException {
    List<String> cmd = command("config", "print", setting);
    CommandResult r = runner.run(cmd, 120);
    String out = r.output().strip();
    if (r.exitCode() != 0 || out.isEmpty()) {
      throw new IOException("`" + String.join(" ", cmd) + "` failed (exit " + r.exitCode() + "): "
          + (out.isEmpty() ? "no output; is puppet installed?" : out.lines().reduce((a, b) -> b).orElse("")));
    }
    return out.lines().reduce((a, b) -> b).orElseThrow().strip();
  }

  /** Sets keys in the {@code [main]} section of an INI text, keeping every other line. */
  static String setMain(String ini, Map<String, String> values) {
    List<String> lines = new ArrayList<>(ini.isEmpty() ? List.of() : List.of(ini.split("\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int main = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("[main]")) {
        main = i;
        break;
      }
    }
    if (main < 0) {
      lines.add(0, "[main]");
      main = 0;
    }
    int end = main + 1;
    while (end < lines.size() && !lines.get(end).strip().startsWith("[")) {
      end++;
    }
    Map<String, String> left = new LinkedHashMap<>(values);
    for (int i = main + 1; i < end; i++) {
      String l = lines.get(i).strip();
      int eq = l.indexOf('=');
      if (eq > 0 && !l.startsWith("#")) {
        String key = l.substring(0, eq).strip();
        if (left.containsKey(key)) {
          lines.set(i, key + " = " + left.remove(key));
        }
      }
    }
    int at = end;
    for (Map.Entry<String, String> e : left.entrySet()) {
      lines.add(at++, e.getKey() + " = " + e.getValue());
    }
    return String.join("\n", lines) + "\n";
  }

  private static String checked(String v, Pattern p, String what) {
    if (v == null || !p.matcher(v).matches()) {
      throw new IllegalArgumentException("puppet: refused " + what + " value " + (v == null ? "(none)" : "\"" + v + "\""));
    }
    return v;
  }

  private static String quote(String v) {
    return "\"" + v + "\""; // only characters of VALUE: nothing to escape
  }

  /** The failure reply of an operation that could not run. */
  public static CommandResult failed(Throwable t) {
    return CommandResult.of(1, t.getMessage() == null ? t.toString() : t.getMessage(), 0);
  }
}
