package dev.baton.common.msg;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the controller asks an attested node's agent to do, after registration: one record per
 * operation, with one JSON form that both sides use. The agent answers each with a
 * {@link CommandResult}. {@code step} names the hand-off step or the action it serves (for the
 * node's log only; the wire key is {@code phase}, as agents already in the field read it).
 *
 * <p>Only {@link Run} carries a command line, and only one the platform's definitions hold; the
 * Puppet operations carry values that the agent checks and puts into fixed commands.
 */
public sealed interface NodeCommand {
  /** The wire name of the operation. */
  String type();

  /** The hand-off step or action this is for. */
  String step();

  /** How long the agent may take, in seconds (the controller waits 30 s longer). */
  int timeoutSeconds();

  JsonObject toJson();

  /**
   * The command a message carries; {@code IllegalArgumentException} for a type the agent does not
   * know (an older agent than the controller: the controller says so, the node is not harmed).
   */
  static NodeCommand fromJson(JsonObject o) {
    String type = o.getString("type", "");
    String step = o.getString("phase", "?");
    int timeout = o.getInteger("timeout_seconds", 600);
    return switch (type) {
      case Run.TYPE -> new Run(step, o.getString("command", ""), timeout);
      case PuppetConfigure.TYPE -> PuppetConfigure.fromJson(o);
      case PuppetCsr.TYPE -> new PuppetCsr(step);
      case PuppetInstall.TYPE -> new PuppetInstall(step, o.getString("cert_pem"));
      case PuppetSubmit.TYPE -> new PuppetSubmit(step, timeout);
      case PuppetRun.TYPE -> new PuppetRun(step, o.getString("environment"), timeout);
      case Facts.TYPE -> new Facts(step, timeout);
      case Deploy.TYPE -> Deploy.fromJson(o);
      case DeployRollback.TYPE -> DeployRollback.fromJson(o);
      default -> throw new IllegalArgumentException("a message of unknown type " + type);
    };
  }

  private static JsonObject base(NodeCommand c) {
    return new JsonObject().put("type", c.type()).put("phase", c.step()).put("timeout_seconds", c.timeoutSeconds());
  }

  /** Runs a command the platform defines (a shell hand-off step, or an action). */
  record Run(String step, String command, int timeoutSeconds) implements NodeCommand {
    public static final String TYPE = "run";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return base(this).put("command", command);
    }
  }

  /**
   * Points the node's Puppet agent at a master: its host and port, the node's certname, the
   * master's CA and CRL to pin, the address for {@code /etc/hosts} when the master has no DNS
   * name, and the attributes of the request to come (the hand-off's nonce as the challenge).
   */
  record PuppetConfigure(String step, String server, int port, String address, String certname, String caPem,
      String crlPem, String challenge, Map<String, String> extensions) implements NodeCommand {
    public static final String TYPE = "puppet_configure";

    public PuppetConfigure {
      extensions = extensions == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public int timeoutSeconds() {
      return 120;
    }

    @Override
    public JsonObject toJson() {
      JsonObject ext = new JsonObject();
      extensions.forEach(ext::put);
      return base(this).put("server", server).put("port", port).put("address", address).put("certname", certname)
          .put("ca_pem", caPem).put("crl_pem", crlPem).put("challenge", challenge).put("extensions", ext);
    }

    public static PuppetConfigure fromJson(JsonObject o) {
      Map<String, String> ext = new LinkedHashMap<>();
      JsonObject e = o.getJsonObject("extensions", new JsonObject());
      for (String k : e.fieldNames()) {
        ext.put(k, e.getValue(k) == null ? null : String.valueOf(e.getValue(k)));
      }
      return new PuppetConfigure(o.getString("phase", "?"), o.getString("server"), o.getInteger("port", 8140),
          o.getString("address"), o.getString("certname"), o.getString("ca_pem"), o.getString("crl_pem"),
          o.getString("challenge"), ext);
    }
  }

  /** Embedded CA: the node makes its Puppet key and answers with its request ({@link CommandResult#csrPem}). */
  record PuppetCsr(String step) implements NodeCommand {
    public static final String TYPE = "puppet_csr";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public int timeoutSeconds() {
      return 120;
    }

    @Override
    public JsonObject toJson() {
      return base(this);
    }
  }

  /** Embedded CA: installs the certificate the controller signed (the agent checks it is for its key). */
  record PuppetInstall(String step, String certPem) implements NodeCommand {
    public static final String TYPE = "puppet_install";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public int timeoutSeconds() {
      return 120;
    }

    @Override
    public JsonObject toJson() {
      return base(this).put("cert_pem", certPem);
    }
  }

  /** A master's own CA: the node files its request with the master ({@code puppet ssl submit_request}). */
  record PuppetSubmit(String step, int timeoutSeconds) implements NodeCommand {
    public static final String TYPE = "puppet_submit";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return base(this);
    }
  }

  /** {@code puppet agent --test} in {@code environment}; the answer carries the run's summary. */
  record PuppetRun(String step, String environment, int timeoutSeconds) implements NodeCommand {
    public static final String TYPE = "puppet_run";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return base(this).put("environment", environment);
    }
  }

  /** The node's facts (an action). */
  record Facts(String step, int timeoutSeconds) implements NodeCommand {
    public static final String TYPE = "facts";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return base(this);
    }
  }

  /**
   * What a node needs to run one stage of an application's release: where its releases live, who
   * it runs as, and the platform's hook commands by stage ({@link #HOOKS}, in the order they run).
   *
   * @param path releases directory: absolute, or relative to the agent's directory
   * @param user the user the hooks run as, or null for the agent's own
   */
  record Application(String name, String path, String user, Map<String, String> hooks, int hookTimeoutSeconds, int keep) {
    /** The stages, in the order they run on a node. */
    public static final java.util.List<String> HOOKS = java.util.List.of("block_traffic", "stop", "before_install",
        "after_install", "start", "validate", "allow_traffic");

    public Application {
      hooks = hooks == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hooks));
    }

    /** The command of a stage, or null when the platform defines none. */
    public String hook(String stage) {
      String h = hooks.get(stage);
      return h == null || h.isBlank() ? null : h;
    }

    public JsonObject toJson() {
      JsonObject h = new JsonObject();
      hooks.forEach(h::put);
      return new JsonObject().put("name", name).put("path", path).put("user", user).put("hooks", h)
          .put("hook_timeout_seconds", hookTimeoutSeconds).put("keep", keep);
    }

    public static Application fromJson(JsonObject o) {
      if (o == null) {
        throw new IllegalStateException("a deploy message without its application");
      }
      Map<String, String> h = new LinkedHashMap<>();
      JsonObject hooks = o.getJsonObject("hooks", new JsonObject());
      for (String k : hooks.fieldNames()) {
        h.put(k, hooks.getString(k));
      }
      return new Application(o.getString("name"), o.getString("path"), o.getString("user"), h,
          o.getInteger("hook_timeout_seconds", 300), o.getInteger("keep", 2));
    }
  }

  /**
   * Releases {@code revision} of an application on the node: the archive fetched from
   * {@code artifactUrl} (the controller's download port, over its TLS, with {@code artifactToken})
   * unless the node still has that release, checked against {@code artifactSha256}, unpacked into
   * {@code releases/REV}; then the hooks, the switch of {@code current}, start and validate. A failure
   * after the stop goes back to the release that ran, on the node, with no download. The answer's
   * {@link CommandResult#release} names the release current at the end.
   */
  record Deploy(String step, Application application, String revision, String artifactUrl, String artifactSha256,
      String artifactToken, int timeoutSeconds) implements NodeCommand {
    public static final String TYPE = "deploy";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return base(this).put("application", application.toJson()).put("revision", revision)
          .put("artifact_url", artifactUrl).put("artifact_sha256", artifactSha256).put("artifact_token", artifactToken);
    }

    static Deploy fromJson(JsonObject o) {
      return new Deploy(o.getString("phase", "?"), Application.fromJson(o.getJsonObject("application")),
          o.getString("revision"), o.getString("artifact_url"), o.getString("artifact_sha256"),
          o.getString("artifact_token"), o.getInteger("timeout_seconds", 600));
    }
  }

  /**
   * Puts the node back on a release it still has ({@code revision}), as a deployment that failed
   * elsewhere asks: the running release's {@code stop} (its failure never blocks the way back), the
   * switch, {@code start}, {@code validate}. A null revision means the application had no release
   * before: it is stopped and {@code current} removed.
   */
  record DeployRollback(String step, Application application, String revision, int timeoutSeconds) implements NodeCommand {
    public static final String TYPE = "deploy_rollback";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return base(this).put("application", application.toJson()).put("revision", revision);
    }

    static DeployRollback fromJson(JsonObject o) {
      return new DeployRollback(o.getString("phase", "?"), Application.fromJson(o.getJsonObject("application")),
          o.getString("revision"), o.getInteger("timeout_seconds", 600));
    }
  }
}
