package dev.baton.deb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Debian system booted for a test the way the local cloud boots its machines (docs/machines.md):
 * a copy of a cached image, never the image itself, booted with {@code systemd-nspawn --boot
 * --register=no --keep-unit} on this host's network; commands run inside it through {@code nsenter}
 * into its systemd. {@link #close} shuts it down and deletes the copy.
 */
final class BootedMachine implements AutoCloseable {
  /** What a command printed (stdout and stderr together) and how it ended. */
  record Result(int exitCode, String output) {
    String out() {
      return output.strip();
    }
  }

  final Path rootfs;
  private final Path dir;
  private final Process nspawn;
  private final long systemdPid;

  private BootedMachine(Path dir, Process nspawn, long systemdPid) {
    this.dir = dir;
    this.rootfs = dir.resolve("rootfs");
    this.nspawn = nspawn;
    this.systemdPid = systemdPid;
  }

  /** Copies {@code image} into {@code dir}/rootfs, lets {@code prepare} change the copy, boots it, waits for systemd. */
  static BootedMachine boot(Path image, Path dir, String name, IoConsumer<Path> prepare) throws IOException,
      InterruptedException {
    Files.createDirectories(dir);
    Path rootfs = dir.resolve("rootfs");
    Result copy = run(List.of("cp", "-a", "--reflink=auto", image.toString(), rootfs.toString()), Duration.ofMinutes(10));
    if (copy.exitCode() != 0) {
      throw new IOException("copying the image failed: " + copy.out());
    }
    prepare.accept(rootfs);
    Process p = new ProcessBuilder("setsid", "systemd-nspawn", "--quiet", "--directory=" + rootfs, "--boot",
        "--machine=" + name, "--register=no", "--keep-unit", "--resolv-conf=copy-host", "--console=read-only")
        .redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    BootedMachine m = null;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Optional<ProcessHandle> systemd = Optional.empty();
      while (systemd.isEmpty() && System.nanoTime() < deadline && p.isAlive()) {
        Thread.sleep(200);
        // the machine's PID 1 is the nspawn's grandchild, whose command is systemd
        systemd = p.toHandle().descendants().filter(h -> comm(h.pid()).equals("systemd")).findFirst();
      }
      if (systemd.isEmpty()) {
        throw new IOException("the machine did not boot: " + Files.readString(dir.resolve("console.log")));
      }
      m = new BootedMachine(dir, p, systemd.get().pid());
      // systemd opens its private socket a moment after it starts: until then systemctl cannot connect
      Result up = m.exec(Duration.ofMinutes(3), "systemctl", "is-system-running", "--wait");
      long bus = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (up.out().contains("Failed to connect") && System.nanoTime() < bus && p.isAlive()) {
        Thread.sleep(250);
        up = m.exec(Duration.ofMinutes(3), "systemctl", "is-system-running", "--wait");
      }
      if (!up.out().equals("running") && !up.out().equals("degraded")) {
        throw new IOException("the machine's systemd is " + up.out() + "\n" + m.exec(Duration.ofMinutes(1),
            "systemctl", "--failed", "--no-pager").out() + "\nconsole:\n" + Files.readString(dir.resolve("console.log")));
      }
      return m;
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (m != null) {
        m.close();
      } else {
        p.destroyForcibly();
        deleteTree(dir);
      }
      throw e;
    }
  }

  /** Runs {@code cmd} as root inside the machine, in its namespaces, with a plain environment. */
  Result exec(Duration timeout, String... cmd) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("nsenter", "-t", Long.toString(systemdPid), "-a", "--",
        "env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
        "DEBIAN_FRONTEND=noninteractive", "HOME=/root"));
    all.addAll(List.of(cmd));
    return run(all, timeout);
  }

  /** Shuts the machine down (systemd's orderly halt on SIGTERM; killed after 60 s) and deletes its copy. */
  @Override
  public void close() throws IOException {
    nspawn.destroy();
    try {
      if (!nspawn.waitFor(60, TimeUnit.SECONDS)) {
        nspawn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      nspawn.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  boolean alive() {
    return nspawn.isAlive();
  }

  static Result run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile("baton-deb-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("`" + String.join(" ", cmd) + "` did not end within " + timeout.toSeconds() + " s: "
            + Files.readString(out));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Removes a tree without following links out of it (a machine's root has links to / everywhere). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @FunctionalInterface
  interface IoConsumer<T> {
    void accept(T t) throws IOException;
  }
}
