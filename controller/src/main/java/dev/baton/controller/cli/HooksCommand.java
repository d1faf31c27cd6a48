package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.controller.notify.Event;
import dev.baton.controller.notify.Hook;
import dev.baton.controller.notify.HookConfig;
import dev.baton.controller.notify.Outbox;
import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.serve.ControllerHome;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code controller hooks list|test NAME}: the notification hooks. */
@Command(name = "hooks", mixinStandardHelpOptions = true,
    description = {"The notification hooks of BATON_HOME/controller/hooks.yaml (docs/notifications.md); with"
        + " --controller, those of that controller, through its API (a customer's token: that customer's hooks).",
        "  list        the hooks and what they take",
        "  test NAME   send a sample event through one hook now, and say how it went"},
    footer = {"", "Exit codes: 0 done (delivered), 1 refused or not delivered, 64 wrong usage."})
final class HooksCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Parameters(index = "0", paramLabel = "ACTION", description = "list or test")
  String action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The hook to test.")
  String name;

  @Option(names = "--config", paramLabel = "FILE", description = "The hooks file (default: BATON_HOME/controller/hooks.yaml).")
  Path config;

  @Option(names = "--event", paramLabel = "TYPE", defaultValue = "node.ready",
      description = "The sample event's type (default: ${DEFAULT-VALUE}).")
  String eventType;

  @Override
  public Integer call() throws Exception {
    if ((main.remote() || main.access().namedToken()) && config == null) {
      return remote(); // the hooks are the controller's: asked through its API, as the token may see them
    }
    Path file = config != null ? config : ControllerHome.of(Providers.home()).hooks();
    HookConfig.Config cfg = HookConfig.load(file, System::getenv);
    Terminal t = main.terminal;
    switch (action) {
      case "list" -> {
        if (cfg.hooks().isEmpty()) {
          t.out().println("No hooks in " + file + ".");
        }
        for (Hook h : cfg.hooks()) {
          t.out().println(String.format("%-16s %-8s events: %s%s", h.name(), h.type(),
              h.events().isEmpty() ? "all" : String.join(", ", h.events()),
              h.platforms().isEmpty() ? "" : "; platforms: " + String.join(", ", h.platforms())));
        }
        return ExitCodes.OK;
      }
      case "test" -> {
        if (name == null) {
          throw BatonException.invalid("hooks test needs the NAME of a hook");
        }
        Hook hook = cfg.hooks().stream().filter(h -> h.name().equals(name)).findFirst()
            .orElseThrow(() -> BatonException.notFound("no hook \"" + name + "\" in " + file));
        if (!Event.TYPES.contains(eventType)) {
          throw BatonException.invalid("unknown event " + eventType + "; the events are " + Event.TYPES);
        }
        Event sample = Event.sample(eventType);
        Vertx vertx = Vertx.vertx();
        // Vert.x closes an HTTP client that nobody references: the notifiers are held until the answer is in
        java.util.Map<String, dev.baton.controller.notify.Notifier> notifiers = Outbox.standardNotifiers(vertx);
        try {
          PlatformCommand.await(notifiers.get(hook.type()).deliver(sample, hook));
          t.out().println("Delivered a sample " + eventType + " event (id " + sample.id() + ") through " + hook.name() + ".");
          return ExitCodes.OK;
        } catch (Exception e) {
          t.err().println("hooks test: " + hook.name() + " did not take the sample event: " + e.getMessage());
          return ExitCodes.FAILED;
        } finally {
          java.lang.ref.Reference.reachabilityFence(notifiers);
          vertx.close();
        }
      }
      default -> throw BatonException.invalid("unknown action \"" + action + "\"; use list or test NAME");
    }
  }

  /** list and test through a remote controller's API ({@code /api/v1/hooks}): its hooks, not this host's file. */
  private int remote() {
    Terminal t = main.terminal;
    var client = main.access().require();
    switch (action) {
      case "list" -> {
        var hooks = client.get("/api/v1/hooks").getJsonArray("hooks");
        if (hooks.isEmpty()) {
          t.out().println("No hooks this token may see on " + main.access().remoteUrl() + ".");
        }
        for (Object o : hooks) {
          var h = (io.vertx.core.json.JsonObject) o;
          t.out().println(String.format("%-16s %-8s events: %s%s", Terminal.safe(h.getString("name"), 16), h.getString("type"),
              h.getJsonArray("events").isEmpty() ? "all" : Terminal.safe(String.join(", ", h.getJsonArray("events")
                  .getList())), h.getJsonArray("platforms").isEmpty() ? "" : "; platforms: "
                  + Terminal.safe(String.join(", ", h.getJsonArray("platforms").getList()))));
        }
        return ExitCodes.OK;
      }
      case "test" -> {
        if (name == null) {
          throw BatonException.invalid("hooks test needs the NAME of a hook");
        }
        var answer = client.exchange("/api/v1/hooks/" + java.net.URLEncoder.encode(name,
            java.nio.charset.StandardCharsets.UTF_8) + "/test", new io.vertx.core.json.JsonObject().put("event", eventType));
        if (answer.getKey() == 200) {
          t.out().println("Delivered a sample " + eventType + " event (id " + answer.getValue().getString("id")
              + ") through " + name + ".");
          return ExitCodes.OK;
        }
        t.err().println("hooks test: " + Terminal.safe(answer.getValue().getString("error", "HTTP " + answer.getKey())));
        return ExitCodes.FAILED;
      }
      default -> throw BatonException.invalid("unknown action \"" + action + "\"; use list or test NAME");
    }
  }
}
