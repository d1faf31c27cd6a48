package dev.baton.controller.cli;

import dev.baton.common.error.Diagnostic;
import dev.baton.common.error.InvalidDefinitionException;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Retry;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.InstanceSpec;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.provider.local.NodeLauncher;
import dev.baton.controller.serve.ControllerClient;
import dev.baton.controller.serve.ControllerHome;
import dev.baton.controller.serve.ControllerLauncher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** What plan, provision, audit and destroy share: a platform directory, an environment, a provider. */
abstract class PlatformCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Parameters(index = "0", paramLabel = "DIR", description = "The platform directory (holds platform.yaml).")
  String dir;

  @Option(names = "--env", paramLabel = "ENV", description = "The environment, for a platform that defines environments.")
  String env;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
  OutputFormat output;

  @Option(names = "--endpoint-url", paramLabel = "URL",
      description = "An AWS-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS itself).")
  String endpointUrl;

  Terminal t() {
    return main.terminal;
  }

  /** The platform, or null after printing every definition error (the command then exits 1). */
  Platform load() {
    try {
      return DefinitionLoader.load(Path.of(dir), dir, env);
    } catch (InvalidDefinitionException e) {
      printDiagnostics(e);
      return null;
    }
  }

  /** Every problem at its place, and that nothing was changed. */
  void printDiagnostics(InvalidDefinitionException e) {
    if (output == OutputFormat.JSON) {
      t().out().println(JsonErrors.of(e.diagnostics()).encodePrettily());
    }
    for (Diagnostic d : e.diagnostics().stream().sorted().toList()) {
      t().err().println(d.pos() + ": " + t().red("error") + ": " + d.message());
    }
    t().err().println(e.diagnostics().size() + " error" + (e.diagnostics().size() == 1 ? "" : "s")
        + "; nothing was changed");
  }

  @Override
  public final Integer call() throws Exception {
    Platform platform = load();
    if (platform == null) {
      return ExitCodes.FAILED;
    }
    Vertx vertx = Vertx.vertx(ControllerMain.vertxOptions());
    try {
      CloudProvider provider = Providers.create(vertx, platform, Providers.home(),
          endpointUrl != null ? endpointUrl : System.getenv("AWS_ENDPOINT_URL"), launcher(platform));
      try {
        // the account first, for every command: nothing is read or done in another customer's account
        List<Diagnostic> account = await(provider.checkAccount(platform));
        if (!account.isEmpty()) {
          throw new InvalidDefinitionException(account);
        }
        return run(vertx, platform, provider);
      } finally {
        await(provider.close());
      }
    } catch (InvalidDefinitionException e) {
      printDiagnostics(e); // what the cloud or the controller found it cannot give, before anything was changed
      return ExitCodes.FAILED;
    } finally {
      vertx.close();
    }
  }

  abstract int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception;

  /** How the provider launches nodes; null for commands that launch none (plan, audit). */
  dev.baton.controller.provider.local.NodeLauncher launcher(Platform platform) throws Exception {
    return null;
  }

  /** The controller the platform's nodes register with; set by {@link #controllerLauncher}. */
  ControllerClient controller;

  /**
   * For commands that launch nodes: a controller issues each node's join token and knows what it
   * is to become (started in the background if none runs); on a cloud, nodes reach it at the
   * platform's controller endpoints. Null for a platform without nodes.
   */
  NodeLauncher controllerLauncher(Platform platform) throws Exception {
    boolean nodes = !platform.ofKind(ResourceKind.INSTANCE).isEmpty() || !platform.ofKind(ResourceKind.AUTOSCALING_GROUP).isEmpty();
    if (!nodes) {
      return null;
    }
    // the controller issues each node's join token and knows what it is to become; on a cloud, nodes reach it
    // at the platform's controller endpoints
    controller = ControllerClient.ensureRunning(ControllerHome.of(Providers.home()), Providers.controllerJar(),
        () -> t().err().println("Starting a controller in the background (log: "
            + ControllerHome.of(Providers.home()).log() + ")..."));
    checkAdvertised(platform);
    registerIntents(platform);
    return new ControllerLauncher(controller, m -> t().err().println(m));
  }

  /**
   * A cloud platform's nodes are told its {@code controller.endpoints}: each must be one a running
   * controller advertises (its certificate names that host, so the node's TLS check passes), or the
   * nodes would boot, install, and never register.
   */
  private void checkAdvertised(Platform platform) {
    if (platform.spec().provider() == ProviderKind.LOCAL || platform.spec().controller() == null) {
      return;
    }
    java.util.Set<String> advertised = new java.util.LinkedHashSet<>();
    controller.get("/api/v1/bootstrap").getJsonArray("endpoints", new JsonArray()).forEach(e -> advertised.add(e.toString()));
    List<Diagnostic> problems = new ArrayList<>();
    List<String> eps = platform.spec().controller().endpoints();
    for (int i = 0; i < eps.size(); i++) {
      if (!advertised.contains(eps.get(i))) {
        problems.add(new Diagnostic(platform.pos("controller.endpoints[" + i + "]"), "nodes are told to reach the"
            + " controller at " + eps.get(i) + ", which no running controller advertises (they advertise "
            + String.join(", ", advertised) + "); start the controller with serve --advertise " + eps.get(i)
            + " (its certificate then names that host)"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
  }

  /** Tells the controller what each node is to become, before any registers. */
  private void registerIntents(Platform platform) {
    JsonArray nodes = new JsonArray();
    for (Resource r : platform.resources()) {
      if (r.kind() == ResourceKind.INSTANCE || r.kind() == ResourceKind.AUTOSCALING_GROUP) {
        var handoff = r.kind() == ResourceKind.INSTANCE ? r.spec(InstanceSpec.class).handoff()
            : r.spec(AutoscalingGroupSpec.class).handoff();
        JsonObject node = new JsonObject().put("uuid", r.uuid()).put("name", r.name()).put("kind", r.kind().yaml())
            .put("region", platform.spec().region()).put("handoff", handoffJson(handoff));
        var family = r.kind() == ResourceKind.INSTANCE ? r.spec(InstanceSpec.class).imageFamily()
            : r.spec(AutoscalingGroupSpec.class).launch().imageFamily();
        var image = r.kind() == ResourceKind.INSTANCE ? r.spec(InstanceSpec.class).image()
            : r.spec(AutoscalingGroupSpec.class).launch().image();
        node.put("image_family", image != null ? image.family().yaml() : family == null ? "debian" : family.yaml());
        if (image != null) {
          node.put("image", image.yaml());
        }
        List<String> packages = r.kind() == ResourceKind.INSTANCE ? r.spec(InstanceSpec.class).packages()
            : r.spec(AutoscalingGroupSpec.class).launch().packages();
        node.put("packages", new JsonArray(new ArrayList<>(packages == null ? List.of() : packages)));
        if (r.kind() == ResourceKind.INSTANCE) {
          InstanceSpec spec = r.spec(InstanceSpec.class);
          String domain = spec.domain() != null ? spec.domain() : platform.spec().domain();
          node.put("certname", domain == null ? r.name() : r.name() + "." + domain);
          String zone = spec.az() != null ? spec.az() : platform.find(ResourceKind.SUBNET, spec.subnet())
              .map(s -> s.spec(dev.baton.controller.definition.model.SubnetSpec.class).az()).orElse(null);
          node.put("zone", zone);
        }
        if (r.kind() == ResourceKind.AUTOSCALING_GROUP) {
          AutoscalingGroupSpec g = r.spec(AutoscalingGroupSpec.class);
          node.put("cluster", g.cluster()).put("role", g.role())
              .put("domain", g.domain() != null ? g.domain() : platform.spec().domain())
              .put("certname_pattern", g.certnamePattern()).put("dns_zone", g.dnsZone())
              .put("lifecycle_hook", g.lifecycleHook() != null)
              // what off-hours gives the group back at its start (desired absent: the group's min)
              .put("min", g.min()).put("max", g.max()).put("desired", g.desired());
          // what "run" may ask of the group's nodes: the platform's actions only, as they are now (the API runs these)
          JsonObject actions = new JsonObject();
          platform.spec().actions().forEach((name, a) -> actions.put(name, new JsonObject().put("command", a.command())
              .put("timeout_seconds", a.timeoutSeconds())));
          node.put("actions", actions);
        }
        nodes.add(node);
      }
    }
    JsonObject body = new JsonObject().put("customer", platform.spec().customer())
        .put("platform", platform.name()).put("env", platform.env()).put("nodes", nodes);
    if (platform.spec().provider() != ProviderKind.LOCAL && platform.spec().controller() != null) {
      body.put("endpoints", new JsonArray(new ArrayList<>(platform.spec().controller().endpoints())));
    }
    var schedule = platform.schedule();
    body.put("schedule", schedule == null ? null : new JsonObject().put("stop", schedule.stop()).put("start", schedule.start())
        .put("time_zone", schedule.timeZone() == null ? "UTC" : schedule.timeZone()));
    if (platform.spec().provider() == ProviderKind.AWS) {
      var c = platform.spec().credentials();
      body.put("cloud", new JsonObject().put("provider", "aws").put("region", platform.spec().region())
          .put("account", platform.spec().account())
          .put("profile", c == null ? null : c.profile()).put("role_arn", c == null ? null : c.roleArn())
          .put("external_id", c == null ? null : c.externalId())
          .put("endpoint_url", endpointUrl != null ? endpointUrl : System.getenv("AWS_ENDPOINT_URL")));
    }
    controller.post("/api/v1/intents", body);
  }

  static JsonObject handoffJson(dev.baton.controller.definition.model.HandoffSpec h) {
    JsonObject o = new JsonObject().put("config_management", h.configManagement().yaml());
    if (h.shell() != null) {
      o.put("shell", new JsonObject().put("bootstrap", h.shell().bootstrap()).put("final", h.shell().final_())
          .put("timeout_seconds", h.shell().timeoutSeconds()));
    }
    if (h.puppet() != null) {
      o.put("puppet", new JsonObject().put("role", h.puppet().role()).put("environment", h.puppet().environment())
          .put("bootstrap_environment", h.puppet().bootstrapEnvironment())
          .put("classes", new JsonArray(new ArrayList<>(h.puppet().classes()))));
    }
    return o;
  }

  /** The JSON answer of the command, when it prints JSON: one object, printed once. */
  io.vertx.core.json.JsonObject jsonResult;

  /** Prints {@link #jsonResult} now; a command that adds to it later overrides this and prints it itself. */
  void printJsonResult() {
    t().out().println(jsonResult.encodePrettily());
  }

  /**
   * Prints {@code plan}, asks on a terminal unless {@code yes}, applies it with progress and
   * prints the outcome. Returns the exit code.
   */
  int confirmAndApply(Vertx vertx, CloudProvider provider, Plan plan, String title, boolean yes, int parallelism,
      String question, String nothing, java.util.function.Function<Engine.Report, String> success) throws Exception {
    if (parallelism < 1) {
      throw dev.baton.common.error.BatonException.invalid("--parallelism must be at least 1");
    }
    PlanPrinter printer = new PlanPrinter(plan);
    boolean json = output == OutputFormat.JSON;
    if (!json) {
      printer.printPlan(t(), plan, title);
    }
    if (!plan.hasChanges()) {
      if (json) {
        jsonResult = printer.report(plan, new Engine.Report(java.util.List.of(), provider.stats().snapshot()));
        printJsonResult();
      } else {
        t().out().println(nothing);
      }
      return ExitCodes.OK;
    }
    if (t().interactive() && !yes && !t().confirm(question)) {
      t().err().println("Nothing was changed.");
      return ExitCodes.FAILED;
    }
    ConsoleProgress progress = new ConsoleProgress(t(), plan.effective().size(), main.debug);
    String runId = java.util.HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    long t0 = System.currentTimeMillis();
    Engine.Report report = await(new Engine(provider, retry(vertx), parallelism, progress, System::currentTimeMillis,
        runId).apply(plan));
    progress.end();
    if (json) {
      jsonResult = printer.report(plan, report);
      printJsonResult();
    } else {
      String took = PlanPrinter.duration(System.currentTimeMillis() - t0);
      if (report.ok()) {
        t().out().println(t().green("Done") + ": " + success.apply(report) + " in " + took + " ("
            + report.calls().values().stream().mapToLong(Long::longValue).sum() + " cloud calls).");
      } else {
        t().out().println(t().red("Failed") + ": " + report.count(Engine.Status.DONE) + " applied, "
            + report.count(Engine.Status.FAILED) + " failed, " + report.count(Engine.Status.SKIPPED)
            + " skipped, in " + took + ". Fix the cause and run again: what was applied is kept.");
      }
      if (main.debug) {
        t().err().println("cloud calls: " + PlanPrinter.calls(report.calls()).encode());
      }
    }
    return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** Tells a running controller's hooks about the platform (best effort; no controller, no event). */
  void announce(Platform platform, String type, io.vertx.core.json.JsonObject data) {
    dev.baton.controller.serve.ControllerClient.find(dev.baton.controller.serve.ControllerHome.of(
        dev.baton.controller.provider.factory.Providers.home())).ifPresent(c -> {
          try {
            c.post("/api/v1/events", new io.vertx.core.json.JsonObject().put("type", type).put("platform", platform.name())
                .put("customer", platform.spec().customer()).put("env", platform.env()).put("data", data));
          } catch (RuntimeException e) {
            t().err().println("(could not announce " + type + ": " + e.getMessage() + ")");
          }
        });
  }

  Retry retry(Vertx vertx) {
    return new Retry(vertx, Retry.Policy.defaults(), new SecureRandom(), System::currentTimeMillis);
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(6, TimeUnit.HOURS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
