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
 * node is asked anything; so is one with no digest to check it against (a URL without
 * {@code sha256_url}, an S3 object without a SHA-256 checksum of its own, unless the operator gives
 * it). Blocking: called on a worker.
 */
public final class Artifacts {
  /** A fetched archive: where it is here, its digest and size, and how many bytes came from the source. */
  public record Artifact(Path file, String sha256, long bytes, long fetchedBytes) {}

  private static final long MAX_BYTES = 2L << 30;
  private final Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
      .followRedirects(HttpClient.Redirect.NORMAL).build();

  private final java.util.concurrent.atomic.LongAdder fetchedBytes = new java.util.concurrent.atomic.LongAdder();
  private final ObjectSource objects;

  /** Archives of every source but S3. */
  public Artifacts(Path dir) {
    this(dir, null);
  }

  /** @param objects where s3 sources are read (null: none is) */
  public Artifacts(Path dir, ObjectSource objects) {
    this.dir = dir;
    this.objects = objects;
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
   * against {@code sha256} (the operator's, else the source's {@code sha256_url} or the S3 object's
   * own checksum; a git archive is named by its commit, so its digest is the one computed here).
   */
  public Artifact fetch(DeployRequest.Source source, String revision, String sha256) throws IOException {
    String expected = sha256;
    String from = "the digest given";
    String object = source.s3() == null ? null : source.s3().replace("{revision}", revision);
    if (expected == null && source.sha256Url() != null) {
      expected = digestAt(source.sha256Url().replace("{revision}", revision));
      from = "sha256_url";
    }
    if (expected == null && object != null) {
      expected = objectDigest(objects().head(object, source.cloud()), object);
      from = "the object's SHA-256 checksum in S3";
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
      } else if (object != null) {
        copyObject(object, source.cloud(), sha256 != null, tmp);
      } else {
        gitArchive(source.git(), revision, tmp);
      }
      String actual = sha256(tmp);
      if (expected != null && !actual.equalsIgnoreCase(expected)) {
        throw new BatonException(ErrorCode.FAILED_PRECONDITION, "the archive of " + revision + " from "
            + source.describe() + " has SHA-256 " + actual + ", not " + expected.toLowerCase() + " (" + from
            + "); refused before any node was changed");
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
      copyCapped(in, "at " + url, to);
    }
  }

  /** Streamed to the file, never held whole: at most {@link #MAX_BYTES}, whatever the source announced. */
  private static void copyCapped(InputStream in, String where, Path to) throws IOException {
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (var out = Files.newOutputStream(to)) {
      for (int k; (k = in.read(buf)) > 0; ) {
        n += k;
        if (n > MAX_BYTES) {
          throw tooLarge(where);
        }
        out.write(buf, 0, k);
      }
    }
  }

  private static BatonException tooLarge(String where) {
    return BatonException.invalid("the archive " + where + " is larger than " + (MAX_BYTES >> 30) + " GiB");
  }

  private ObjectSource objects() {
    if (objects == null) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "this controller reads no S3 objects (it was built"
          + " without an S3 client): give the application a url, git or directory source");
    }
    return objects;
  }

  /**
   * The object's own SHA-256, which S3 keeps only when it was uploaded with one. A multipart
   * upload's SHA-256 is of its parts' checksums (BASE64-N), not of the object: refused, since it
   * cannot be compared with the archive's digest.
   */
  private static String objectDigest(ObjectSource.Head head, String uri) {
    if (head.bytes() > MAX_BYTES) {
      throw tooLarge(uri);
    }
    if (head.partsChecksum() != null) {
      throw BatonException.invalid("the object " + uri + " has a SHA-256 checksum of its parts (" + head.partsChecksum()
          + ", from a multipart upload), not of the archive, so there is nothing to check it against: give --sha256"
          + " (sha256sum of the archive), or upload it in one part with its SHA-256: aws s3api put-object --bucket "
          + bucket(uri) + " --key " + key(uri) + " --body FILE --checksum-algorithm SHA256");
    }
    if (head.sha256() == null) {
      throw BatonException.invalid("the object " + uri + " has no SHA-256 checksum to check the archive against:"
          + " give --sha256, or upload the object with a SHA-256 checksum: aws s3 cp --checksum-algorithm SHA256 FILE "
          + uri);
    }
    return head.sha256();
  }

  /**
   * The object streamed to {@code to}, refused at once when it is over the cap.
   *
   * @param digestGiven the digest was given (by the operator, or the deployment's): the object's own checksum does not matter
   */
  private void copyObject(String uri, dev.baton.controller.intent.CloudIntent cloud, boolean digestGiven, Path to)
      throws IOException {
    try (ObjectSource.Body body = objects().open(uri, cloud)) {
      if (body.head().bytes() > MAX_BYTES) {
        throw tooLarge(uri);
      }
      if (!digestGiven) {
        // again as it answers: a store may tell of parts only here (moto 5.2.2 does), or the object changed since
        objectDigest(body.head(), uri);
      }
      try {
        copyCapped(body.in(), uri, to);
      } catch (BatonException e) {
        if (e.code() != ErrorCode.FAILED_PRECONDITION) {
          throw e;
        }
        // the store found the bytes are not those it keeps the checksum of, as they arrived
        throw new BatonException(e.code(), e.getMessage() + "; refused before any node was changed", e);
      }
    }
  }

  private static String bucket(String uri) {
    String rest = uri.substring("s3://".length());
    return rest.substring(0, rest.indexOf('/'));
  }

  private static String key(String uri) {
    String rest = uri.substring("s3://".length());
    return rest.substring(rest.indexOf('/') + 1);
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
