package dev.baton.controller.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.attest.Refused;
import dev.baton.controller.attest.TokenStore;
import dev.baton.controller.handoff.HandoffStore;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How two controllers' copies of each store are merged: what "newer" means for each, and what is sent on. */
@ExtendWith(VertxExtension.class)
class ReplicatedStoresTest {
  @TempDir
  Path dir;

  @Test
  void aNodeRecordUpdatedLaterWinsAndMergesAreNotSentOn(VertxTestContext ctx) {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T05:00:00Z"));
    NodeRegistry a = new NodeRegistry(dir.resolve("a.json"), now::get);
    NodeRegistry b = new NodeRegistry(dir.resolve("b.json"), now::get);
    List<JsonObject> sentByA = new ArrayList<>();
    List<JsonObject> sentByB = new ArrayList<>();
    a.onLocalChange(sentByA::add);
    b.onLocalChange(sentByB::add);
    List<NodeState> heardByBLocally = new ArrayList<>();
    b.listenLocal((before, after) -> heardByBLocally.add(after.state()));

    a.put(new NodeRecord("i-1", "web-1", "u", "p", "c", null, NodeState.LAUNCHED, null, List.of(), null, now.get()));
    now.set(now.get().plusSeconds(1));
    a.advance("i-1", NodeState.REGISTERED, "ok", null);
    sentByA.forEach(b::merge);
    assertEquals(NodeState.REGISTERED, b.get("i-1").orElseThrow().state());
    assertTrue(sentByB.isEmpty(), "a merged record is not sent on");
    assertTrue(heardByBLocally.isEmpty(), "nor acted on as b's own change (hooks, clean-ups)");

    b.merge(sentByA.get(0)); // the older copy arrives late
    assertEquals(NodeState.REGISTERED, b.get("i-1").orElseThrow().state(), "an older copy never wins");
    Future.all(b.sync(), a.sync()).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(NodeState.REGISTERED, new NodeRegistry(dir.resolve("b.json"), now::get).get("i-1").orElseThrow().state(),
          "and the merge is on b's disk");
      ctx.completeNow();
    })));
  }

  @Test
  void aTokenUsedAnywhereStaysUsed(VertxTestContext ctx) {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T05:00:00Z"));
    TokenStore a = new TokenStore(dir.resolve("ta.json"), now::get);
    TokenStore b = new TokenStore(dir.resolve("tb.json"), now::get);
    List<JsonObject> sent = new ArrayList<>();
    a.onLocalChange(sent::add);
    String clear = a.issue("p", "c", null, "web-1", "u", "i-1", Duration.ofHours(1));
    sent.forEach(b::merge);
    assertNotNull(b.find(clear), "a token issued at a can be presented at b");
    sent.clear();
    a.consume(clear, "i-1");
    JsonObject used = sent.get(0);
    b.merge(used);
    assertEquals("replayed_token", assertThrows(Refused.class, () -> b.consume(clear, "i-1")).reason());
    // the unused copy arriving late does not make it usable again
    TokenStore c = new TokenStore(dir.resolve("tc.json"), now::get);
    c.merge(used);
    c.merge(used.copy().put("used_at", null));
    assertEquals("replayed_token", assertThrows(Refused.class, () -> c.consume(clear, "i-1")).reason());
    Checkpoint synced = ctx.checkpoint(3); // each store's copy reaches its disk
    for (TokenStore t : List.of(a, b, c)) {
      t.sync().onComplete(ctx.succeeding(v -> synced.flag()));
    }
  }

  @Test
  void handOffsAndIntentsTakeTheLaterCopy() throws Exception {
    HandoffStore a = new HandoffStore(dir.resolve("ha.json"));
    HandoffStore b = new HandoffStore(dir.resolve("hb.json"));
    List<JsonObject> sent = new ArrayList<>();
    a.onLocalChange(sent::add);
    a.update("i-1", s -> s.put("done", new io.vertx.core.json.JsonArray().add("CHOOSE_MASTER")));
    a.update("i-1", s -> s.getJsonArray("done").add("SIGN"));
    b.merge(sent.get(1));
    b.merge(sent.get(0)); // late and older
    assertTrue(b.done("i-1", "SIGN"), "the last completed phase is known where the node goes next");

    IntentStore ia = new IntentStore(dir.resolve("ia.json"));
    IntentStore ib = new IntentStore(dir.resolve("ib.json"));
    List<JsonObject> intents = new ArrayList<>();
    ia.onLocalChange(intents::add);
    ia.put("c/p/-/u", dev.baton.controller.intent.IntentCodec.nodeFromJson(new JsonObject().put("name", "web-1")));
    Thread.sleep(2);
    ia.put("c/p/-/u", dev.baton.controller.intent.IntentCodec.nodeFromJson(new JsonObject().put("name", "web-1b")));
    ib.merge(intents.get(1));
    ib.merge(intents.get(0));
    assertEquals("web-1b", ib.get("c/p/-/u").orElseThrow().name());
  }
}
