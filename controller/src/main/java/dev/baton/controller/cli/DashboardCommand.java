package dev.baton.controller.cli;

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
    main.terminal.out().println(main.access().dashboardUrl());
    if (main.access().isRemote()) {
      // a browser does not know the controller's CA: it warns unless the CA is imported (docs/security.md)
      main.terminal.err().println("(the dashboard's certificate is issued by the controller's CA, pinned for "
          + main.access().remoteUrl() + "; a browser warns unless that CA is imported)");
    }
    return ExitCodes.OK;
  }
}
