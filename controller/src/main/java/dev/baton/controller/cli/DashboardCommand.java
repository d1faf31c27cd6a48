package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.serve.ControllerHome;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code controller dashboard}: the link to the running controller's dashboard. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = {"Print the link to the dashboard of the running controller: nodes by platform and state, each"
        + " node's phases as bars, failures with their reason, updated live. The operator token rides in the"
        + " link's fragment (after #), which browsers never send to a server."})
final class DashboardCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Override
  public Integer call() throws Exception {
    ControllerHome home = ControllerHome.of(Providers.home());
    JsonObject rt = home.running().orElseThrow(() -> new BatonException(ErrorCode.UNAVAILABLE,
        "no controller is running (start one with \"controller serve\")"));
    main.terminal.out().println("http://" + rt.getString("api_host", "127.0.0.1") + ":" + rt.getInteger("api_port")
        + "/dashboard#token=" + home.operatorToken());
    return ExitCodes.OK;
  }
}
