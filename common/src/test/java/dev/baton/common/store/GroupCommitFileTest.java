package dev.baton.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    void put(String id, int n) throws Exception {
      synchronized (this) {
        map.put(id, new Item(id, n));
      }
      file.save().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    void remove(String id) throws Exception {
      synchronized (this) {
        map.remove(id);
      }
      file.save().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void changesGoToTheJournalAndSurviveAReopen(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("items.json");
    Store s = new Store(path);
    s.put("a", 1); // the first write creates the file
    String file = Files.readString(path);
    s.put("b", 2);
    s.put("a", 3);
    assertEquals(file, Files.readString(path), "small changes append to the journal, the file stays");
    assertEquals(2, Files.readAllLines(dir.resolve("items.json.log")).size());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("items.json.log"))));

    Store again = new Store(path);
    assertEquals(Map.of("a", new Item("a", 3), "b", new Item("b", 2)), again.map);
  }

  @Test
  void theJournalIsFoldedIntoTheFileOnceItIsAsLongAsTheStore(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("items.json");
    Store s = new Store(path);
    for (int i = 0; i < 600; i++) {
      s.put("k" + (i % 10), i);
    }
    assertTrue(Files.readAllLines(dir.resolve("items.json.log")).size() <= 256,
        "the journal stays bounded: " + Files.readAllLines(dir.resolve("items.json.log")).size());
    Store again = new Store(path);
    assertEquals(10, again.map.size());
    assertEquals(new Item("k9", 599), again.map.get("k9"));
  }

  @Test
  void aRemovalRewritesTheFile(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("items.json");
    Store s = new Store(path);
    s.put("a", 1);
    s.put("b", 2);
    s.remove("a");
    assertEquals(0, Files.size(dir.resolve("items.json.log")));
    assertEquals(Map.of("b", new Item("b", 2)), new Store(path).map);
  }

  @Test
  void journalLinesOlderThanTheFileAreNotReplayed(@TempDir Path dir) throws Exception {
    // a crash after the file was rewritten and before the journal was emptied
    Path path = dir.resolve("items.json");
    Files.writeString(path, "{\"seq\":5,\"records\":[{\"id\":\"a\",\"n\":2}]}");
    Files.writeString(dir.resolve("items.json.log"), "{\"seq\":4,\"record\":{\"id\":\"a\",\"n\":1}}\n"
        + "{\"seq\":5,\"record\":{\"id\":\"a\",\"n\":2}}\n" + "{\"seq\":6,\"record\":{\"id\":\"b\",\"n\":7}}\n");
    Store s = new Store(path);
    assertEquals(Map.of("a", new Item("a", 2), "b", new Item("b", 7)), s.map);
    s.put("c", 3); // sequence numbers carry on after the newest seen
    assertEquals(Map.of("a", new Item("a", 2), "b", new Item("b", 7), "c", new Item("c", 3)), new Store(path).map);
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
  void aFileWrittenBeforeTheJournalIsRead(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("items.json");
    Files.writeString(path, "[{\"id\":\"a\",\"n\":1},{\"id\":\"b\",\"n\":2}]");
    Store s = new Store(path);
    assertEquals(List.of("a", "b"), List.copyOf(s.map.keySet()));
    s.put("c", 3);
    assertTrue(Files.readString(path).startsWith("{\"seq\":"), "rewritten in the current form");
    assertEquals(3, new Store(path).map.size());
  }
}
