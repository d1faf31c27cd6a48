package dev.baton.controller.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a local executable with the event's JSON on its standard input; exit 0 is delivered. */
public final class CommandNotifier implements Notifier {
  private final Vertx vertx;

  public CommandNotifier(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Void> deliver(Event e, Hook h) {
    List<String> cmd = new ArrayList<>();
    h.settings().getJsonArray("command", new JsonArray()).forEach(x -> cmd.add(x.toString()));
    int timeout = h.settings().getInteger("timeout_seconds", 30);
    return vertx.executeBlocking(() -> {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try (var in = p.getOutputStream()) {
        in.write(e.toJson().encode().getBytes(StandardCharsets.UTF_8));
      } catch (java.io.IOException ignored) {
        // the command need not read the event (it may have ended already): its exit code says how it went
      }
      byte[] out = p.getInputStream().readNBytes(4096);
      if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("command timed out after " + timeout + " s");
      }
      if (p.exitValue() != 0) {
        String tail = new String(out, StandardCharsets.UTF_8).strip();
        throw new IllegalStateException("command exited with " + p.exitValue() + (tail.isEmpty() ? "" : ": "
            + tail.lines().reduce((a, b) -> b).orElse("")));
      }
      return null;
    }, false);
  }
}
