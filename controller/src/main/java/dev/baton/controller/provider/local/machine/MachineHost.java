package dev.baton.controller.provider.local.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What this host needs to boot machines, and the commands that do it: root, and Debian's
 * {@code debootstrap} (to make images) and {@code systemd-container} ({@code systemd-nspawn}, to
 * boot them). {@link #missing()} says exactly what is not there.
 */
public final class MachineHost {
  static final Path DEBOOTSTRAP = Path.of("/usr/sbin/debootstrap");
  static final Path NSPAWN = Path.of("/usr/bin/systemd-nspawn");
  static final Path CHROOT = Path.of("/usr/sbin/chroot");
  static final Path SETSID = Path.of("/usr/bin/setsid");

  private MachineHost() {}

  /** What is missing to boot machines here, in one sentence, or null when nothing is. */
  public static String missing() {
    List<String> gaps = new ArrayList<>();
    long uid = uid();
    if (uid != 0) {
      gaps.add("root (this process runs as uid " + uid + ")");
    }
    List<String> packages = new ArrayList<>();
    if (!Files.isExecutable(DEBOOTSTRAP)) {
      packages.add("debootstrap");
    }
    if (!Files.isExecutable(NSPAWN)) {
      packages.add("systemd-container");
    }
    if (!packages.isEmpty()) {
      gaps.add("the Debian package" + (packages.size() == 1 ? " " : "s ") + String.join(" and ", packages)
          + " (apt-get install " + String.join(" ", packages) + ")");
    }
    if (!Files.isExecutable(CHROOT) || !Files.isExecutable(SETSID)) {
      gaps.add("chroot and setsid (coreutils, util-linux)");
    }
    return gaps.isEmpty() ? null : "a machine needs " + String.join(", and ", gaps);
  }

  static long uid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  /** What a command printed and how it ended. */
  record Result(int exitCode, String output) {
    /** Its last lines, for a message. */
    String tail(int lines) {
      List<String> all = output.lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
  }

  /** Runs a command to its end (killed after {@code timeout}), its output appended to {@code log}. */
  static Result run(List<String> cmd, Path log, Duration timeout, String... env) throws IOException {
    Path out = Files.createTempFile("baton-machine-", ".out");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      for (int i = 0; i + 1 < env.length; i += 2) {
        pb.environment().put(env[i], env[i + 1]);
      }
      Process p = pb.start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new IOException("`" + String.join(" ", cmd) + "` did not end within " + timeout.toMinutes() + " min");
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      String text = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
      if (log != null) {
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n" + text, StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      }
      return new Result(p.exitValue(), text);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
