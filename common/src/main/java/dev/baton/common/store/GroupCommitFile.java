package dev.baton.common.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A store of JSON records kept durable with group commit: while one write is in flight, every
 * change behind it waits for the next write, which carries them all. Under load, many changes
 * share one write; alone, a change is written at once. {@link #save()} completes when a write
 * that includes the caller's change is on disk, so a caller that must not answer before its
 * change is durable waits on it.
 *
 * <p>A write appends the records that changed to a journal ({@code FILE.log}, one line per record,
 * fsync'd), so that its cost follows the changes, not the store's size; the whole file is
 * rewritten atomically (temporary file, fsync, rename) when the journal has grown as long as the
 * store, or when a record was removed. Every write has a sequence number: the file carries the
 * number it was written at, a journal line the number of its write, and reading replays only the
 * lines newer than the file, so a crash between rewriting the file and emptying the journal
 * replays nothing old. A torn last line (a crash during an append) is ignored.
 */
public final class GroupCommitFile {
  private static final Logger LOG = Logger.getLogger("baton.store");
  private static final int MIN_JOURNAL_LINES = 256;

  private final Path file;
  private final Path journal;
  private final boolean secret;
  private final Supplier<JsonArraySnapshot.Changes> changes;
  private final ExecutorService writer;
  private boolean writing;
  private List<Promise<Void>> next = new ArrayList<>();
  // writer thread only (and read() before any write)
  private long seq;
  private int journalLines;
  private boolean rewrite; // after a failed write: what it carried is in no file yet
  private FileChannel journalChannel;

  /**
   * @param changes what changed since its previous call (see {@link JsonArraySnapshot}); called
   *     on the writer's thread with no lock of this class held
   * @param secret readable by its owner only
   */
  public GroupCommitFile(Path file, boolean secret, Supplier<JsonArraySnapshot.Changes> changes) {
    this.file = file;
    this.journal = file.resolveSibling(file.getFileName() + ".log");
    this.secret = secret;
    this.changes = changes;
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "store-" + file.getFileName());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The records on disk, oldest first (a later record of the same key replaces an earlier one):
   * the file's, then the journal's newer lines. Call once, before the first {@link #save()}.
   */
  public List<JsonObject> read() throws IOException {
    List<JsonObject> records = new ArrayList<>();
    long fileSeq = 0;
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      try {
        JsonArray array;
        if (text.startsWith("[")) { // written before the journal: a bare array
          array = new JsonArray(text);
        } else {
          JsonObject o = new JsonObject(text);
          fileSeq = o.getLong("seq", 0L);
          array = o.getJsonArray("records", new JsonArray());
        }
        array.forEach(r -> records.add((JsonObject) r));
      } catch (DecodeException | ClassCastException e) {
        throw new IOException(file + " is not a store written by Baton: " + e.getMessage(), e);
      }
    }
    seq = fileSeq;
    if (Files.exists(journal)) {
      List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) {
          continue;
        }
        JsonObject entry;
        try {
          entry = new JsonObject(line);
        } catch (DecodeException e) {
          if (i == lines.size() - 1) {
            LOG.warning(journal + ": ignoring a torn last line (a write interrupted by a crash)");
            break;
          }
          throw new IOException(journal + ":" + (i + 1) + ": not a journal line: " + e.getMessage(), e);
        }
        long lineSeq = entry.getLong("seq", 0L);
        if (lineSeq > fileSeq) {
          records.add(entry.getJsonObject("record"));
          journalLines++;
        }
        seq = Math.max(seq, lineSeq);
      }
    }
    rewrite = true; // the first write compacts what was read into the file
    return records;
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
        write(changes.get());
        batch.forEach(Promise::tryComplete);
      } catch (IOException | RuntimeException e) {
        LOG.severe("cannot write " + file + ": " + e);
        closeJournal();
        rewrite = true;
        batch.forEach(p -> p.tryFail(e));
      }
    }
  }

  private void write(JsonArraySnapshot.Changes c) throws IOException {
    if (c.changed().isEmpty() && !c.removed() && !rewrite) {
      return;
    }
    long s = ++seq;
    if (rewrite || c.removed() || !Files.exists(file)
        || journalLines + c.changed().size() > Math.max(MIN_JOURNAL_LINES, c.size())) {
      AtomicFiles.write(file, "{\"seq\":" + s + ",\"records\":" + c.full() + "}", secret);
      rewrite = false;
      openJournal().truncate(0).force(true);
      journalLines = 0;
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (String record : c.changed()) {
      lines.append("{\"seq\":").append(s).append(",\"record\":").append(record).append("}\n");
    }
    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
    FileChannel ch = openJournal();
    while (bytes.hasRemaining()) {
      ch.write(bytes);
    }
    ch.force(false);
    journalLines += c.changed().size();
  }

  private FileChannel openJournal() throws IOException {
    if (journalChannel == null) {
      if (!Files.exists(journal)) {
        Files.createFile(journal);
        try { // owner-only, as the file's temporary copies are created
          Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system
        }
      }
      journalChannel = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    return journalChannel;
  }

  private void closeJournal() {
    try {
      if (journalChannel != null) {
        journalChannel.close();
      }
    } catch (IOException e) {
      // already failing
    }
    journalChannel = null;
  }
}
