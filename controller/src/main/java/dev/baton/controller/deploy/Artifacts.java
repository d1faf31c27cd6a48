package dev.baton.controller.deploy;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The archives the controller serves to nodes, fetched once per revision from the application's
 * source and kept by SHA-256 under {@code BATON_HOME/artifacts}, so that a fleet never downloads
 * from the source itself. An archive whose digest is not the one expected is refused before any
 * node is asked anything. Blocking: called on a worker.
 */
public final class Artifacts {
  /** A fetched archive: where it is here, its digest and size, and how many bytes came from the source. */
  public record Artifact(Path file, String sha256, long bytes, long fetchedBytes) {}

  private static final long MAX_BYTES = 2L << 30;
  private final Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
      .followRedirects(HttpClient.Redirect.NORMAL).build();

  private final java.util.concurrent.atomic.LongAdder fetchedBytes = new java.util.concurrent.atomic.LongAdder();

  public Artifacts(Path dir) {
    this.dir = dir;
  }

  /** Bytes taken from sources since the start (a revision kept here costs nothing again). */
  public long fetchedBytes() {
    return fetchedBytes.sum();
  }

  /** The archive of {@code sha256} when it is here. */
  public java.util.Optional<Path> find(String sha256) {
    Path f = dir.resolve(sha256.toLowerCase() + ".tar.gz");
    return Files.isRegularFile(f) ? java.util.Optional.of(f) : java.util.Optional.empty();
  }

  /**
   * The archive of {@code revision}: taken from the source (at most once per digest), checked
   * against {@code sha256} (the operator's, else the source's {@code sha256_url}; a git archive is
   * named by its commit, so its digest is the one computed here).
   */
  public Artifact fetch(DeployRequest.Source source, String revision, String sha256) throws IOException {
    String expected = sha256;
    if (expected == null && source.sha256Url() != null) {
      expected = digestAt(source.sha256Url().replace("{revision}", revision));
    }
    if (expected == null && source.url() != null) {
      throw BatonException.invalid("the archive of " + revision + " at " + source.url() + " has no SHA-256 to check"
          + " it against: give --sha256, or set source.sha256_url");
    }
    if (expected != null) {
      var kept = find(expected);
      if (kept.isPresent()) {
        return new Artifact(kept.get(), expected.toLowerCase(), Files.size(kept.get()), 0);
      }
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".incoming-", ".tar.gz");
    try {
      if (source.directory() != null) {
        copyFromDirectory(Path.of(source.directory()), revision, tmp);
      } else if (source.url() != null) {
        download(source.url().replace("{revision}", revision), tmp);
      } else {
        gitArchive(source.git(), revision, tmp);
      }
      String actual = sha256(tmp);
      if (expected != null && !actual.equalsIgnoreCase(expected)) {
        throw new BatonException(ErrorCode.FAILED_PRECONDITION, "the archive of " + revision + " from "
            + source.describe() + " has SHA-256 " + actual + ", not " + expected.toLowerCase()
            + "; refused before any node was changed");
      }
      long bytes = Files.size(tmp);
      fetchedBytes.add(bytes);
      Path f = dir.resolve(actual + ".tar.gz");
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Artifact(f, actual, bytes, bytes);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void copyFromDirectory(Path d, String revision, Path to) throws IOException {
    for (String ext : List.of(".tar.gz", ".tgz", ".tar")) {
      Path f = d.resolve(revision + ext);
      if (Files.isRegularFile(f)) {
        Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        return;
      }
    }
    Path tree = d.resolve(revision);
    if (Files.isDirectory(tree)) {
      packDirectory(tree, to);
      return;
    }
    throw new BatonException(ErrorCode.NOT_FOUND, "no archive of revision " + revision + " in " + d + " (expected "
        + revision + ".tar.gz, .tgz or .tar, or a directory " + revision + "/)");
  }

  /**
   * A directory's files as a {@code .tar.gz} that is the same bytes every time (sorted, no times,
   * no owners), so that the same tree is one digest and one archive in the cache.
   */
  private static void packDirectory(Path tree, Path to) throws IOException {
    Path tar = Files.createTempFile(to.getParent(), ".pack-", ".tar");
    try {
      Process p = new ProcessBuilder("tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
          "-cf", tar.toString(), "-C", tree.toString(), ".").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("tar could not pack " + tree + ": " + out.strip());
      }
      // Java's gzip writes no time or name, unlike tar -z
      try (InputStream in = Files.newInputStream(tar);
          var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(to), 1 << 16)) {
        in.transferTo(gz);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while packing " + tree, e);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  private void download(String url, Path to) throws IOException {
    HttpResponse<InputStream> r = send(url, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new BatonException(ErrorCode.NOT_FOUND, "the archive at " + url + " answered HTTP " + r.statusCode());
      }
      long n = 0;
      byte[] buf = new byte[1 << 16];
      try (var out = Files.newOutputStream(to)) {
        for (int k; (k = in.read(buf)) > 0; ) {
          n += k;
          if (n > MAX_BYTES) {
            throw BatonException.invalid("the archive at " + url + " is larger than " + (MAX_BYTES >> 30) + " GiB");
          }
          out.write(buf, 0, k);
        }
      }
    }
  }

  /** The first word of the file at {@code url}: a digest such as {@code sha256sum} writes. */
  private String digestAt(String url) throws IOException {
    HttpResponse<String> r = send(url, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    String word = r.body() == null ? "" : r.body().trim().split("\\s+")[0];
    if (r.statusCode() != 200 || !word.matches("[0-9a-fA-F]{64}")) {
      throw new BatonException(ErrorCode.NOT_FOUND, "no SHA-256 at " + url + " (HTTP " + r.statusCode() + ")");
    }
    return word.toLowerCase();
  }

  private <T> HttpResponse<T> send(String url, HttpResponse.BodyHandler<T> body) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET().build(), body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url, e);
    } catch (IllegalArgumentException e) {
      throw BatonException.invalid("\"" + url + "\" is not a URL: " + e.getMessage());
    }
  }

  /** {@code git archive} of one revision, fetched alone (a shallow fetch of one commit, tag or branch). */
  private static void gitArchive(String repo, String revision, Path to) throws IOException {
    Path work = Files.createTempDirectory("baton-git-");
    try {
      git(work, "init", "-q");
      git(work, "fetch", "-q", "--depth", "1", repo, revision);
      git(work, "archive", "--format=tar.gz", "-o", to.toString(), "FETCH_HEAD");
    } finally {
      try (var s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void git(Path dir, String... args) throws IOException {
    List<String> argv = new java.util.ArrayList<>(List.of("git", "-c", "protocol.file.allow=always"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("git " + args[0] + " did not finish within 10 min");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.exitValue() != 0) {
        throw new BatonException(ErrorCode.NOT_FOUND, "git " + args[0] + " failed (exit " + p.exitValue() + "): " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int k; (k = in.read(buf)) > 0; ) {
        md.update(buf, 0, k);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
