package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What S3's answers mean, without S3: an object's location, its SHA-256 told from a checksum of parts, S3's errors in words. */
class S3ObjectsTest {
  static final S3Objects.Location L = S3Objects.Location.of("s3://acme-artifacts/webapp/webapp-1.0.tar.gz");

  @Test
  void aLocationIsABucketAndAKey() {
    assertEquals(new S3Objects.Location("acme-artifacts", "webapp/webapp-1.0.tar.gz"), L);
    assertEquals("s3://acme-artifacts/webapp/webapp-1.0.tar.gz", L.toString());
    for (String bad : new String[] {"https://acme-artifacts/x", "s3://acme-artifacts", "s3://acme-artifacts/", "s3:///x"}) {
      BatonException e = assertThrows(BatonException.class, () -> S3Objects.Location.of(bad));
      assertTrue(e.getMessage().contains("write s3://BUCKET/KEY"), e.getMessage());
    }
  }

  @Test
  void theObjectsSha256IsToldFromAChecksumOfItsParts() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("archive".getBytes());
    String b64 = Base64.getEncoder().encodeToString(digest);
    assertEquals(new S3Objects.Head(7, HexFormat.of().formatHex(digest), null), S3Objects.head(L, 7L, b64,
        ChecksumType.FULL_OBJECT));
    assertEquals(new S3Objects.Head(7, HexFormat.of().formatHex(digest), null), S3Objects.head(L, 7L, b64, null));
    assertEquals(new S3Objects.Head(7, null, b64 + "-3"), S3Objects.head(L, 7L, b64 + "-3", null), "S3's form of parts");
    assertEquals(new S3Objects.Head(7, null, b64), S3Objects.head(L, 7L, b64, ChecksumType.COMPOSITE), "said by its type");
    assertEquals(new S3Objects.Head(7, null, null), S3Objects.head(L, 7L, null, null));
    BatonException e = assertThrows(BatonException.class, () -> S3Objects.head(L, 7L, "bm90IGEgZGlnZXN0", null));
    assertTrue(e.getMessage().contains("is not one") && e.getMessage().contains("give --sha256"), e.getMessage());
  }

  @Test
  void s3sRefusalsSayWhatToDo() {
    BatonException key = S3Objects.translate("GetObject", L, (S3Exception) S3Exception.builder().statusCode(404)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchKey").build()).build());
    assertEquals(ErrorCode.NOT_FOUND, key.code());
    assertTrue(key.getMessage().contains("no object webapp/webapp-1.0.tar.gz in the bucket acme-artifacts"),
        key.getMessage());
    BatonException bucket = S3Objects.translate("GetObject", L, NoSuchBucketException.builder().statusCode(404).build());
    assertEquals(ErrorCode.NOT_FOUND, bucket.code());
    assertTrue(bucket.getMessage().contains("there is no bucket acme-artifacts"), bucket.getMessage());
    BatonException denied = S3Objects.translate("GetObject", L, (S3Exception) S3Exception.builder().statusCode(403)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build()).build());
    assertEquals(ErrorCode.PERMISSION_DENIED, denied.code());
    assertTrue(denied.getMessage().contains("allow s3:GetObject on arn:aws:s3:::acme-artifacts/*"), denied.getMessage());
    BatonException slow = S3Objects.translate("GetObject", L, (S3Exception) S3Exception.builder().statusCode(503)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").build()).build());
    assertEquals(ErrorCode.UNAVAILABLE, slow.code());
    assertTrue(slow.retryable());
  }
}
