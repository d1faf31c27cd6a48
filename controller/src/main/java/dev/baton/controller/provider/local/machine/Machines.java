package dev.baton.controller.provider.local.machine;

import dev.baton.common.msg.AgentConfig;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.provider.local.LocalIdentities;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Instances of the local cloud that are real machines: a copy of a {@link MachineImages} image
 * booted with {@code systemd-nspawn --boot}, its user data handed to cloud-init through a NoCloud
 * seed, exactly as a cloud hands it to a new instance. A machine shares this host's network (it
 * reaches a controller on loopback and Debian's archive), has its own file system, processes and
 * host name, and is root on this host: a test runtime, not a security boundary.
 *
 * <p>Everything of machine {@code ID} is under {@code local-cloud/instance-data/ID}: {@code machine.json}
 * (its image), {@code rootfs/} (an overlay of the image, its writes in {@code upper/}; a copy where
 * no overlay can be mounted), {@code console.log} (what systemd printed at boot) and {@code pid} (of
 * its {@code systemd-nspawn}, taken to be the machine's only while its command line names it).
 */
public final class Machines {
  /** Where the local cloud puts a machine's identity document inside it (the agent's default). */
  static final String IDENTITY_IN_MACHINE = AgentConfig.DEFAULT_LOCAL_IDENTITY;
  /** What cloud-init's log and Baton's script leave inside a machine, for {@link #bootReport}. */
  static final String OUTPUT_LOG = "var/log/cloud-init-output.log";
  static final String FAILED_FILE = "var/lib/baton/user-data.failed";
  static final String RESULT = "var/lib/cloud/data/result.json";

  private Machines() {}

  static Path dir(Path root, String id) {
    return root.resolve("instance-data").resolve(id);
  }

  /** Whether instance {@code id} of the local cloud is a machine (not an agent process). */
  public static boolean isMachine(Path root, String id) {
    return Files.exists(dir(root, id).resolve("machine.json"));
  }

  /**
   * Creates machine {@code id} from {@code image} with {@code userData} (what a cloud would be given:
   * MIME multipart, as rendered for the image's family), gives it its identity document, and boots it.
   * Blocking: the image is made first when this host has none (minutes, once).
   */
  public static void launch(Path root, String id, MachineImage image, byte[] userData, Consumer<String> progress)
      throws IOException {
    Path rootfsImage = MachineImages.rootfs(image, progress);
    Path dir = dir(root, id);
    Files.createDirectories(dir);
    // first: from now on the instance is a machine (its boot is read as one while it is being made)
    AtomicFiles.write(dir.resolve("machine.json"), new JsonObject().put("image", image.yaml())
        .put("lower", rootfsImage.toString()).put("launched", java.time.Instant.now().toString()).encodePrettily(), false);
    Path rootfs = dir.resolve("rootfs");
    if (!mount(dir, rootfsImage)) {
      // no overlay file system here: a copy (half a minute for a cold image on a slow disk)
      MachineHost.Result copy = MachineHost.run(List.of("cp", "-a", "--reflink=auto", rootfsImage.toString(),
          rootfs.toString()), null, Duration.ofMinutes(10));
      if (copy.exitCode() != 0) {
        throw new IOException("machine " + id + ": copying image " + image.yaml() + " failed: " + copy.tail(3));
      }
    }
    Path seed = rootfs.resolve("var/lib/cloud/seed/nocloud");
    Files.createDirectories(seed);
    Files.write(seed.resolve("user-data"), userData);
    Files.writeString(seed.resolve("meta-data"), "instance-id: " + id + "\nlocal-hostname: " + id + "\n");
    LocalIdentities.issue(root, id, rootfs.resolve(IDENTITY_IN_MACHINE.substring(1)));
    boot(root, id);
  }

  /** Boots a stopped machine again (its disk as it was: cloud-init runs nothing twice, the agent keeps its identity). */
  public static void start(Path root, String id) throws IOException {
    if (!alive(root, id)) {
      boot(root, id);
    }
  }

  /**
   * The machine's root: the image (read-only) under an overlay whose writes go to {@code upper/}, so
   * that a machine costs what it changes, not a copy of the image. False when this host cannot mount
   * one (the caller copies the image instead).
   */
  private static boolean mount(Path dir, Path lower) throws IOException {
    for (String d : List.of("upper", "work", "rootfs")) {
      Files.createDirectories(dir.resolve(d));
    }
    MachineHost.Result r = MachineHost.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + lower
        + ",upperdir=" + dir.resolve("upper") + ",workdir=" + dir.resolve("work"), dir.resolve("rootfs").toString()),
        null, Duration.ofMinutes(1));
    if (r.exitCode() != 0) {
      MachineImages.deleteTree(dir.resolve("upper"));
      MachineImages.deleteTree(dir.resolve("work"));
      Files.deleteIfExists(dir.resolve("rootfs"));
      return false;
    }
    return true;
  }

  static boolean mounted(Path path) {
    try {
      String target = path.toAbsolutePath().normalize().toString();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[4].replace("\\040", " ").equals(target)) {
          return true;
        }
      }
    } catch (IOException e) {
      // no mountinfo: nothing is taken to be mounted
    }
    return false;
  }

  /** The overlay of a machine that has one, mounted again after this host restarted (mounts do not last). */
  private static void remount(Path dir) throws IOException {
    if (!Files.isDirectory(dir.resolve("upper")) || mounted(dir.resolve("rootfs"))) {
      return;
    }
    String lower = new JsonObject(Files.readString(dir.resolve("machine.json"))).getString("lower");
    if (lower == null || !mount(dir, Path.of(lower))) {
      throw new IOException("machine " + dir.getFileName() + ": its overlay on " + lower + " cannot be mounted again");
    }
  }

  private static void unmount(Path dir) throws IOException {
    Path rootfs = dir.resolve("rootfs");
    if (mounted(rootfs) && MachineHost.run(List.of("umount", rootfs.toString()), null, Duration.ofMinutes(1)).exitCode() != 0) {
      MachineHost.run(List.of("umount", "--lazy", rootfs.toString()), null, Duration.ofMinutes(1));
    }
  }

  private static void boot(Path root, String id) throws IOException {
    Path dir = dir(root, id);
    remount(dir);
    List<String> cmd = new ArrayList<>(List.of(MachineHost.SETSID.toString(), MachineHost.NSPAWN.toString(),
        "--quiet", "--directory=" + dir.resolve("rootfs"), "--boot", "--machine=" + id,
        // this host's PID 1 need not be systemd: no machined registration, no scope of its own
        "--register=no", "--keep-unit", "--resolv-conf=copy-host", "--console=read-only"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    AtomicFiles.write(dir.resolve("pid"), Long.toString(p.pid()), false);
  }

  /** The machine's {@code systemd-nspawn}, if it runs. */
  static Optional<ProcessHandle> process(Path root, String id) {
    try {
      Path pidFile = dir(root, id).resolve("pid");
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      String arg = "--machine=" + id;
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
        try {
          return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0")).contains(arg);
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public static boolean alive(Path root, String id) {
    return process(root, id).isPresent();
  }

  /** Shuts the machine down (systemd's orderly halt on SIGTERM; killed after 60 s). Its disk stays. */
  public static void stop(Path root, String id) {
    process(root, id).ifPresent(h -> {
      h.destroy();
      try {
        h.onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
        try {
          h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // gone or not: its directory is removed by the caller either way
        }
      }
    });
  }

  /** Shuts the machine down and removes it: nothing of it is left on this host. */
  public static void terminate(Path root, String id) throws IOException {
    stop(root, id);
    unmount(dir(root, id)); // never delete through the overlay: the image below stays as it is
    MachineImages.deleteTree(dir(root, id));
    LocalIdentities.forget(root, id);
  }

  /**
   * What the machine's boot says so far, for a node that does not register: Baton's failure line
   * when its script stopped, whether cloud-init finished (and its errors), and the tail of
   * cloud-init's output.
   */
  public static BootReport bootReport(Path root, String id) {
    Path rootfs = dir(root, id).resolve("rootfs");
    String failed = read(rootfs.resolve(FAILED_FILE), 1000);
    boolean finished = false;
    List<String> errors = List.of();
    String result = read(rootfs.resolve(RESULT), 20_000);
    if (result != null) {
      try {
        finished = true;
        var e = new JsonObject(result).getJsonObject("v1", new JsonObject()).getJsonArray("errors");
        errors = e == null ? List.of() : e.stream().map(String::valueOf).toList();
      } catch (RuntimeException ex) {
        finished = false;
      }
    }
    String out = read(rootfs.resolve(OUTPUT_LOG), 200_000);
    return new BootReport(failed == null ? null : failed.strip(), finished, errors, out == null ? "" : tail(out, 15));
  }

  /** @param failedStep Baton's script's one line when a step failed, else null */
  public record BootReport(String failedStep, boolean finished, List<String> errors, String outputTail) {}

  private static String read(Path f, int max) {
    try {
      if (!Files.isRegularFile(f)) {
        return null;
      }
      byte[] b = Files.readAllBytes(f);
      int from = Math.max(0, b.length - max);
      return new String(b, from, b.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  public static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
