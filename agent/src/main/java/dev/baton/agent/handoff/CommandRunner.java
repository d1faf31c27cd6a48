package dev.baton.agent.handoff;

import dev.baton.common.msg.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command the controller sends for a hand-off phase ({@code sh -c}, in the agent's work
 * directory, with a timeout), and answers with its exit code and the last lines it printed.
 * The commands come from the platform's definitions, never from the node.
 */
public final class CommandRunner {
  private static final int TAIL_LINES = 20;
  private final Path workDir;

  public CommandRunner(Path workDir) {
    this.workDir = workDir;
  }

  /** Blocking: call from a worker thread. Runs {@code sh -c command}. */
  public CommandResult run(String command, int timeoutSeconds) {
    return run(java.util.List.of("sh", "-c", command), timeoutSeconds);
  }

  /** Blocking: call from a worker thread. Runs {@code argv} as given (no shell). */
  public CommandResult run(java.util.List<String> argv, int timeoutSeconds) {
    return run(argv, workDir, Map.of(), timeoutSeconds);
  }

  /**
   * Blocking: call from a worker thread. Runs {@code argv} as given in {@code cwd}, with the agent's
   * environment plus {@code env} (a deployment's hooks: their release's directory, BATON_* values).
   */
  public CommandResult run(java.util.List<String> argv, Path cwd, Map<String, String> env, int timeoutSeconds) {
    long t0 = System.currentTimeMillis();
    Deque<String> tail = new ArrayDeque<>();
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      Thread reader = new Thread(() -> {
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (tail) {
              tail.addLast(line.length() > 400 ? line.substring(0, 400) : line);
              if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
              }
            }
          }
        } catch (IOException e) {
          // the process ended
        }
      }, "command-output");
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return CommandResult.of(124, "timed out after " + timeoutSeconds + " s", System.currentTimeMillis() - t0);
      }
      reader.join(2000);
      synchronized (tail) {
        return CommandResult.of(p.exitValue(), String.join("\n", tail), System.currentTimeMillis() - t0);
      }
    } catch (IOException e) {
      return CommandResult.of(127, "cannot run the command: " + e.getMessage(), System.currentTimeMillis() - t0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CommandResult.of(130, "interrupted", System.currentTimeMillis() - t0);
    }
  }
}
