package dev.baton.controller.handoff;

import dev.baton.common.msg.NodeCommand;
import io.vertx.core.Future;
import dev.baton.controller.intent.HandoffIntent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code shell}: BOOTSTRAP_RUN and FINAL_RUN run the platform's commands on the node; exit code 0
 * moves on, anything else fails the hand-off with the exit code and the last line printed.
 */
public final class ShellManagement implements ConfigManagement {
  static final Duration DEADLINE = Duration.ofMinutes(30);

  @Override
  public String kind() {
    return "shell";
  }

  @Override
  public List<HandoffStep> steps(Handoff h) {
    HandoffIntent.Shell shell = h.settings().shellOrEmpty();
    int timeout = shell.timeoutSeconds();
    List<HandoffStep> out = new ArrayList<>();
    if (shell.bootstrap() != null) {
      out.add(HandoffStep.of("BOOTSTRAP_RUN", DEADLINE, x -> run(x, "BOOTSTRAP_RUN", shell.bootstrap(), timeout)));
    }
    if (shell.final_() != null) {
      out.add(HandoffStep.of("FINAL_RUN", DEADLINE, x -> run(x, "FINAL_RUN", shell.final_(), timeout)));
    }
    return out;
  }

  private static Future<Void> run(Handoff h, String step, String command, int timeout) {
    return h.request(new NodeCommand.Run(step, command, timeout)).compose(res -> res.ok() ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(StepFailure.exited(step, step + " exited with " + res.exitCode()
            + lastLine(res.output()), res.exitCode())));
  }

  static String lastLine(String out) {
    return out.isBlank() ? "" : ": " + out.lines().reduce((a, b) -> b).orElse("");
  }

  /** {@code none}: READY once attested. */
  public static ConfigManagement none() {
    return new ConfigManagement() {
      @Override
      public String kind() {
        return "none";
      }

      @Override
      public List<HandoffStep> steps(Handoff h) {
        return List.of();
      }
    };
  }

  /** Found by {@link java.util.ServiceLoader}: {@code shell} and {@code none}. */
  public static final class Factory implements ConfigManagement.Factory {
    @Override
    public ConfigManagement create(Context context) {
      return new ShellManagement();
    }
  }

  /** Found by {@link java.util.ServiceLoader}: {@code none}. */
  public static final class NoneFactory implements ConfigManagement.Factory {
    @Override
    public ConfigManagement create(Context context) {
      return none();
    }
  }
}
