package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.baton.common.error.BatonException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of source, fetched for real: a web server on loopback, a git repository, a directory. */
class ArtifactsTest {
  @TempDir Path tmp;
  private HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  private String serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      byte[] body = files.get(ex.getRequestURI().getPath());
      ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) {
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void aUrlIsFetchedOnceCheckedAgainstItsSha256UrlAndKeptByDigest() throws Exception {
    String base = serve();
    byte[] archive = "pretend this is a tar.gz of 1.0".getBytes(StandardCharsets.UTF_8);
    files.put("/webapp-1.0.tar.gz", archive);
    files.put("/webapp-1.0.tar.gz.sha256", (sha256(archive) + "  webapp-1.0.tar.gz\n").getBytes(StandardCharsets.UTF_8));
    var source = new DeployRequest.Source(base + "/webapp-{revision}.tar.gz", base + "/webapp-{revision}.tar.gz.sha256",
        null, null);
    Artifacts artifacts = new Artifacts(tmp.resolve("cache"));
    Artifacts.Artifact a = artifacts.fetch(source, "1.0", null);
    assertEquals(sha256(archive), a.sha256());
    assertEquals(archive.length, a.fetchedBytes());
    assertArrayEquals(archive, Files.readAllBytes(a.file()));
    int after = requests.get();
    Artifacts.Artifact again = artifacts.fetch(source, "1.0", null);
    assertEquals(0, again.fetchedBytes(), "kept: not downloaded again");
    assertEquals(after + 1, requests.get(), "only the digest was asked for again");
  }

  @Test
  void anArchiveThatIsNotTheOneExpectedIsRefusedAndNotKept() throws Exception {
    String base = serve();
    files.put("/webapp-2.0.tar.gz", "tampered".getBytes(StandardCharsets.UTF_8));
    var source = new DeployRequest.Source(base + "/webapp-{revision}.tar.gz", null, null, null);
    Artifacts artifacts = new Artifacts(tmp.resolve("cache"));
    String expected = sha256("the real one".getBytes(StandardCharsets.UTF_8));
    BatonException e = assertThrows(BatonException.class, () -> artifacts.fetch(source, "2.0", expected));
    assertTrue(e.getMessage().contains("not " + expected) && e.getMessage().contains("before any node was changed"),
        e.getMessage());
    try (var s = Files.list(tmp.resolve("cache"))) {
      assertEquals(List.of(), s.toList(), "nothing kept, no partial file");
    }
    BatonException none = assertThrows(BatonException.class, () -> artifacts.fetch(source, "2.0", null));
    assertTrue(none.getMessage().contains("give --sha256, or set source.sha256_url"), none.getMessage());
    BatonException missing = assertThrows(BatonException.class, () -> artifacts.fetch(source, "3.0", expected));
    assertTrue(missing.getMessage().contains("answered HTTP 404"), missing.getMessage());
  }

  @Test
  void aGitRevisionIsArchivedFromTheRepository() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo);
    git(repo, "init", "-q");
    Files.writeString(repo.resolve("VERSION"), "1.0\n");
    git(repo, "add", "VERSION");
    git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "one");
    git(repo, "tag", "v1.0");
    Artifacts.Artifact a = new Artifacts(tmp.resolve("cache")).fetch(
        new DeployRequest.Source(null, null, repo.toUri().toString(), null), "v1.0", null);
    Path out = Files.createDirectories(tmp.resolve("out"));
    assertEquals(0, new ProcessBuilder("tar", "-xzf", a.file().toString(), "-C", out.toString()).start().waitFor());
    assertEquals("1.0\n", Files.readString(out.resolve("VERSION")));
    BatonException e = assertThrows(BatonException.class, () -> new Artifacts(tmp.resolve("cache")).fetch(
        new DeployRequest.Source(null, null, repo.toUri().toString(), null), "v9.9", null));
    assertTrue(e.getMessage().contains("v9.9"), e.getMessage());
  }

  @Test
  void aDirectoryOfARevisionIsPackedToTheSameBytesEveryTime() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("artifacts/v1/bin"));
    Files.writeString(src.resolve("run"), "#!/bin/sh\necho v1\n");
    var source = new DeployRequest.Source(null, null, null, tmp.resolve("artifacts").toString());
    Artifacts.Artifact first = new Artifacts(tmp.resolve("cache-1")).fetch(source, "v1", null);
    Files.setLastModifiedTime(src.resolve("run"), java.nio.file.attribute.FileTime.fromMillis(0));
    Artifacts.Artifact second = new Artifacts(tmp.resolve("cache-2")).fetch(source, "v1", null);
    assertEquals(first.sha256(), second.sha256(), "the same tree is the same archive (no times, owners or order)");
    BatonException e = assertThrows(BatonException.class, () -> new Artifacts(tmp.resolve("cache-1")).fetch(source,
        "v2", null));
    assertTrue(e.getMessage().contains("no archive of revision v2"), e.getMessage());
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("git"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }
}
