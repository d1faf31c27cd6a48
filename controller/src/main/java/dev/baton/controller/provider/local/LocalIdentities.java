package dev.baton.controller.provider.local;

import dev.baton.common.crypto.Fingerprints;
import dev.baton.common.crypto.Keys;
import dev.baton.common.msg.LocalIdentity;
import dev.baton.common.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The local cloud's instance identities: what EC2's metadata service and its signature are to an
 * AWS node. Each instance the local cloud launches gets a document (its ID and a random 256-bit
 * secret) in a file only it is given; the local cloud keeps the secret's SHA-256 under
 * {@code local-cloud/identity/ID.sha256}. An agent presents the document; the controller checks
 * it here, so a node proves which instance it is instead of naming one.
 */
public final class LocalIdentities {
  private LocalIdentities() {}

  private static Path hashFile(Path root, String id) {
    return root.resolve("identity").resolve(id + ".sha256");
  }

  /** Makes instance {@code id}'s document, writes it (owner-only) to each of {@code files}, keeps its hash. */
  public static LocalIdentity issue(Path root, String id, Path... files) throws IOException {
    LocalIdentity doc = new LocalIdentity(id, Keys.randomToken(32));
    Files.createDirectories(hashFile(root, id).getParent());
    AtomicFiles.write(hashFile(root, id), hash(doc.secret()), true);
    for (Path f : files) {
      Files.createDirectories(f.getParent());
      AtomicFiles.write(f, doc.toJson().encode(), true);
    }
    return doc;
  }

  /** Whether {@code doc} is the document the local cloud gave the instance it names. */
  public static boolean proves(Path root, LocalIdentity doc) {
    if (doc.instanceId() == null || doc.secret() == null || !doc.instanceId().matches("^i-[0-9a-f]{8,17}$")) {
      return false;
    }
    try {
      String kept = Files.readString(hashFile(root, doc.instanceId())).trim();
      return MessageDigest.isEqual(kept.getBytes(StandardCharsets.US_ASCII),
          hash(doc.secret()).getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The instance is gone: its identity proves nothing any more. */
  public static void forget(Path root, String id) throws IOException {
    Files.deleteIfExists(hashFile(root, id));
  }

  private static String hash(String secret) {
    return Fingerprints.sha256(secret.getBytes(StandardCharsets.UTF_8));
  }
}
