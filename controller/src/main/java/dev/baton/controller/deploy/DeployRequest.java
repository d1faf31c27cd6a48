package dev.baton.controller.deploy;

import dev.baton.common.error.BatonException;
import dev.baton.common.msg.NodeCommand;
import dev.baton.controller.intent.CloudIntent;
import dev.baton.controller.intent.IntentCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code controller deploy} asks for: one revision of one application of a platform's
 * environment, with the application as the definitions say (its source, its targets as resource
 * UUIDs, its hooks) so that the controller needs no definition files of its own.
 *
 * @param targets the UUIDs of the instances and autoscaling groups whose nodes run it
 * @param targetGroups by target UUID, the load balancers' target groups its nodes serve (names or ARNs), for the
 *     targets that have some: each node is taken out of them before its deploy and put back after it
 * @param batch {@code N} or {@code P%} of the targets
 * @param minHealthy {@code P%} of the targets that keep serving while a batch changes (instead of a batch)
 * @param sha256 the archive's digest when the operator gives it (else the source's {@code sha256_url}, or an S3
 *     object's own SHA-256 checksum)
 * @param by who asked (user@host), for the history
 */
public record DeployRequest(String customer, String platform, String env, String name, String uuid, List<String> targets,
    Map<String, List<String>> targetGroups, Source source, NodeCommand.Application application, String revision,
    String batch, String minHealthy, String sha256, String by) {

  /**
   * Where the archives come from: exactly one of {@code url}, {@code git}, {@code directory}
   * (absolute), {@code s3}. An S3 object is read with the platform's cloud as {@code provision}
   * describes it to the controller (region, profile or role, endpoint: names, never secrets).
   */
  public record Source(String url, String sha256Url, String git, String directory, String s3, CloudIntent cloud) {
    public Source(String url, String sha256Url, String git, String directory) {
      this(url, sha256Url, git, directory, null, null);
    }

    /** An S3 object ({@code s3://BUCKET/KEY}, {@code {revision}} in the key), read as {@code cloud}. */
    public static Source s3(String uri, CloudIntent cloud) {
      return new Source(null, null, null, null, uri, cloud);
    }

    JsonObject toJson() {
      return new JsonObject().put("url", url).put("sha256_url", sha256Url).put("git", git).put("directory", directory)
          .put("s3", s3).put("cloud", cloud == null ? null : IntentCodec.toJson(cloud));
    }

    static Source fromJson(JsonObject o) {
      return new Source(o.getString("url"), o.getString("sha256_url"), o.getString("git"), o.getString("directory"),
          o.getString("s3"), IntentCodec.cloudFromJson(o.getJsonObject("cloud")));
    }

    /** The source for people: its URL, repository, directory or S3 object. */
    public String describe() {
      return url != null ? url : git != null ? "git " + git : s3 != null ? s3 : "directory " + directory;
    }
  }

  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern BATCH = Pattern.compile("[1-9][0-9]{0,5}|([1-9][0-9]?|100)%");
  private static final Pattern SHARE_BELOW_ALL = Pattern.compile("([1-9]?[0-9])%");
  private static final Pattern S3 = Pattern.compile("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\\S*\\{revision}\\S*");

  public DeployRequest {
    targets = List.copyOf(targets);
    Map<String, List<String>> tg = new LinkedHashMap<>();
    (targetGroups == null ? Map.<String, List<String>>of() : targetGroups).forEach((k, v) -> tg.put(k, List.copyOf(v)));
    targetGroups = java.util.Collections.unmodifiableMap(tg);
  }

  /** The target groups of the nodes of target {@code uuid} (a group or an instance): none when it names none. */
  public List<String> targetGroupsOf(String uuid) {
    return targetGroups.getOrDefault(uuid, List.of());
  }

  /** The same application at another revision (a new node gets the one its group runs). */
  public DeployRequest withRevision(String rev) {
    return new DeployRequest(customer, platform, env, name, uuid, targets, targetGroups, source, application, rev, batch,
        minHealthy, null, by);
  }

  /** The scope key of the application: one deployment of it at a time. */
  public String key() {
    return customer + "/" + platform + "/" + (env == null ? "" : env) + "/" + name;
  }

  /** Nodes per batch of this request for {@code targets} nodes. */
  public int batchSize(int targets) {
    if (batch == null && minHealthy != null) {
      int keep = (int) Math.ceil(targets * Integer.parseInt(minHealthy.substring(0, minHealthy.length() - 1)) / 100.0);
      return Math.max(1, targets - keep);
    }
    return batchSize(batch, targets);
  }

  /** Nodes per batch for {@code targets} nodes: a number, or a share rounded up (at least 1). */
  public static int batchSize(String batch, int targets) {
    if (batch == null || batch.isBlank()) {
      return 1;
    }
    if (batch.endsWith("%")) {
      int pct = Integer.parseInt(batch.substring(0, batch.length() - 1));
      return Math.max(1, (int) Math.ceil(targets * pct / 100.0));
    }
    return Integer.parseInt(batch);
  }

  public JsonObject toJson() {
    JsonObject app = new JsonObject().put("name", name).put("uuid", uuid).put("targets", new JsonArray(targets));
    if (!targetGroups.isEmpty()) {
      JsonObject tg = new JsonObject();
      targetGroups.forEach((k, v) -> tg.put(k, new JsonArray(v)));
      app.put("target_groups", tg);
    }
    return new JsonObject().put("customer", customer).put("platform", platform).put("env", env)
        .put("application", app.put("source", source.toJson()).put("node", application.toJson()))
        .put("revision", revision).put("batch", batch).put("min_healthy", minHealthy).put("sha256", sha256).put("by", by);
  }

  /** The request as the API gets it; {@code BatonException.invalid} naming what is wrong. */
  public static DeployRequest fromJson(JsonObject o) {
    JsonObject app = o.getJsonObject("application");
    if (app == null) {
      throw BatonException.invalid("expected {customer, platform, env, application: {name, uuid, targets, target_groups,"
          + " source, node},"
          + " revision, batch, sha256, by}");
    }
    List<String> targets = new ArrayList<>();
    app.getJsonArray("targets", new JsonArray()).forEach(t -> targets.add(String.valueOf(t)));
    Map<String, List<String>> targetGroups = new LinkedHashMap<>();
    JsonObject tg = app.getJsonObject("target_groups") == null ? new JsonObject() : app.getJsonObject("target_groups");
    for (String target : tg.fieldNames()) {
      if (!targets.contains(target)) {
        throw BatonException.invalid("application.target_groups names " + target + ", which is not one of its targets "
            + targets);
      }
      List<String> names = new ArrayList<>();
      tg.getJsonArray(target, new JsonArray()).forEach(t -> names.add(String.valueOf(t)));
      if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
        throw BatonException.invalid("application.target_groups of " + target + " must list target group names or ARNs");
      }
      targetGroups.put(target, names);
    }
    JsonObject node = app.getJsonObject("node", new JsonObject());
    Map<String, String> hooks = new LinkedHashMap<>();
    JsonObject h = node.getJsonObject("hooks", new JsonObject());
    for (String stage : h.fieldNames()) {
      if (!NodeCommand.Application.HOOKS.contains(stage)) {
        throw BatonException.invalid("unknown hook \"" + stage + "\"; the stages are " + NodeCommand.Application.HOOKS);
      }
      hooks.put(stage, h.getString(stage));
    }
    NodeCommand.Application a = new NodeCommand.Application(app.getString("name"), node.getString("path"),
        node.getString("user"), hooks, node.getInteger("hook_timeout_seconds", 300), node.getInteger("keep", 2));
    DeployRequest r = new DeployRequest(o.getString("customer"), o.getString("platform"), o.getString("env"),
        app.getString("name"), app.getString("uuid"), targets, targetGroups,
        Source.fromJson(app.getJsonObject("source", new JsonObject())), a, o.getString("revision"), o.getString("batch"),
        o.getString("min_healthy"), o.getString("sha256"), o.getString("by", "?"));
    r.check();
    return r;
  }

  private void check() {
    if (customer == null || platform == null || name == null || targets.isEmpty()) {
      throw BatonException.invalid("customer, platform, application.name and application.targets are required");
    }
    if (revision == null || !REVISION.matcher(revision).matches()) {
      throw BatonException.invalid("revision " + (revision == null ? "(none)" : "\"" + revision + "\"")
          + " is not one: letters, digits, '.', '-', '_' (at most 128)");
    }
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw BatonException.invalid("--sha256 " + sha256 + " is not a SHA-256 (64 hex digits)");
    }
    if (batch != null && !BATCH.matcher(batch).matches()) {
      throw BatonException.invalid("batch \"" + batch + "\" is neither a number of nodes nor a share such as 25%");
    }
    if (minHealthy != null && !SHARE_BELOW_ALL.matcher(minHealthy).matches()) {
      throw BatonException.invalid("min_healthy \"" + minHealthy + "\" is not a share from 0% to 99% (such as 75%)");
    }
    int sources = (source.url() == null ? 0 : 1) + (source.git() == null ? 0 : 1) + (source.directory() == null ? 0 : 1)
        + (source.s3() == null ? 0 : 1);
    if (sources != 1) {
      throw BatonException.invalid("the application's source must be exactly one of url, git, directory, s3");
    }
    if (source.s3() != null) {
      checkS3();
    }
    if (application.hookTimeoutSeconds() < 1 || application.keep() < 1) {
      throw BatonException.invalid("hook_timeout_seconds and keep must be at least 1");
    }
  }

  /** What the definitions' checks say of an s3 source, again: the API takes requests from anything with the token. */
  private void checkS3() {
    if (!S3.matcher(source.s3()).matches()) {
      throw BatonException.invalid("source.s3 \"" + source.s3() + "\" is not s3://BUCKET/KEY with {revision} in the key");
    }
    CloudIntent c = source.cloud();
    if (c == null || !c.aws() || c.region() == null || c.region().isBlank()) {
      throw BatonException.invalid("an s3 source needs the platform's AWS cloud in source.cloud ({provider: aws, region,"
          + " and its profile or role_arn}) to read " + source.s3() + " with");
    }
  }
}
