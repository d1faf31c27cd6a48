package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.ApplicationTargets;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.Suggest;
import dev.baton.controller.definition.model.ApplicationSpec;
import dev.baton.controller.definition.model.ArtifactSourceSpec;
import dev.baton.controller.definition.model.DeployHooksSpec;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.intent.IntentCodec;
import dev.baton.controller.intent.Intents;
import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What deploy, rollback and deployments share: an application of the platform, and the running controller. */
abstract class ApplicationCommand extends PlatformCommand {
  /** The application named on the command line (each command declares its parameter). */
  String appName;

  /** The application's definition, or a clear error naming the applications there are. */
  Resource application(Platform platform) {
    return platform.find(ResourceKind.APPLICATION, appName).orElseThrow(() -> {
      List<String> names = platform.ofKind(ResourceKind.APPLICATION).stream().map(Resource::name).toList();
      return BatonException.invalid("no application named \"" + appName + "\" in " + dir + " (its applications: "
          + (names.isEmpty() ? "none; define one with kind: application" : String.join(", ", names)) + ")"
          + Suggest.didYouMean(appName, names));
    });
  }

  ControllerClient runningController() {
    return main.access().require();
  }

  /** What the controller needs to deploy {@code revision}: the application as defined, its targets as UUIDs. */
  JsonObject request(Platform platform, Resource app, String revision, String batch, String sha256) {
    ApplicationSpec a = app.spec(ApplicationSpec.class);
    List<Resource> resources = ApplicationTargets.of(platform, a);
    List<String> targets = resources.stream().map(Resource::uuid).toList();
    // the load balancers' target groups each target's nodes serve: the controller drains a node from them around its deploy
    JsonObject targetGroups = new JsonObject();
    for (Resource t : resources) {
      List<String> tg = t.kind() == ResourceKind.AUTOSCALING_GROUP
          ? t.spec(dev.baton.controller.definition.model.AutoscalingGroupSpec.class).targetGroups()
          : t.spec(dev.baton.controller.definition.model.InstanceSpec.class).targetGroups();
      if (tg != null && !tg.isEmpty()) {
        targetGroups.put(t.uuid(), new JsonArray(tg));
      }
    }
    ArtifactSourceSpec s = a.source();
    JsonObject source = new JsonObject().put("url", s.url()).put("sha256_url", s.sha256Url()).put("git", s.git())
        .put("directory", s.directory() == null ? null : platform.dir().resolve(s.directory()).toAbsolutePath()
            .normalize().toString()).put("s3", s.s3());
    if (s.s3() != null) {
      // the controller reads the object as the platform: its region and credentials' names, never a secret
      source.put("cloud", IntentCodec.toJson(Intents.cloud(platform,
          endpointUrl != null ? endpointUrl : System.getenv("AWS_ENDPOINT_URL"))));
    }
    JsonObject hooks = new JsonObject();
    DeployHooksSpec h = a.hooks();
    if (h != null) {
      hooks.put("block_traffic", h.blockTraffic()).put("stop", h.stop()).put("before_install", h.beforeInstall())
          .put("after_install", h.afterInstall()).put("start", h.start()).put("validate", h.validate())
          .put("allow_traffic", h.allowTraffic());
      java.util.Map<String, Object> defined = new java.util.LinkedHashMap<>();
      hooks.forEach(e -> {
        if (e.getValue() != null) {
          defined.put(e.getKey(), e.getValue());
        }
      });
      hooks = new JsonObject(defined);
    }
    String path = (a.path() == null ? "apps/{name}" : a.path()).replace("{name}", app.name());
    JsonObject node = new JsonObject().put("path", path).put("user", a.user()).put("hooks", hooks)
        .put("hook_timeout_seconds", a.hookTimeoutSeconds() == null ? 300 : a.hookTimeoutSeconds())
        .put("keep", a.keep() == null ? 2 : a.keep());
    JsonObject body = new JsonObject().put("customer", platform.spec().customer()).put("platform", platform.name())
        .put("env", platform.env()).put("application", new JsonObject().put("name", app.name()).put("uuid", app.uuid())
            .put("targets", new JsonArray(targets)).put("source", source).put("node", node))
        .put("revision", revision)
        .put("batch", batch != null ? batch : a.batch() != null ? a.batch() : a.minHealthy() != null ? null : "1")
        .put("min_healthy", batch != null ? null : a.minHealthy())
        .put("sha256", sha256).put("by", System.getProperty("user.name", "?") + "@" + host());
    if (!targetGroups.isEmpty()) {
      body.getJsonObject("application").put("target_groups", targetGroups);
    }
    return body;
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  /** The deployments of this application, newest first. */
  List<JsonObject> history(ControllerClient client, Platform platform, String app) {
    String q = "/api/v1/deployments?platform=" + enc(platform.name()) + (platform.env() == null ? "" : "&env="
        + enc(platform.env())) + (app == null ? "" : "&application=" + enc(app));
    List<JsonObject> out = new ArrayList<>();
    client.get(q).getJsonArray("deployments", new JsonArray()).forEach(o -> out.add((JsonObject) o));
    return out.stream().filter(d -> platform.spec().customer().equals(d.getJsonObject("request").getString("customer")))
        .toList();
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

}
