package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.factory.Providers;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controller destroy DIR --yes}: removes everything the platform owns. */
@Command(name = "destroy", mixinStandardHelpOptions = true,
    description = {"Remove every live resource the platform owns (found by its tags, defined or not), dependents"
        + " first. Resources defined with 'protect: true' are kept unless --force."},
    footer = {"", "Exit codes: 0 done, 1 failed or refused, 64 wrong usage."})
final class DestroyCommand extends PlatformCommand {
  @Option(names = {"--yes", "-y"}, description = "Confirm; required when not on a terminal.")
  boolean yes;

  @Option(names = "--force", description = "Remove protected resources too.")
  boolean force;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "10",
      description = "Resources removed at the same time (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Override
  dev.baton.controller.provider.local.NodeLauncher launcher(Platform platform) {
    // tell a running controller that the nodes are gone; the processes stop either way
    return dev.baton.controller.serve.ControllerClient.find(dev.baton.controller.serve.ControllerHome.of(Providers.home()))
        .map(c -> new dev.baton.controller.serve.ControllerLauncher(c)).orElse(null);
  }

  @Override
  String historyWhat() {
    return "destroy";
  }

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    if (!yes && !t().interactive()) {
      throw BatonException.invalid("destroy removes every resource of " + Planner.scopeOf(platform)
          + "; confirm with --yes");
    }
    try (PlatformLock lock = PlatformLock.acquire(Providers.home(), Planner.scopeOf(platform), "destroy",
        dev.baton.controller.serve.ClusterLeases.of(Providers.home()))) {
      Plan plan = await(new Planner(provider, retry(vertx)).destroy(Planner.scopeOf(platform), force));
      return confirmAndApply(vertx, provider, plan, "Destroying", yes, parallelism,
          "Remove these " + plan.effective().size() + " resources?", "Nothing to remove.",
          r -> r.count(Engine.Status.DONE) + " resources removed"
              + (plan.kept().isEmpty() ? "" : ", " + plan.kept().size() + " protected kept"));
    }
  }
}
