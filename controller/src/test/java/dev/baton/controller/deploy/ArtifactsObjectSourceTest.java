package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.intent.CloudIntent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An s3 source through a fake object store: which digest an object is checked against (the
 * operator's, else the object's own SHA-256, never a checksum of its parts), each refusal with
 * what to do, and nothing kept of a refused archive. S3 itself: {@code S3ArtifactsAwsIT}.
 */
class ArtifactsObjectSourceTest {
  static final CloudIntent CLOUD = new CloudIntent("aws", "eu-west-1", null, null, null, null, null);
  static final String URI = "s3://acme-artifacts/webapp/webapp-{revision}.tar.gz";
  static final byte[] ARCHIVE = "pretend this is a tar.gz of 1.0".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  /** An object store of one bucket: each object with what its store says of it (head and answer may differ). */
  static class FakeStore implements ObjectSource {
    final Map<String, byte[]> bodies = new HashMap<>();
    final Map<String, Head> heads = new HashMap<>();
    final Map<String, Head> answers = new HashMap<>();
    final AtomicInteger headCalls = new AtomicInteger();
    final AtomicInteger openCalls = new AtomicInteger();

    void put(String uri, byte[] body, Head head) {
      bodies.put(uri, body);
      heads.put(uri, head);
    }

    @Override
    public Head head(String uri, CloudIntent cloud) {
      headCalls.incrementAndGet();
      assertEquals(CLOUD, cloud, "read as the platform");
      Head h = heads.get(uri);
      if (h == null) {
        throw new BatonException(ErrorCode.NOT_FOUND, "no object " + uri);
      }
      return h;
    }

    @Override
    public Body open(String uri, CloudIntent cloud) {
      openCalls.incrementAndGet();
      byte[] b = bodies.get(uri);
      if (b == null) {
        throw new BatonException(ErrorCode.NOT_FOUND, "no object " + uri);
      }
      return new Body(answers.getOrDefault(uri, heads.get(uri)), new ByteArrayInputStream(b));
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private final FakeStore store = new FakeStore();

  private Artifacts artifacts() {
    return new Artifacts(tmp.resolve("cache"), store);
  }

  private void assertNothingKept() throws Exception {
    if (Files.isDirectory(tmp.resolve("cache"))) {
      try (var s = Files.list(tmp.resolve("cache"))) {
        assertEquals(List.of(), s.toList(), "nothing kept, no partial file");
      }
    }
  }

  @Test
  void anObjectIsCheckedAgainstItsOwnSha256AndFetchedOnce() throws Exception {
    store.put("s3://acme-artifacts/webapp/webapp-1.0.tar.gz", ARCHIVE, new ObjectSource.Head(ARCHIVE.length,
        sha256(ARCHIVE), null));
    Artifacts artifacts = artifacts();
    Artifacts.Artifact a = artifacts.fetch(DeployRequest.Source.s3(URI, CLOUD), "1.0", null);
    assertEquals(sha256(ARCHIVE), a.sha256());
    assertArrayEquals(ARCHIVE, Files.readAllBytes(a.file()));
    assertEquals(ARCHIVE.length, a.fetchedBytes());
    Artifacts.Artifact again = artifacts.fetch(DeployRequest.Source.s3(URI, CLOUD), "1.0", null);
    assertEquals(0, again.fetchedBytes(), "kept: not downloaded again");
    assertEquals(1, store.openCalls.get(), "only its checksum was asked for again");
  }

  @Test
  void theOperatorsDigestNeedsNoChecksumInTheStore() throws Exception {
    store.put("s3://acme-artifacts/webapp/webapp-1.0.tar.gz", ARCHIVE, new ObjectSource.Head(ARCHIVE.length, null, null));
    Artifacts.Artifact a = artifacts().fetch(DeployRequest.Source.s3(URI, CLOUD), "1.0", sha256(ARCHIVE));
    assertEquals(sha256(ARCHIVE), a.sha256());
    assertEquals(0, store.headCalls.get(), "the digest given: no need to ask the store for one");
  }

  @Test
  void anObjectWithoutASha256IsRefusedSayingHowToGiveOne() throws Exception {
    store.put("s3://acme-artifacts/webapp/webapp-1.0.tar.gz", ARCHIVE, new ObjectSource.Head(ARCHIVE.length, null, null));
    BatonException e = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI, CLOUD),
        "1.0", null));
    assertTrue(e.getMessage().contains("s3://acme-artifacts/webapp/webapp-1.0.tar.gz has no SHA-256 checksum")
        && e.getMessage().contains("give --sha256, or upload the object with a SHA-256 checksum: aws s3 cp"
            + " --checksum-algorithm SHA256"), e.getMessage());
    assertEquals(0, store.openCalls.get(), "refused before any byte was read");
    assertNothingKept();
  }

  @Test
  void aChecksumOfPartsIsNotTheArchivesDigest() throws Exception {
    String uri = "s3://acme-artifacts/webapp/webapp-1.0.tar.gz";
    store.put(uri, ARCHIVE, new ObjectSource.Head(ARCHIVE.length, null, "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycHk=-3"));
    BatonException e = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI, CLOUD),
        "1.0", null));
    assertTrue(e.getMessage().contains("checksum of its parts") && e.getMessage().contains("-3")
        && e.getMessage().contains("aws s3api put-object --bucket acme-artifacts --key webapp/webapp-1.0.tar.gz"),
        e.getMessage());
    // a store that tells of parts only as it answers (moto 5.2.2's HeadObject drops the -N)
    store.answers.put(uri, store.heads.get(uri));
    store.heads.put(uri, new ObjectSource.Head(ARCHIVE.length, sha256(ARCHIVE), null));
    BatonException later = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI,
        CLOUD), "1.0", null));
    assertTrue(later.getMessage().contains("checksum of its parts"), later.getMessage());
    assertNothingKept();
    Artifacts.Artifact given = artifacts().fetch(DeployRequest.Source.s3(URI, CLOUD), "1.0", sha256(ARCHIVE));
    assertEquals(sha256(ARCHIVE), given.sha256(), "with --sha256 a checksum of parts does not matter");
  }

  @Test
  void anObjectThatIsNotItsChecksumOrTheOperatorsDigestIsRefused() throws Exception {
    String wrong = sha256("another archive".getBytes(StandardCharsets.UTF_8));
    store.put("s3://acme-artifacts/webapp/webapp-1.0.tar.gz", ARCHIVE, new ObjectSource.Head(ARCHIVE.length, wrong, null));
    BatonException e = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI, CLOUD),
        "1.0", null));
    assertTrue(e.getMessage().contains("not " + wrong + " (the object's SHA-256 checksum in S3)")
        && e.getMessage().contains("refused before any node was changed"), e.getMessage());
    BatonException given = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI,
        CLOUD), "1.0", wrong));
    assertTrue(given.getMessage().contains("not " + wrong + " (the digest given)"), given.getMessage());
    assertNothingKept();
  }

  @Test
  void bytesTheStoreFindsAreNotItsChecksumAreRefusedAndNotKept() throws Exception {
    String uri = "s3://acme-artifacts/webapp/webapp-1.0.tar.gz";
    FakeStore corrupt = new FakeStore() {
      @Override
      public Body open(String u, CloudIntent cloud) {
        // as S3's client does at the end of a body that is not its checksum
        return new Body(heads.get(u), new java.io.SequenceInputStream(new ByteArrayInputStream(ARCHIVE),
            new java.io.InputStream() {
              @Override
              public int read() {
                throw new BatonException(ErrorCode.FAILED_PRECONDITION, "reading " + u + " failed: Data read has a"
                    + " different checksum than expected");
              }
            }));
      }
    };
    corrupt.put(uri, ARCHIVE, new ObjectSource.Head(ARCHIVE.length, sha256(ARCHIVE), null));
    BatonException e = assertThrows(BatonException.class, () -> new Artifacts(tmp.resolve("cache"), corrupt).fetch(
        DeployRequest.Source.s3(URI, CLOUD), "1.0", null));
    assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
    assertTrue(e.getMessage().contains("different checksum") && e.getMessage().endsWith("refused before any node was"
        + " changed"), e.getMessage());
    assertNothingKept();
  }

  @Test
  void anObjectOverTheCapIsRefusedBeforeItIsRead() throws Exception {
    store.put("s3://acme-artifacts/webapp/webapp-1.0.tar.gz", ARCHIVE, new ObjectSource.Head(3L << 30, sha256(ARCHIVE),
        null));
    BatonException e = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI, CLOUD),
        "1.0", null));
    assertTrue(e.getMessage().contains("larger than 2 GiB"), e.getMessage());
    BatonException given = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI,
        CLOUD), "1.0", sha256(ARCHIVE)));
    assertTrue(given.getMessage().contains("larger than 2 GiB"), given.getMessage());
    assertEquals(1, store.openCalls.get());
    assertNothingKept();
  }

  @Test
  void aMissingObjectAndAControllerWithoutS3AreSaidSo() {
    BatonException missing = assertThrows(BatonException.class, () -> artifacts().fetch(DeployRequest.Source.s3(URI,
        CLOUD), "9.9", null));
    assertEquals(ErrorCode.NOT_FOUND, missing.code());
    BatonException none = assertThrows(BatonException.class, () -> new Artifacts(tmp.resolve("cache")).fetch(
        DeployRequest.Source.s3(URI, CLOUD), "1.0", null));
    assertTrue(none.getMessage().contains("reads no S3 objects"), none.getMessage());
  }
}
