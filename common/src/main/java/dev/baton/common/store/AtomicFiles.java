package dev.baton.common.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files replaced whole: a reader sees the old content or the new, never a mix, even after a crash. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code content} to {@code target}: to a temporary file beside it, forced to disk, then
   * moved over it.
   *
   * @param secret the file is readable by its owner only (keys, tokens)
   */
  public static void write(Path target, String content, boolean secret) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tmp-", "");
    try {
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system
        }
      }
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

}
