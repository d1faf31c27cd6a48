package dev.baton.common.store;

import dev.baton.common.crypto.CertificateAuthority;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A file rewritten atomically (temporary file, fsync, rename) after changes, with group
 * commit: while one write is in flight, every change behind it waits for the next write, which
 * carries them all. Under load, many changes share one write; alone, a change is written at
 * once. {@link #save()} completes when a write that includes the caller's change is on disk,
 * so a caller that must not answer before its change is durable waits on it.
 */
public final class GroupCommitFile {
  private static final Logger LOG = Logger.getLogger("baton.store");

  private final Path file;
  private final boolean secret;
  private final Supplier<String> snapshot;
  private final ExecutorService writer;
  private boolean writing;
  private List<Promise<Void>> next = new ArrayList<>();

  /**
   * @param snapshot the file's whole content now; called with no lock of this class held
   * @param secret readable by its owner only
   */
  public GroupCommitFile(Path file, boolean secret, Supplier<String> snapshot) {
    this.file = file;
    this.secret = secret;
    this.snapshot = snapshot;
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "store-" + file.getFileName());
      t.setDaemon(true);
      return t;
    });
  }

  /** Asks for the current state to be written; completes once it is on disk. */
  public Future<Void> save() {
    Promise<Void> p = Promise.promise();
    boolean start;
    synchronized (this) {
      next.add(p);
      start = !writing;
      writing = true;
    }
    if (start) {
      writer.execute(this::writeLoop);
    }
    return p.future();
  }

  private void writeLoop() {
    while (true) {
      List<Promise<Void>> batch;
      synchronized (this) {
        if (next.isEmpty()) {
          writing = false;
          return;
        }
        batch = next;
        next = new ArrayList<>();
      }
      try {
        CertificateAuthority.writeAtomically(file, snapshot.get(), secret);
        batch.forEach(Promise::tryComplete);
      } catch (IOException | RuntimeException e) {
        LOG.severe("cannot write " + file + ": " + e);
        batch.forEach(p -> p.tryFail(e));
      }
    }
  }
}
