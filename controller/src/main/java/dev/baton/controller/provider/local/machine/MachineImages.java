package dev.baton.controller.provider.local.machine;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.MachineImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The images machines boot from, made once with {@code debootstrap} and kept outside any checkout
 * ({@code /var/cache/baton/images}, or {@code BATON_IMAGE_CACHE}); an image that is missing, or
 * was made by another recipe, is made again. An image holds only what a cloud image holds —
 * systemd, dbus, iproute2, netbase, procps, ca-certificates and cloud-init, told to read the
 * NoCloud seed — and nothing the user data is meant to install (no Java, no curl, no Puppet).
 * Two processes that need the same image at once make it once (a file lock).
 */
public final class MachineImages {
  /** Changing anything below makes every cached image be made again. */
  static final String RECIPE = "3: minbase systemd,systemd-sysv,dbus,iproute2,netbase,procps,ca-certificates"
      + " + cloud-init (no recommends), NoCloud, locale C.UTF-8, apt lists and caches emptied";
  private static final String INCLUDE = "systemd,systemd-sysv,dbus,iproute2,netbase,procps,ca-certificates";
  /**
   * cloud-init reads the machine's seed; the image has no locale of en_US (as a cloud image would
   * generate), so it keeps C.UTF-8 instead of failing its locale module.
   */
  static final String CLOUD_CFG = "# Written by Baton's local cloud: machines are seeded like NoCloud instances\n"
      + "datasource_list: [ NoCloud, None ]\nlocale: C.UTF-8\n";

  private static final java.util.Map<MachineImage, Object> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

  private MachineImages() {}

  /** {@code -Dbaton.image-cache}, else {@code BATON_IMAGE_CACHE}, else {@code /var/cache/baton/images}. */
  public static Path cache() {
    String p = dev.baton.common.settings.Settings.IMAGE_CACHE.orNull();
    return Path.of(p != null && !p.isBlank() ? p : "/var/cache/baton/images");
  }

  /** The Debian archive images are made from: {@code BATON_DEBIAN_MIRROR}, else deb.debian.org. */
  static String mirror() {
    String m = System.getenv("BATON_DEBIAN_MIRROR");
    return m != null && !m.isBlank() ? m : "http://deb.debian.org/debian";
  }

  /**
   * The directory of {@code image} as the current recipe makes it: its name carries the recipe's
   * hash, so an image made by another recipe is never changed under the machines that boot from it.
   */
  static Path dirOf(MachineImage image) {
    String hash = dev.baton.common.crypto.Fingerprints.sha256((RECIPE + CLOUD_CFG + image.suite())
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 12);
    return cache().resolve(image.yaml() + "-" + hash);
  }

  /** Whether {@code image} is made and current (nothing to wait for). */
  public static boolean ready(MachineImage image) {
    Path dir = dirOf(image);
    try {
      return Files.isDirectory(dir.resolve("rootfs/usr/bin")) && RECIPE.equals(Files.readString(dir.resolve("recipe")).trim());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The root file system of {@code image}, made first when it is missing or stale (1 to 5 minutes,
   * once per machine). Blocking.
   *
   * @param progress hears what is being done, in a sentence
   */
  public static Path rootfs(MachineImage image, Consumer<String> progress) throws IOException {
    Path dir = dirOf(image);
    Files.createDirectories(cache());
    // one builder per image: threads of this process wait on the monitor, other processes on the file lock
    synchronized (LOCKS.computeIfAbsent(image, k -> new Object())) {
      try (FileChannel ch = FileChannel.open(cache().resolve(image.yaml() + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
        if (!ready(image)) {
          build(image, dir, progress);
        }
      }
    }
    return dir.resolve("rootfs");
  }

  private static void build(MachineImage image, Path dir, Consumer<String> progress) throws IOException {
    String missing = MachineHost.missing();
    if (missing != null) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "image " + image.yaml() + ": " + missing);
    }
    long t0 = System.nanoTime();
    progress.accept("making image " + image.yaml() + " (Debian " + image.suite() + ", debootstrap; a few minutes, once)");
    Path work = cache().resolve(dir.getFileName() + ".building");
    deleteTree(work);
    Files.createDirectories(work);
    Path log = work.resolve("build.log");
    Path root = work.resolve("rootfs");
    step(image, log, List.of(MachineHost.DEBOOTSTRAP.toString(), "--variant=minbase", "--include=" + INCLUDE,
        image.suite(), root.toString(), mirror()), Duration.ofMinutes(30));
    Files.copy(Path.of("/etc/resolv.conf"), root.resolve("etc/resolv.conf"), StandardCopyOption.REPLACE_EXISTING);
    // not in debootstrap's --include: it does not resolve cloud-init's virtual dependencies
    step(image, log, List.of(MachineHost.CHROOT.toString(), root.toString(), "apt-get", "install", "-y", "-q",
        "--no-install-recommends", "cloud-init"), Duration.ofMinutes(20), "DEBIAN_FRONTEND", "noninteractive");
    step(image, log, List.of(MachineHost.CHROOT.toString(), root.toString(), "apt-get", "clean"), Duration.ofMinutes(2));
    deleteTree(root.resolve("var/lib/apt/lists"));
    Files.createDirectories(root.resolve("var/lib/apt/lists/partial"));
    Files.deleteIfExists(root.resolve("etc/resolv.conf"));
    Files.writeString(root.resolve("etc/machine-id"), ""); // each machine gets its own at boot
    Files.writeString(root.resolve("etc/cloud/cloud.cfg.d/90-baton-local.cfg"), CLOUD_CFG);
    Files.writeString(work.resolve("recipe"), RECIPE + "\n");
    deleteTree(dir);
    Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
    long s = (System.nanoTime() - t0) / 1_000_000_000L;
    progress.accept("image " + image.yaml() + " made in " + s + " s (" + dir + ")");
  }

  private static void step(MachineImage image, Path log, List<String> cmd, Duration timeout, String... env)
      throws IOException {
    MachineHost.Result r = MachineHost.run(cmd, log, timeout, env);
    if (r.exitCode() != 0) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "image " + image.yaml() + ": `" + String.join(" ", cmd.subList(0,
          Math.min(3, cmd.size()))) + " ...` failed (exit " + r.exitCode() + "; log " + log + "):\n" + r.tail(8));
    }
  }

  /** Removes a directory tree without following links out of it. */
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
}
