package dev.baton.controller.provider.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cloud's target groups: a node leaves and joins them, each change noted once; a bad name is refused. */
class LocalTargetGroupsTest {
  @TempDir
  Path dir;

  JsonObject group(String name) throws Exception {
    return new JsonObject(Files.readString(dir.resolve("target-groups").resolve(name + ".json")));
  }

  @Test
  void aNodeLeavesAndJoinsEachGroupAndEveryChangeIsNoted() throws Exception {
    LocalTargetGroups tg = new LocalTargetGroups(new LocalStore(dir));
    tg.register(List.of("web-443", "arn:aws:elasticloadbalancing:local:123456789012:targetgroup/web-80/0a1b"), "i-1");
    tg.register(List.of("web-443"), "i-1"); // already in: no event
    tg.deregister(List.of("web-443"), "i-1");
    tg.deregister(List.of("web-443"), "i-1"); // already out: no event
    assertEquals(List.of(), group("web-443").getJsonArray("targets").getList());
    assertEquals(List.of("registered", "deregistered"), group("web-443").getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("action")).toList());
    assertEquals(List.of("i-1"), group("web-80").getJsonArray("targets").getList(), "an ARN names the group by its name");
  }

  @Test
  void nodesChangingAGroupAtOnceThroughProvidersOfTheirOwnLoseNoChange() throws Exception {
    List<String> ids = java.util.stream.IntStream.range(0, 16).mapToObj(i -> "i-" + i).toList();
    ids.parallelStream().forEach(id -> {
      try {
        new LocalTargetGroups(new LocalStore(dir)).register(List.of("web-443"), id); // a store each, as the controller does
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertEquals(16, group("web-443").getJsonArray("targets").size());
    assertEquals(16, group("web-443").getJsonArray("events").size());
  }

  @Test
  void whatIsNotATargetGroupsNameIsRefused() {
    LocalTargetGroups tg = new LocalTargetGroups(new LocalStore(dir));
    BatonException e = assertThrows(BatonException.class, () -> tg.register(List.of("../etc"), "i-1"));
    assertTrue(e.getMessage().contains("\"../etc\" is not a target group's name"), e.getMessage());
  }
}
