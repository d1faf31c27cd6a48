package dev.baton.controller.deploy;

import dev.baton.controller.intent.CloudIntent;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An object store an application's archives come from (S3), read as the application's platform:
 * given to {@link Artifacts} by the composition root, so that the deploy package knows no cloud
 * SDK and its refusals are tested without one. A missing object is a {@code NOT_FOUND}
 * {@code BatonException} that names the bucket and key.
 */
public interface ObjectSource {
  /**
   * What the store says of an object.
   *
   * @param bytes its size
   * @param sha256 the SHA-256 of the whole object that the store keeps (hex), or null
   * @param partsChecksum a checksum of its parts instead, as the store gives it (the composite
   *     checksum of a multipart upload, such as {@code BASE64-3}), or null; it is not the object's digest
   */
  record Head(long bytes, String sha256, String partsChecksum) {}

  /** An object's bytes, streamed, and what the store said of it as it answered (it may have changed since a head). */
  record Body(Head head, InputStream in) implements Closeable {
    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** What the store says of the object at {@code uri} ({@code s3://BUCKET/KEY}), without its bytes. */
  Head head(String uri, CloudIntent cloud) throws IOException;

  /** The object at {@code uri}; the caller closes it (before its end: the rest is not read). */
  Body open(String uri, CloudIntent cloud) throws IOException;
}
