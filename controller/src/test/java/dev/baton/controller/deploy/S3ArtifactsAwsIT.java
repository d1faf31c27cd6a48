package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.intent.CloudIntent;
import dev.baton.controller.serve.S3Archives;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Applications' archives in S3, read through {@link Artifacts} and the controller's S3 client
 * ({@link S3Archives}) against whatever {@code AWS_ENDPOINT_URL} points at — an AWS account or an
 * emulator (checked against moto 5.2.2): an object uploaded with its SHA-256 is fetched without
 * --sha256 and kept, one without a checksum only with --sha256, a mismatch refused and nothing
 * kept, a multipart upload's checksum of parts refused as a digest, an object whose bytes are not
 * its checksum refused (where the endpoint stores one, as moto does; S3 refuses the upload), a
 * missing key and a missing bucket said so by name. Runs with {@code mvn verify -Paws-it}; credentials from the SDK's
 * default chain; skipped when no endpoint is set.
 */
class S3ArtifactsAwsIT {
  static final String REGION = "eu-west-1";
  static final String BUCKET = "baton-it-artifacts-" + Long.toHexString(System.nanoTime());
  static final String SOURCE = "s3://" + BUCKET + "/webapp/webapp-{revision}.tar.gz";
  static final byte[] WITH = "the archive of 1.0, uploaded with its SHA-256".getBytes(StandardCharsets.UTF_8);
  static final byte[] WITHOUT = "the archive of 2.0, uploaded without a checksum".getBytes(StandardCharsets.UTF_8);
  static final byte[] PARTS = new byte[(5 << 20) + 1000];

  @TempDir static Path dir;
  static S3Client s3;
  static CloudIntent cloud;

  @BeforeAll
  static void setUp() throws Exception {
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    assumeTrue(endpoint != null && !endpoint.isBlank(), "AWS_ENDPOINT_URL is not set: the aws-it suite needs an endpoint"
        + " (an AWS account's, or an AWS-compatible emulator's) and credentials in the SDK's default chain");
    cloud = new CloudIntent(CloudIntent.AWS, REGION, null, null, null, null, endpoint);
    // the test's own client sends a checksum only when asked (the SDK's default adds a CRC32 to every upload)
    s3 = S3Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint)).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
    s3.createBucket(b -> b.bucket(BUCKET).createBucketConfiguration(c -> c.locationConstraint(REGION)));
    s3.putObject(b -> b.bucket(BUCKET).key("webapp/webapp-1.0.tar.gz").checksumAlgorithm(ChecksumAlgorithm.SHA256),
        RequestBody.fromBytes(WITH));
    s3.putObject(b -> b.bucket(BUCKET).key("webapp/webapp-2.0.tar.gz"), RequestBody.fromBytes(WITHOUT));
    Arrays.fill(PARTS, (byte) 'x');
    String key = "webapp/webapp-3.0.tar.gz";
    String upload = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256))
        .uploadId();
    byte[] first = Arrays.copyOfRange(PARTS, 0, 5 << 20);
    byte[] second = Arrays.copyOfRange(PARTS, 5 << 20, PARTS.length);
    var one = s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(upload).partNumber(1)
        .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(first));
    var two = s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(upload).partNumber(2)
        .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(second));
    s3.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(upload).multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(one.eTag()).checksumSHA256(one.checksumSHA256()).build(),
        CompletedPart.builder().partNumber(2).eTag(two.eTag()).checksumSHA256(two.checksumSHA256()).build())));
  }

  @AfterAll
  static void tearDown() {
    if (s3 != null) {
      for (String rev : List.of("1.0", "2.0", "3.0", "4.0")) {
        s3.deleteObject(b -> b.bucket(BUCKET).key("webapp/webapp-" + rev + ".tar.gz"));
      }
      s3.deleteBucket(b -> b.bucket(BUCKET));
      s3.close();
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static Artifacts artifacts(String cache) {
    return new Artifacts(dir.resolve(cache), new S3Archives());
  }

  static DeployRequest.Source source() {
    return DeployRequest.Source.s3(SOURCE, cloud);
  }

  @Test
  void whatS3SaysOfEachObject() throws Exception {
    S3Archives store = new S3Archives();
    String base = "s3://" + BUCKET + "/webapp/webapp-";
    ObjectSource.Head with = store.head(base + "1.0.tar.gz", cloud);
    ObjectSource.Head without = store.head(base + "2.0.tar.gz", cloud);
    ObjectSource.Head parts = store.head(base + "3.0.tar.gz", cloud);
    ObjectSource.Head partsAnswered;
    try (ObjectSource.Body b = store.open(base + "3.0.tar.gz", cloud)) {
      partsAnswered = b.head();
    }
    System.out.println("S3 says: with SHA-256 " + with + "; without " + without + "; multipart " + parts
        + " (HeadObject), " + partsAnswered + " (GetObject)");
    assertEquals(new ObjectSource.Head(WITH.length, sha256(WITH), null), with);
    assertEquals(new ObjectSource.Head(WITHOUT.length, null, null), without);
    assertEquals(PARTS.length, partsAnswered.bytes());
    assertNull(partsAnswered.sha256(), "a checksum of parts is never taken for the object's digest");
    assertTrue(partsAnswered.partsChecksum().endsWith("-2"), partsAnswered.toString());
  }

  @Test
  void anObjectWithItsSha256IsFetchedWithoutOneGivenAndKept() throws Exception {
    Artifacts artifacts = artifacts("cache-with");
    Artifacts.Artifact a = artifacts.fetch(source(), "1.0", null);
    assertEquals(sha256(WITH), a.sha256());
    assertArrayEquals(WITH, Files.readAllBytes(a.file()));
    assertEquals(WITH.length, a.fetchedBytes());
    assertEquals(0, artifacts.fetch(source(), "1.0", null).fetchedBytes(), "kept: only its checksum asked again");
    assertEquals(0, artifacts.fetch(source(), "1.0", sha256(WITH)).fetchedBytes(), "kept: S3 not even asked");
  }

  @Test
  void anObjectWithoutAChecksumNeedsTheOperatorsDigest() throws Exception {
    Artifacts artifacts = artifacts("cache-without");
    BatonException none = assertThrows(BatonException.class, () -> artifacts.fetch(source(), "2.0", null));
    assertTrue(none.getMessage().contains("has no SHA-256 checksum") && none.getMessage().contains("give --sha256, or"
        + " upload the object with a SHA-256 checksum: aws s3 cp --checksum-algorithm SHA256"), none.getMessage());
    Artifacts.Artifact a = artifacts.fetch(source(), "2.0", sha256(WITHOUT));
    assertArrayEquals(WITHOUT, Files.readAllBytes(a.file()));
  }

  @Test
  void anArchiveThatIsNotTheOneGivenIsRefusedAndNotKept() throws Exception {
    String other = sha256("another archive".getBytes(StandardCharsets.UTF_8));
    BatonException e = assertThrows(BatonException.class, () -> artifacts("cache-mismatch").fetch(source(), "2.0",
        other));
    assertTrue(e.getMessage().contains("not " + other) && e.getMessage().contains("refused before any node was changed"),
        e.getMessage());
    try (var s = Files.list(dir.resolve("cache-mismatch"))) {
      assertEquals(List.of(), s.toList(), "nothing kept, no partial file");
    }
  }

  @Test
  void aMultipartChecksumOfPartsIsRefusedAsADigest() throws Exception {
    BatonException e = assertThrows(BatonException.class, () -> artifacts("cache-parts").fetch(source(), "3.0", null));
    assertTrue(e.getMessage().contains("checksum of its parts") && e.getMessage().contains("give --sha256"),
        e.getMessage());
    Artifacts.Artifact a = artifacts("cache-parts").fetch(source(), "3.0", sha256(PARTS));
    assertEquals(PARTS.length, a.bytes(), "with --sha256 the archive is what counts");
  }

  @Test
  void anObjectThatIsNotItsOwnChecksumIsRefusedAndNotKept() throws Exception {
    String wrong = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(WITHOUT));
    try {
      s3.putObject(b -> b.bucket(BUCKET).key("webapp/webapp-4.0.tar.gz").checksumAlgorithm(ChecksumAlgorithm.SHA256)
          .checksumSHA256(wrong), RequestBody.fromBytes(WITH));
    } catch (S3Exception e) {
      assumeTrue(false, "the endpoint checks a checksum on upload, as S3 does (" + e.statusCode() + "): nothing to test");
    }
    BatonException e = assertThrows(BatonException.class, () -> artifacts("cache-corrupt").fetch(source(), "4.0", null));
    System.out.println("an object that is not its own checksum: " + e.getMessage());
    assertEquals(ErrorCode.FAILED_PRECONDITION, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("checksum") && e.getMessage().endsWith("refused before any node was changed"),
        e.getMessage());
    try (var s = Files.list(dir.resolve("cache-corrupt"))) {
      assertEquals(List.of(), s.toList(), "nothing kept, no partial file");
    }
  }

  @Test
  void aMissingKeyOrBucketIsNamed() {
    BatonException key = assertThrows(BatonException.class, () -> artifacts("cache-missing").fetch(source(), "9.9",
        null));
    assertEquals(ErrorCode.NOT_FOUND, key.code(), key.getMessage());
    assertTrue(key.getMessage().contains("no object webapp/webapp-9.9.tar.gz in the bucket " + BUCKET), key.getMessage());
    BatonException given = assertThrows(BatonException.class, () -> artifacts("cache-missing").fetch(source(), "9.9",
        sha256(WITH)));
    assertEquals(ErrorCode.NOT_FOUND, given.code(), given.getMessage());
    assertTrue(given.getMessage().contains("webapp/webapp-9.9.tar.gz") && given.getMessage().contains(BUCKET),
        given.getMessage());
    BatonException bucket = assertThrows(BatonException.class, () -> artifacts("cache-missing").fetch(
        DeployRequest.Source.s3("s3://" + BUCKET + "-gone/webapp-{revision}.tar.gz", cloud), "1.0", sha256(WITH)));
    assertEquals(ErrorCode.NOT_FOUND, bucket.code(), bucket.getMessage());
    assertTrue(bucket.getMessage().contains("no bucket " + BUCKET + "-gone"), bucket.getMessage());
  }
}
