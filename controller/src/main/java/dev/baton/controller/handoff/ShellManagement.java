package dev.baton.controller.handoff;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.NodeCommands;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code shell}: BOOTSTRAP_RUN and FINAL_RUN run the platform's commands on the node; exit code 0
 * moves on, anything else fails the hand-off with the exit code and the last line printed.
 */
public final class ShellManagement implements ConfigManagement {
  @Override
  public String kind() {
    return "shell";
  }

  @Override
  public List<NodeState> phases(Handoff h) {
    JsonObject shell = h.settings().getJsonObject("shell", new JsonObject());
    List<NodeState> out = new ArrayList<>();
    if (shell.getString("bootstrap") != null) {
      out.add(NodeState.BOOTSTRAP_RUN);
    }
    if (shell.getString("final") != null) {
      out.add(NodeState.FINAL_RUN);
    }
    return out;
  }

  @Override
  public Duration deadline(NodeState phase) {
    return Duration.ofMinutes(30);
  }

  @Override
  public Future<Void> run(NodeState phase, Handoff h) {
    JsonObject shell = h.settings().getJsonObject("shell", new JsonObject());
    int timeout = shell.getInteger("timeout_seconds", 600);
    String command = shell.getString(phase == NodeState.BOOTSTRAP_RUN ? "bootstrap" : "final");
    return h.request(NodeCommands.run(phase.name(), command, timeout), timeout).compose(res -> {
      int code = res.getInteger("exit_code", -1);
      if (code == 0) {
        return Future.<Void>succeededFuture();
      }
      return Future.<Void>failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION,
          phase + " exited with " + code + lastLine(res.getString("output", ""))));
    });
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
      public List<NodeState> phases(Handoff h) {
        return List.of();
      }

      @Override
      public Future<Void> run(NodeState phase, Handoff h) {
        return Future.succeededFuture();
      }
    };
  }
}
