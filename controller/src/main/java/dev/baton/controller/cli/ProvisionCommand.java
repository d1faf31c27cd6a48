package dev.baton.controller.cli;

import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.Providers;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controller provision DIR}: makes the live platform match its definition. */
@Command(name = "provision", mixinStandardHelpOptions = true,
    description = {"Create, update, replace and delete resources until the live platform matches its definition.",
        "Idempotent: a second run changes nothing. Safe to re-run after a crash: it converges, never duplicates.",
        "One provisioning of a platform at a time; a second one is refused with who holds the lock."},
    footer = {"", "Exit codes: 0 done, 1 failed or refused, 64 wrong usage."})
final class ProvisionCommand extends PlatformCommand {
  @Option(names = {"--yes", "-y"}, description = "Do not ask for confirmation on a terminal.")
  boolean yes;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "10",
      description = "Resources applied at the same time (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) throws Exception {
    try (PlatformLock lock = PlatformLock.acquire(Providers.home(), Planner.scopeOf(platform), "provision")) {
      if (lock.previousHolder() != null && main.debug) {
        t().err().println("took over a stale lock (" + lock.previousHolder() + ")");
      }
      Plan plan = await(new Planner(provider, retry(vertx)).plan(platform));
      return confirmAndApply(vertx, provider, plan, "Provisioning", yes, parallelism, "Apply these changes?",
          "Nothing to change.", r -> r.count(Engine.Status.DONE) + " changes applied");
    }
  }
}
