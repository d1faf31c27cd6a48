package dev.baton.agent.deploy;

import dev.baton.agent.handoff.CommandRunner;
import dev.baton.common.msg.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An application's releases on one node, in the layout deploy tools share (Capistrano, Deployer):
 * {@code ROOT/releases/REV} holds each revision unpacked, {@code ROOT/current} is a symbolic link
 * to the one that runs and {@code ROOT/previous} to the one before it. Switching is one
 * {@code rename(2)} of a new link over the old, so a process that follows {@code current} sees one
 * release or the other, never a mix; going back is the same switch to {@code previous}, with no
 * download. Blocking: called on a worker.
 */
public final class Releases {
  /** A revision names a directory: letters, digits, dot, dash, underscore; no path. */
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path root;
  private final CommandRunner runner;

  /** @param runner runs {@code tar} (the system's: GNU tar refuses members that climb out with {@code ..}) */
  public Releases(Path root, CommandRunner runner) {
    this.root = root;
    this.runner = runner;
  }

  public Path root() {
    return root;
  }

  /** The directory of a revision (checked: a revision cannot name a path outside the releases). */
  public Path release(String revision) {
    if (revision == null || !REVISION.matcher(revision).matches()) {
      throw new IllegalArgumentException("deploy: refused revision " + (revision == null ? "(none)" : "\"" + revision
          + "\"") + " (letters, digits, '.', '-', '_')");
    }
    return root.resolve("releases").resolve(revision);
  }

  /** The revision {@code current} points at, if any. */
  public Optional<String> current() throws IOException {
    return target(root.resolve("current"));
  }

  /** The revision that ran before the current one, if any. */
  public Optional<String> previous() throws IOException {
    return target(root.resolve("previous"));
  }

  /**
   * Checks {@code archive} against {@code sha256} and unpacks it (a {@code .tar.gz}, {@code .tgz}
   * or {@code .tar}) into {@code releases/REV}: into a temporary directory first, renamed into place
   * once whole, so that a half-unpacked release is never taken for one. A revision already
   * unpacked is kept as it is. An archive whose digest differs is refused before anything is written.
   */
  public Path unpack(String revision, Path archive, String sha256) throws IOException {
    Path dir = release(revision);
    String actual = sha256(archive);
    if (!actual.equalsIgnoreCase(sha256)) {
      throw new IOException("deploy: the artifact of " + revision + " has SHA-256 " + actual + ", not " + sha256
          + "; nothing was changed");
    }
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Files.createDirectories(dir.getParent());
    Path tmp = dir.resolveSibling("." + revision + ".unpacking");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    String name = archive.getFileName().toString();
    String flags = name.endsWith(".tar") ? "-xf" : "-xzf";
    CommandResult r = runner.run(List.of("tar", flags, archive.toString(), "-C", tmp.toString(), "--no-same-owner",
        "--no-same-permissions", "--no-overwrite-dir"), 600);
    if (!r.ok()) {
      deleteTree(tmp);
      throw new IOException("deploy: could not unpack " + name + " (tar exited with " + r.exitCode() + "): "
          + r.output().lines().reduce((a, b) -> b).orElse(""));
    }
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      deleteTree(tmp); // unpacked meanwhile by an earlier attempt that finished
    }
    return dir;
  }

  /**
   * Makes {@code revision} the current release; the one that was current becomes {@code previous}.
   * Switching to the release that is already current changes nothing.
   */
  public void activate(String revision) throws IOException {
    Path dir = release(revision);
    if (!Files.isDirectory(dir)) {
      throw new IOException("deploy: release " + revision + " is not unpacked on this node");
    }
    Optional<String> was = current();
    if (was.isPresent() && was.get().equals(revision)) {
      return;
    }
    if (was.isPresent()) {
      link(root.resolve("previous"), was.get());
    }
    link(root.resolve("current"), revision);
  }

  /**
   * Goes back to the previous release, locally: {@code current} points at it again and the
   * failed one becomes {@code previous}. Returns the revision now current.
   */
  public String rollback() throws IOException {
    String back = previous().orElseThrow(() -> new IOException("deploy: no previous release to go back to"));
    String failed = current().orElse(null);
    link(root.resolve("current"), back);
    if (failed != null) {
      link(root.resolve("previous"), failed);
    }
    return back;
  }

  /**
   * Removes all but the {@code keep} newest releases; the current and previous ones are always
   * kept. Returns the revisions removed.
   */
  public List<String> prune(int keep) throws IOException {
    Path releases = root.resolve("releases");
    if (!Files.isDirectory(releases)) {
      return List.of();
    }
    List<Path> all;
    try (Stream<Path> s = Files.list(releases)) {
      all = new ArrayList<>(s.filter(p -> !p.getFileName().toString().startsWith(".")).filter(Files::isDirectory)
          .toList());
    }
    all.sort(Comparator.comparing(Releases::modified).reversed());
    String cur = current().orElse(null);
    String prev = previous().orElse(null);
    List<String> removed = new ArrayList<>();
    int kept = 0;
    for (Path p : all) {
      String rev = p.getFileName().toString();
      if (rev.equals(cur) || rev.equals(prev) || kept < keep) {
        kept++;
        continue;
      }
      deleteTree(p);
      removed.add(rev);
    }
    return removed;
  }

  /** Points {@code link} at {@code releases/REV} by renaming a new link over it (atomic). */
  private void link(Path link, String revision) throws IOException {
    Path tmp = link.resolveSibling("." + link.getFileName() + ".switching");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of("releases", revision));
    try {
      Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("deploy: " + root + " is on a file system that cannot switch a link atomically", e);
    }
  }

  private static Optional<String> target(Path link) throws IOException {
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0;) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
