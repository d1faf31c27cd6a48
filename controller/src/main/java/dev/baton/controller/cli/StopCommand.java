package dev.baton.controller.cli;

import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.serve.ControllerHome;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code controller stop}: stops the controller running for this BATON_HOME. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = {"Stop the controller that 'serve' (or 'provision') started for this BATON_HOME. Nodes keep"
        + " running and reconnect when a controller is back; every record is kept."},
    footer = {"", "Exit codes: 0 stopped or none running, 1 could not stop it."})
final class StopCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Override
  public Integer call() throws Exception {
    if (main.remote()) {
      throw new dev.baton.common.error.BatonException(dev.baton.common.error.ErrorCode.FAILED_PRECONDITION,
          "stop stops this host's controller only, and --controller (or BATON_CONTROLLER) names one elsewhere; stop"
              + " that one on its own host (\"controller stop\" there), or unset BATON_CONTROLLER to stop this host's");
    }
    ControllerHome home = ControllerHome.of(Providers.home());
    Optional<JsonObject> rt = home.running();
    Optional<ProcessHandle> process = rt.flatMap(o -> ProcessHandle.of(o.getLong("pid", -1L)))
        .filter(ProcessHandle::isAlive).filter(StopCommand::isController);
    if (process.isEmpty()) {
      main.terminal.out().println("No controller is running for " + home.dir().getParent() + ".");
      return ExitCodes.OK;
    }
    ProcessHandle p = process.get();
    p.destroy();
    try {
      p.onExit().get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      main.terminal.err().println("controller stop: pid " + p.pid() + " did not stop within 15 s");
      return ExitCodes.FAILED;
    }
    Files.deleteIfExists(home.runtime());
    main.terminal.out().println("Stopped the controller (pid " + p.pid() + ").");
    return ExitCodes.OK;
  }

  /** Only a process running "serve" is ever stopped, whatever pid the file says. */
  private static boolean isController(ProcessHandle h) {
    try {
      String cmdline = Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline")).replace('\0', ' ');
      return cmdline.contains(" serve");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
