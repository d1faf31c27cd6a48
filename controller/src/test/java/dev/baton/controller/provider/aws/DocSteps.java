package dev.baton.controller.provider.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of a walkthrough in a Markdown page, run as an operator would: every fenced block
 * whose info string is {@code bash walkthrough}, in the page's order, in one bash session (so a
 * variable one step sets is there for the next), {@code set -euo pipefail} so that any failing
 * command ends the session. Each block's first line names it: {@code # step: NAME}.
 */
final class DocSteps implements AutoCloseable {
  static final Pattern BLOCK = Pattern.compile("(?ms)^```bash walkthrough\\n(.*?)^```");
  static final Pattern NAME = Pattern.compile("# step: ([a-z0-9-]+)");

  /** One block of the page: its name and its text. */
  record Step(String name, String script) {}

  /** The walkthrough blocks of {@code page}, in order. */
  static List<Step> of(Path page) throws IOException {
    List<Step> steps = new ArrayList<>();
    Matcher m = BLOCK.matcher(Files.readString(page));
    while (m.find()) {
      String script = m.group(1);
      Matcher name = NAME.matcher(script.lines().findFirst().orElse(""));
      if (!name.matches()) {
        throw new IllegalStateException(page + ": a walkthrough block must start with \"# step: NAME\": " + script);
      }
      steps.add(new Step(name.group(1), script));
    }
    return steps;
  }

  private final Process bash;
  private final Writer in;
  private final Path dir;
  private final StringBuilder output = new StringBuilder();
  private final Thread reader;

  /** A bash session in {@code workDir} with exactly {@code env} as its environment. */
  DocSteps(Path workDir, Path scripts, Map<String, String> env) throws IOException {
    this.dir = Files.createDirectories(scripts);
    ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc").directory(workDir.toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    bash = pb.start();
    in = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          System.out.println("| " + line);
          synchronized (output) {
            output.append(line).append('\n');
            output.notifyAll();
          }
        }
      } catch (IOException e) {
        // the session ended
      }
    }, "walkthrough-output");
    reader.setDaemon(true);
    reader.start();
    send("set -euo pipefail\n");
  }

  /**
   * Runs one step and returns what it printed (standard output and error). The step is sourced
   * from a file with its standard input from /dev/null, so a command that reads input cannot eat
   * the next step.
   *
   * @throws AssertionError when the step fails (the session ends) or outlasts {@code timeout}
   */
  String run(Step step, Duration timeout) throws IOException, InterruptedException {
    Path file = dir.resolve(step.name() + ".sh");
    Files.writeString(file, step.script());
    String done = "@@step " + step.name() + " done@@";
    int from;
    synchronized (output) {
      from = output.length();
    }
    System.out.println("$ step " + step.name());
    send("source '" + file + "' < /dev/null\necho '" + done + "'\n");
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (output) {
      while (output.indexOf(done, from) < 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (!bash.isAlive() && output.indexOf(done, from) < 0) {
          reader.join(5000);
          throw new AssertionError("step " + step.name() + " failed (exit " + bash.waitFor() + "):\n"
              + output.substring(from));
        }
        if (left <= 0) {
          throw new AssertionError("step " + step.name() + " did not finish in " + timeout + ":\n" + output.substring(from));
        }
        output.wait(Math.min(left, 200));
      }
      return output.substring(from, output.indexOf(done, from));
    }
  }

  private void send(String text) throws IOException {
    in.write(text);
    in.flush();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      in.close();
    } catch (IOException e) {
      // already gone
    }
    if (!bash.waitFor(10, TimeUnit.SECONDS)) {
      bash.destroyForcibly().waitFor();
    }
  }
}
