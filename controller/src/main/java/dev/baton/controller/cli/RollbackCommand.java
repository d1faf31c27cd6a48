package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Resource;
import dev.baton.controller.provider.CloudProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controller rollback DIR APP}: the revision that ran before the current one, deployed again. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Deploy again the application's previous good revision (the one that succeeded before the one its"
        + " nodes run now), in batches, as deploy does. Nodes still have it unpacked, so none downloads it again."},
    footer = {"", "Exit codes: 0 every node runs the previous revision, 1 it failed or there is none, 64 wrong usage."})
final class RollbackCommand extends ApplicationCommand {
  @picocli.CommandLine.Parameters(index = "1", paramLabel = "APP", description = "The name of an application of the platform.")
  void app(String name) {
    appName = name;
  }

  @Option(names = "--to", paramLabel = "REV", description = "A revision to go back to (default: the previous good one).")
  String to;

  @Option(names = "--batch", paramLabel = "N|P%", description = "Nodes changed at a time (default: the application's batch).")
  String batch;

  @Override
  int run(Vertx vertx, Platform platform, CloudProvider provider) {
    Resource app = application(platform);
    List<JsonObject> good = history(runningController(), platform, app.name()).stream()
        .filter(d -> "succeeded".equals(d.getString("status"))).toList();
    if (good.isEmpty()) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "application " + app.name() + " has no successful"
          + " deployment to go back from");
    }
    String current = good.get(0).getJsonObject("request").getString("revision");
    String target = to;
    String sha = null;
    for (JsonObject d : good) {
      String rev = d.getJsonObject("request").getString("revision");
      if (to != null ? rev.equals(to) : !rev.equals(current)) {
        target = rev;
        sha = d.getJsonObject("artifact").getString("sha256");
        break;
      }
    }
    if (target == null || sha == null) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, to != null ? "revision " + to + " of " + app.name()
          + " was never deployed successfully; deploy it with controller deploy" : "application " + app.name()
          + " has had one good revision only (" + current + "): there is nothing before it to go back to");
    }
    DeployCommand d = new DeployCommand();
    d.main = main;
    d.dir = dir;
    d.output = output;
    return d.deploy(platform, app, target, batch, sha, "Rolling back to");
  }
}
