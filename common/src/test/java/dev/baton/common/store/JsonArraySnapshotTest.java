package dev.baton.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonArraySnapshotTest {
  record Item(String id, int n) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("n", n);
    }
  }

  @Test
  void encodesLikeAJsonArrayAndReencodesOnlyWhatChanged() {
    AtomicInteger encodings = new AtomicInteger();
    JsonArraySnapshot<String, Item> snapshot = new JsonArraySnapshot<>(i -> {
      encodings.incrementAndGet();
      return i.toJson();
    });
    Map<String, Item> map = new LinkedHashMap<>();
    assertEquals("[]", snapshot.changes(map).full());
    for (int i = 0; i < 5; i++) {
      map.put("k" + i, new Item("k" + i, i));
    }
    assertEquals(expected(map), snapshot.changes(map).full());
    assertEquals(5, encodings.get());

    map.put("k2", new Item("k2", 42)); // replaced: encoded again
    map.remove("k4"); // removed: gone from the output
    map.put("k9", new Item("k9", 9)); // added
    assertEquals(expected(map), snapshot.changes(map).full());
    assertEquals(7, encodings.get());

    assertEquals(expected(map), snapshot.changes(map).full());
    assertEquals(7, encodings.get(), "nothing changed, nothing encoded");
    assertEquals(new JsonArray(snapshot.changes(map).full()).size(), 5);
  }

  @Test
  void withTheKeysTouchedOnlyThoseAreLookedAt() {
    AtomicInteger encodings = new AtomicInteger();
    JsonArraySnapshot<String, Item> snapshot = new JsonArraySnapshot<>(i -> {
      encodings.incrementAndGet();
      return i.toJson();
    });
    Map<String, Item> map = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      map.put("k" + i, new Item("k" + i, i));
    }
    JsonArraySnapshot.Changes first = snapshot.changes(map, java.util.List.of());
    assertEquals(expected(map), first.full(), "the first call looks at every value");
    assertEquals(5, first.changed().size());

    map.put("k2", new Item("k2", 42));
    map.remove("k4");
    map.put("k9", new Item("k9", 9));
    JsonArraySnapshot.Changes next = snapshot.changes(map, java.util.List.of("k2", "k4", "k9"));
    assertEquals(expected(map), next.full());
    assertEquals(2, next.changed().size());
    assertTrue(next.removed());
    assertEquals(7, encodings.get());

    JsonArraySnapshot.Changes none = snapshot.changes(map, java.util.List.of("k1")); // touched, but the same value
    assertEquals(0, none.changed().size());
    assertEquals(7, encodings.get());
  }

  private static String expected(Map<String, Item> map) {
    JsonArray a = new JsonArray();
    map.values().forEach(i -> a.add(i.toJson()));
    return a.encode();
  }
}
