package dev.baton.common.msg;

import io.vertx.core.json.JsonObject;

/** Messages between the controller and an attested node, after registration. */
public final class NodeCommands {
  private NodeCommands() {}

  /** Node to controller: connected and listening. */
  public static JsonObject hello(String version) {
    return new JsonObject().put("type", "hello").put("version", version);
  }

  /** Controller to node (request): run a command the platform defines, for a hand-off phase. */
  public static JsonObject run(String phase, String command, int timeoutSeconds) {
    return new JsonObject().put("type", "run").put("phase", phase).put("command", command)
        .put("timeout_seconds", timeoutSeconds);
  }

  /** Node to controller (reply): how a command ended; {@code output} is its last lines. */
  public static JsonObject result(int exitCode, String output, long millis) {
    return new JsonObject().put("type", "result").put("exit_code", exitCode).put("output", output)
        .put("millis", millis);
  }
}
