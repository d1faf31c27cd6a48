package dev.baton.controller.provider.aws;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.CredentialsSpec;
import dev.baton.controller.provider.CallStats;
import io.vertx.core.json.JsonObject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The objects of S3 that applications' archives come from, read as their platform: its region
 * and credentials as {@code provision} described its cloud to the controller
 * ({@code {region, profile, role_arn, external_id, endpoint_url}}, the intents' JSON form: this
 * class knows nothing of intents or deploys). What S3 says of an object's SHA-256 is told apart:
 * the digest of the whole object, or the checksum of a multipart upload's parts ({@code BASE64-N},
 * or {@code ChecksumType COMPOSITE}), which is not the object's digest. Every call is named by the
 * IAM action it needs ({@code BootstrapPolicyTest}): a {@code HeadObject} needs {@code s3:GetObject}.
 */
public final class S3Objects {
  /** Where an object is: {@code s3://BUCKET/KEY}. */
  public record Location(String bucket, String key) {
    public static Location of(String uri) {
      int slash = uri == null || !uri.startsWith("s3://") ? -1 : uri.indexOf('/', "s3://".length());
      if (slash < 0 || slash == "s3://".length() || slash == uri.length() - 1) {
        throw BatonException.invalid("\"" + uri + "\" is not an S3 object: write s3://BUCKET/KEY");
      }
      return new Location(uri.substring("s3://".length(), slash), uri.substring(slash + 1));
    }

    @Override
    public String toString() {
      return "s3://" + bucket + "/" + key;
    }
  }

  /**
   * What S3 says of an object.
   *
   * @param sha256 the SHA-256 of the whole object (hex), or null
   * @param partsChecksum the SHA-256 checksum of its parts as S3 gives it (not the object's digest), or null
   */
  public record Head(long bytes, String sha256, String partsChecksum) {}

  /** An object's bytes as S3 streams them, and what it said of the object as it answered. */
  public record Opened(Head head, InputStream in) {}

  private static final Pattern PARTS = Pattern.compile(".*-[0-9]+$");
  private static final Map<String, AwsClients> CLIENTS = new ConcurrentHashMap<>();

  /** S3 as the platform's cloud says, through clients kept for as long as the controller runs (one set per cloud). */
  private static S3Client clients(JsonObject cloud) {
    return CLIENTS.computeIfAbsent(cloud.encode(), k -> new AwsClients(cloud.getString("region"),
        new CredentialsSpec(cloud.getString("profile"), cloud.getString("role_arn"), cloud.getString("external_id")),
        cloud.getString("endpoint_url"), new CallStats())).s3();
  }

  /** What S3 says of the object at {@code uri}, without its bytes. */
  public Head head(JsonObject cloud, String uri) {
    Location l = Location.of(uri);
    S3Client s3 = clients(cloud);
    var r = call("GetObject", l, () -> s3.headObject(b -> b.bucket(l.bucket()).key(l.key())
        .checksumMode(ChecksumMode.ENABLED)));
    return head(l, r.contentLength(), r.checksumSHA256(), r.checksumType());
  }

  /** The object at {@code uri}, streamed (never held whole); the caller closes it, before its end if it wants no more. */
  public Opened open(JsonObject cloud, String uri) {
    Location l = Location.of(uri);
    S3Client s3 = clients(cloud);
    ResponseInputStream<GetObjectResponse> in = call("GetObject", l, () -> s3.getObject(b -> b.bucket(l.bucket())
        .key(l.key()).checksumMode(ChecksumMode.ENABLED)));
    GetObjectResponse r = in.response();
    return new Opened(head(l, r.contentLength(), r.checksumSHA256(), r.checksumType()), new Guarded(in, l));
  }

  static Head head(Location l, Long bytes, String sha256, ChecksumType type) {
    long size = bytes == null ? -1 : bytes;
    if (sha256 == null || sha256.isBlank()) {
      return new Head(size, null, null);
    }
    if (type == ChecksumType.COMPOSITE || PARTS.matcher(sha256).matches()) {
      return new Head(size, null, sha256);
    }
    byte[] digest;
    try {
      digest = Base64.getDecoder().decode(sha256);
    } catch (IllegalArgumentException e) {
      digest = new byte[0];
    }
    if (digest.length != 32) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "S3 answered a SHA-256 checksum of " + l + " that is not"
          + " one (\"" + sha256 + "\"): give --sha256");
    }
    return new Head(size, HexFormat.of().formatHex(digest), null);
  }

  private static <T> T call(String action, Location l, Supplier<T> c) {
    try {
      return c.get();
    } catch (S3Exception e) {
      throw translate(action, l, e);
    } catch (SdkClientException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "aws: S3 " + action + " of " + l + ": " + e.getMessage(), true, e);
    }
  }

  /** S3's answers in words that say what to do; anything else as every AWS error ({@link AwsErrors}). */
  static BatonException translate(String action, Location l, S3Exception e) {
    String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
        : e.awsErrorDetails().errorCode();
    if (e instanceof NoSuchBucketException || code.equals("NoSuchBucket")) {
      return new BatonException(ErrorCode.NOT_FOUND, "there is no bucket " + l.bucket() + " (S3 answered NoSuchBucket"
          + " for " + l + "): check source.s3 of the application", false, e);
    }
    if (e.statusCode() == 404) {
      // a HEAD answers 404 with no body: no code tells a missing key from a missing bucket
      return new BatonException(ErrorCode.NOT_FOUND, "no object " + l.key() + " in the bucket " + l.bucket() + " ("
          + l + ", S3 answered 404" + (code.isEmpty() ? "" : " " + code) + "): check the revision and source.s3, or"
          + " upload it: aws s3 cp --checksum-algorithm SHA256 FILE " + l, false, e);
    }
    if (e.statusCode() == 403) {
      return new BatonException(ErrorCode.PERMISSION_DENIED, "S3 refused to read " + l + " with the platform's"
          + " credentials (403" + (code.isEmpty() ? "" : " " + code) + "): allow s3:GetObject on arn:aws:s3:::"
          + l.bucket() + "/* (docs/aws.md); without s3:ListBucket, S3 answers so for a missing key too", false, e);
    }
    return AwsErrors.translate("S3 " + action + " of " + l, e);
  }

  /**
   * The body as S3 sends it: an SDK failure on the way (the connection lost, the bytes not those of
   * S3's checksum) becomes Baton's, and a body closed before its end is aborted, not drained.
   */
  private static final class Guarded extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> body;
    private final Location l;
    private boolean ended;

    Guarded(ResponseInputStream<GetObjectResponse> body, Location l) {
      super(body);
      this.body = body;
      this.l = l;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = super.read(b, off, len);
        ended |= n < 0;
        return n;
      } catch (SdkClientException e) {
        boolean checksum = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("checksum");
        throw new BatonException(checksum ? ErrorCode.FAILED_PRECONDITION : ErrorCode.UNAVAILABLE, "reading " + l
            + " failed: " + e.getMessage() + (checksum ? " (the bytes are not those of the object's checksum in S3)"
            : ""), !checksum, e);
      }
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        body.abort();
      }
      super.close();
    }
  }
}
