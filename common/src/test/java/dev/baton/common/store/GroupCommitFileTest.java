package dev.baton.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file and journal, written on the store's own thread. A test chains its writes one
 * after another; an assertion failing in a step fails the chain, and VertxTestContext fails the test with it.
 */
@ExtendWith(VertxExtension.class)
class GroupCommitFileTest {
  record Item(String id, int n) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("n", n);
    }
  }

  /** A store as TokenStore and NodeRegistry keep one: a map, its snapshot, its file. */
  static final class Store {
    final Map<String, Item> map = new LinkedHashMap<>();
    final JsonArraySnapshot<String, Item> encoded = new JsonArraySnapshot<>(Item::toJson);
    final GroupCommitFile file;

    Store(Path path) throws IOException {
      file = new GroupCommitFile(path, false, this::changes);
      for (JsonObject o : file.read()) {
        map.put(o.getString("id"), new Item(o.getString("id"), o.getInteger("n")));
      }
    }

    synchronized JsonArraySnapshot.Changes changes() {
      return encoded.changes(map);
    }

    /** Completes once the change is on disk. */
    Future<Void> put(String id, int n) {
      synchronized (this) {
        map.put(id, new Item(id, n));
      }
      return file.save();
    }

    Future<Void> remove(String id) {
      synchronized (this) {
        map.remove(id);
      }
      return file.save();
    }
  }

  @Test
  void changesGoToTheJournalAndSurviveAReopen(@TempDir Path dir, VertxTestContext ctx) throws Exception {
    Path path = dir.resolve("items.json");
    Store s = new Store(path);
    String[] file = new String[1];
    s.put("a", 1).compose(v -> { // the first write creates the file
      file[0] = readString(path);
      return s.put("b", 2);
    }).compose(v -> s.put("a", 3)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(file[0], Files.readString(path), "small changes append to the journal, the file stays");
      assertEquals(2, Files.readAllLines(dir.resolve("items.json.log")).size());
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve("items.json.log"))));

      Store again = new Store(path);
      assertEquals(Map.of("a", new Item("a", 3), "b", new Item("b", 2)), again.map);
      ctx.completeNow();
    })));
  }

  static String readString(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theJournalIsFoldedIntoTheFileOnceItIsAsLongAsTheStore(@TempDir Path dir, VertxTestContext ctx) throws Exception {
    Path path = dir.resolve("items.json");
    Store s = new Store(path);
    Future<Void> puts = Future.succeededFuture();
    for (int i = 0; i < 600; i++) { // each once the one before is on disk
      int n = i;
      puts = puts.compose(v -> s.put("k" + (n % 10), n));
    }
    puts.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertTrue(Files.readAllLines(dir.resolve("items.json.log")).size() <= 256,
          "the journal stays bounded: " + Files.readAllLines(dir.resolve("items.json.log")).size());
      Store again = new Store(path);
      assertEquals(10, again.map.size());
      assertEquals(new Item("k9", 599), again.map.get("k9"));
      ctx.completeNow();
    })));
  }

  @Test
  void aRemovalRewritesTheFile(@TempDir Path dir, VertxTestContext ctx) throws Exception {
    Path path = dir.resolve("items.json");
    Store s = new Store(path);
    s.put("a", 1).compose(v -> s.put("b", 2)).compose(v -> s.remove("a")).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(0, Files.size(dir.resolve("items.json.log")));
      assertEquals(Map.of("b", new Item("b", 2)), new Store(path).map);
      ctx.completeNow();
    })));
  }

  @Test
  void journalLinesOlderThanTheFileAreNotReplayed(@TempDir Path dir, VertxTestContext ctx) throws Exception {
    // a crash after the file was rewritten and before the journal was emptied
    Path path = dir.resolve("items.json");
    Files.writeString(path, "{\"seq\":5,\"records\":[{\"id\":\"a\",\"n\":2}]}");
    Files.writeString(dir.resolve("items.json.log"), "{\"seq\":4,\"record\":{\"id\":\"a\",\"n\":1}}\n"
        + "{\"seq\":5,\"record\":{\"id\":\"a\",\"n\":2}}\n" + "{\"seq\":6,\"record\":{\"id\":\"b\",\"n\":7}}\n");
    Store s = new Store(path);
    assertEquals(Map.of("a", new Item("a", 2), "b", new Item("b", 7)), s.map);
    s.put("c", 3).onComplete(ctx.succeeding(v -> ctx.verify(() -> { // sequence numbers carry on after the newest seen
      assertEquals(Map.of("a", new Item("a", 2), "b", new Item("b", 7), "c", new Item("c", 3)), new Store(path).map);
      ctx.completeNow();
    })));
  }

  @Test
  void aTornLastLineIsIgnoredAndATornMiddleLineIsAnError(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("items.json");
    Files.writeString(path, "{\"seq\":1,\"records\":[{\"id\":\"a\",\"n\":1}]}");
    Path log = dir.resolve("items.json.log");
    Files.writeString(log, "{\"seq\":2,\"record\":{\"id\":\"a\",\"n\":2}}\n{\"seq\":3,\"rec");
    assertEquals(Map.of("a", new Item("a", 2)), new Store(path).map);

    Files.writeString(log, "{\"seq\":2,\"rec\n{\"seq\":3,\"record\":{\"id\":\"a\",\"n\":3}}\n");
    IOException e = assertThrows(IOException.class, () -> new Store(path));
    assertTrue(e.getMessage().contains("items.json.log:1"), e.getMessage());
  }

  @Test
  void aFileWrittenBeforeTheJournalIsRead(@TempDir Path dir, VertxTestContext ctx) throws Exception {
    Path path = dir.resolve("items.json");
    Files.writeString(path, "[{\"id\":\"a\",\"n\":1},{\"id\":\"b\",\"n\":2}]");
    Store s = new Store(path);
    assertEquals(List.of("a", "b"), List.copyOf(s.map.keySet()));
    s.put("c", 3).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertTrue(Files.readString(path).startsWith("{\"seq\":"), "rewritten in the current form");
      assertEquals(3, new Store(path).map.size());
      ctx.completeNow();
    })));
  }
}
