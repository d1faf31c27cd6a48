package dev.baton.controller.access;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.cluster.ReplicaFeed;
import dev.baton.controller.cluster.Replicated;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Who changed what, in {@code history.jsonl}: one JSON line per change, appended and flushed to
 * disk before the next, never rewritten (a line cut by a crash is skipped and left where it is).
 * In a cluster each controller keeps every entry: its own, and those the others send.
 */
public final class History implements Replicated {
  private static final Logger LOG = Logger.getLogger("baton.history");
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Path file;
  private final List<HistoryEntry> entries = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();
  private final ReplicaFeed feed = new ReplicaFeed();
  private long lastMicros;
  /** The file does not end with a newline: its last line was cut by a crash. */
  private boolean cutLine;

  public History(Path file) {
    this.file = file;
    try {
      if (Files.exists(file)) {
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          try {
            add(HistoryEntry.fromJson(new JsonObject(line)));
          } catch (RuntimeException e) {
            int at = n;
            LOG.warning(() -> file + ":" + at + ": not a history entry (cut by a crash?), skipped: " + e.getMessage());
          }
        }
        entries.sort(ORDER);
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
          if (raf.length() > 0) {
            raf.seek(raf.length() - 1);
            cutLine = raf.read() != '\n';
          }
        }
      }
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "history: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static final Comparator<HistoryEntry> ORDER = Comparator.comparing(HistoryEntry::at)
      .thenComparing(HistoryEntry::id);

  /** A new entry's id: unique across the cluster without asking the others. */
  public synchronized String newId(Instant at) {
    long micros = Math.max(lastMicros + 1, at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000);
    lastMicros = micros;
    byte[] r = new byte[4];
    RANDOM.nextBytes(r);
    return Long.toString(micros, 36) + "-" + HexFormat.of().formatHex(r);
  }

  /** Appends an entry made here, on disk before this returns, and sends it to the other controllers. */
  public void record(HistoryEntry e) {
    synchronized (this) {
      if (!ids.add(e.id())) {
        throw new IllegalArgumentException("history entry " + e.id() + " exists; entries are never rewritten");
      }
      append(e);
      insert(e);
    }
    feed.publish(new JsonObject().put("entry", e.toJson()));
  }

  /** The entries that {@code filter} keeps, oldest first, at most {@code limit} (the newest of them). */
  public synchronized List<HistoryEntry> list(Predicate<HistoryEntry> filter, int limit) {
    List<HistoryEntry> out = new ArrayList<>();
    for (HistoryEntry e : entries) {
      if (filter.test(e)) {
        out.add(e);
      }
    }
    return out.size() > limit ? new ArrayList<>(out.subList(out.size() - limit, out.size())) : out;
  }

  public synchronized int size() {
    return entries.size();
  }

  @Override
  public String replicaName() {
    return "history";
  }

  @Override
  public synchronized JsonArray snapshot() {
    JsonArray a = new JsonArray();
    entries.forEach(e -> a.add(new JsonObject().put("entry", e.toJson())));
    return a;
  }

  /** An entry from another controller: kept once, as it was written there. */
  @Override
  public synchronized void merge(JsonObject record) {
    JsonObject o = record.getJsonObject("entry");
    if (o == null || ids.contains(o.getString("id"))) {
      return;
    }
    HistoryEntry e = HistoryEntry.fromJson(o);
    ids.add(e.id());
    append(e);
    insert(e);
  }

  @Override
  public void onLocalChange(Consumer<JsonObject> listener) {
    feed.add(listener);
  }

  private void add(HistoryEntry e) {
    if (ids.add(e.id())) {
      entries.add(e);
    }
  }

  private void insert(HistoryEntry e) {
    int i = entries.size();
    while (i > 0 && ORDER.compare(entries.get(i - 1), e) > 0) {
      i--; // almost always at the end: an entry from another controller may be a little older
    }
    entries.add(i, e);
  }

  private void append(HistoryEntry e) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        String prefix = cutLine ? "\n" : ""; // after a line cut by a crash, a line of its own
        cutLine = false;
        ch.write(ByteBuffer.wrap((prefix + e.toJson().encode() + "\n").getBytes(StandardCharsets.UTF_8)));
        ch.force(false);
      }
    } catch (IOException ex) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "history: cannot append to " + file + ": " + ex.getMessage(), ex);
    }
  }
}
