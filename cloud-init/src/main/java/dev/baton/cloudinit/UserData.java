package dev.baton.cloudinit;

import dev.baton.common.error.BatonException;
import dev.baton.common.msg.AgentConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders the user data that starts the Baton agent on an instance: MIME multipart with a
 * {@code #cloud-config} part (the agent's configuration, the controller CA certificate and a
 * systemd unit that restarts the agent on failure) and a shell part ({@link BootScript}: a Java
 * runtime the release has, the Puppet agent for a Puppet hand-off, the agent jar downloaded from
 * the controller over HTTPS with the pinned CA and its SHA-256 checked, the unit started; a
 * failing step stops it and says which). Gzipped when over EC2's 16 KB limit; an error
 * when even that does not fit. It carries no long-lived secret: the join token is single-use
 * and expires.
 */
public final class UserData {
  /** EC2's limit on user data, before base64. */
  public static final int MAX_BYTES = 16 * 1024;
  public static final String AGENT_CONFIG_PATH = "/etc/baton/agent.json";
  /**
   * The agent's JVM options, on a node (the systemd unit) as in the local cloud: a heap that starts
   * at 4 MB and gives back what it no longer uses, one compiler tier and one compiler thread, the
   * serial collector, Netty without its pooled buffers, and the C heap trimmed every 5 s (JDK
   * 17.0.9 and later; ignored by older builds). Together they take an idle agent from 80 to 74 MB
   * (docs/benchmarks.md: the JVM's own floor for a process holding one TLS connection is ~45 MB).
   */
  public static final List<String> AGENT_JVM_OPTIONS = List.of("-Xms4m", "-Xmx32m", "-Xmn2m",
      "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-Xss512k", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m",
      "-XX:MaxMetaspaceSize=64m", "-XX:MaxDirectMemorySize=16m", "-Dio.netty.allocator.type=unpooled",
      "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");
  static final String BOUNDARY = "==BATON-USER-DATA==";
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

  private UserData() {}

  /** The operating-system families the user data installs on ({@link Releases}). */
  public enum Family {
    DEBIAN("apt"), UBUNTU("apt"), AMAZON_LINUX("dnf");

    private final String packageManager;

    Family(String packageManager) {
      this.packageManager = packageManager;
    }

    /** {@code apt} or {@code dnf}. */
    public String packageManager() {
      return packageManager;
    }

    /** The family a definition names ({@code debian}, {@code ubuntu}, {@code amazon_linux}). */
    public static Family of(String yaml) {
      return valueOf(yaml.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * @param agentJarUrl HTTPS URL of the agent jar on the controller
   * @param agentSha256 the jar's SHA-256, checked before it runs
   * @param puppet whether the node's hand-off is Puppet (its agent is installed too)
   * @param packages more packages the definition asks for, installed in the same step
   */
  public record Input(AgentConfig agent, Family family, String agentJarUrl, String agentSha256, boolean puppet,
      List<String> packages) {
    public Input {
      packages = List.copyOf(packages);
      for (String p : packages) {
        if (!PACKAGE.matcher(p).matches()) {
          throw BatonException.invalid("cloud-init: \"" + p + "\" is not a package name");
        }
      }
    }

    public Input(AgentConfig agent, Family family, String agentJarUrl, String agentSha256, boolean puppet) {
      this(agent, family, agentJarUrl, agentSha256, puppet, List.of());
    }

    public Input(AgentConfig agent, Family family, String agentJarUrl, String agentSha256) {
      this(agent, family, agentJarUrl, agentSha256, false, List.of());
    }
  }

  private static final Pattern PACKAGE = Pattern.compile("^[a-z0-9][a-z0-9+.-]{1,100}$");

  /** The user data: {@code bytes} as sent to the cloud (gzipped or not), and its parts as text. */
  public record Rendered(byte[] bytes, boolean gzipped, String cloudConfig, String script, String mime) {
    /** The rendered user data as the controller's API answers it (and the local cloud keeps it). */
    public io.vertx.core.json.JsonObject toJson() {
      return new io.vertx.core.json.JsonObject().put("user_data", java.util.Base64.getEncoder().encodeToString(bytes))
          .put("gzipped", gzipped).put("cloud_config", cloudConfig).put("script", script).put("mime", mime);
    }

    public static Rendered fromJson(io.vertx.core.json.JsonObject o) {
      return new Rendered(java.util.Base64.getDecoder().decode(o.getString("user_data")), o.getBoolean("gzipped"),
          o.getString("cloud_config"), o.getString("script"), o.getString("mime"));
    }
  }

  public static Rendered render(Input in) {
    if (!in.agentJarUrl().startsWith("https://")) {
      throw BatonException.invalid("cloud-init: the agent is downloaded over HTTPS only, not " + in.agentJarUrl());
    }
    if (!SHA256.matcher(in.agentSha256()).matches()) {
      throw BatonException.invalid("cloud-init: the agent's SHA-256 must be 64 hex digits");
    }
    String cloudConfig = cloudConfig(in);
    String script = script(in);
    String mime = "Content-Type: multipart/mixed; boundary=\"" + BOUNDARY + "\"\n"
        + "MIME-Version: 1.0\n\n"
        + part("text/cloud-config", "baton.cfg", cloudConfig)
        + part("text/x-shellscript", "baton-agent.sh", script)
        + "--" + BOUNDARY + "--\n";
    byte[] plain = mime.getBytes(StandardCharsets.UTF_8);
    if (plain.length <= MAX_BYTES) {
      return new Rendered(plain, false, cloudConfig, script, mime);
    }
    byte[] gz = gzip(plain);
    if (gz.length > MAX_BYTES) {
      throw BatonException.invalid("cloud-init: the user data is " + gz.length + " bytes even gzipped, over EC2's limit of "
          + MAX_BYTES + "; shorten the agent configuration");
    }
    return new Rendered(gz, true, cloudConfig, script, mime);
  }

  private static String part(String type, String filename, String body) {
    return "--" + BOUNDARY + "\n"
        + "Content-Type: " + type + "; charset=\"utf-8\"\n"
        + "MIME-Version: 1.0\n"
        + "Content-Transfer-Encoding: 7bit\n"
        + "Content-Disposition: attachment; filename=\"" + filename + "\"\n\n"
        + body + (body.endsWith("\n") ? "" : "\n");
  }

  static String cloudConfig(Input in) {
    StringBuilder y = new StringBuilder("#cloud-config\n");
    y.append("# Written by Baton: the agent's configuration, the controller's CA and the agent's unit; the script\n");
    y.append("# part installs what the release needs and starts the agent, which registers with the controller.\n");
    y.append("write_files:\n");
    file(y, AGENT_CONFIG_PATH, "0600", in.agent().toJson().encodePrettily());
    file(y, "/etc/baton/ca.pem", "0644", in.agent().caPem());
    file(y, "/etc/systemd/system/baton-agent.service", "0644", """
        [Unit]
        Description=Baton agent: registers this node and hands it off to configuration management
        After=network-online.target
        Wants=network-online.target

        [Service]
        ExecStart=/usr/bin/java %s -jar /opt/baton/baton-agent.jar --config /etc/baton/agent.json --state /var/lib/baton
        Restart=on-failure
        RestartSec=5
        # a configuration the agent cannot use does not get better by restarting it
        RestartPreventExitStatus=78
        User=root

        [Install]
        WantedBy=multi-user.target
        """.formatted(String.join(" ", AGENT_JVM_OPTIONS)));
    return y.toString();
  }

  private static void file(StringBuilder y, String path, String mode, String content) {
    y.append("  - path: ").append(path).append('\n');
    y.append("    owner: root:root\n");
    y.append("    permissions: '").append(mode).append("'\n");
    y.append("    content: |\n");
    String body = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
    for (String line : body.split("\n", -1)) {
      y.append(line.isEmpty() ? "" : "      " + line).append('\n');
    }
  }

  static String script(Input in) {
    return BootScript.render(in);
  }

  private static byte[] gzip(byte[] data) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream(); GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
      gz.finish();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The agent configuration a rendered cloud-config writes (what the local provider launches with). */
  @SuppressWarnings("unchecked")
  public static String agentConfigOf(String cloudConfig) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(cloudConfig);
    for (Object f : (List<Object>) ((Map<String, Object>) doc).get("write_files")) {
      Map<String, Object> file = (Map<String, Object>) f;
      if (AGENT_CONFIG_PATH.equals(file.get("path"))) {
        return (String) file.get("content");
      }
    }
    throw new IllegalStateException("no " + AGENT_CONFIG_PATH + " in the cloud-config");
  }
}
