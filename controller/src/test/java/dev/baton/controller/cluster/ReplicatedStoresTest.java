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

  @Test
  void historyEntriesAreKeptOnceAsWrittenAndSurviveARestart() {
    dev.baton.controller.access.History a = new dev.baton.controller.access.History(dir.resolve("a.jsonl"));
    dev.baton.controller.access.History b = new dev.baton.controller.access.History(dir.resolve("b.jsonl"));
    List<JsonObject> sentByA = new ArrayList<>();
    List<JsonObject> sentByB = new ArrayList<>();
    a.onLocalChange(sentByA::add);
    b.onLocalChange(sentByB::add);
    Instant t = Instant.parse("2026-12-01T09:00:00Z");
    var first = new dev.baton.controller.access.HistoryEntry(a.newId(t), t, "ci", "operate", "10.0.0.1", "provision",
        "acme", "shop", "prod", null, "ok", 0, "sha256:1", null);
    var earlier = new dev.baton.controller.access.HistoryEntry(b.newId(t.minusSeconds(5)), t.minusSeconds(5), "ops",
        "admin", "10.0.0.2", "tokens.create", null, null, null, "x (read)", "ok", 201, null, null);
    a.record(first);
    b.record(earlier);
    sentByA.forEach(b::merge);
    sentByA.forEach(b::merge); // twice: kept once
    sentByB.forEach(a::merge);
    assertEquals(1, sentByA.size());
    assertEquals(1, sentByB.size(), "a merged entry is not sent on");
    assertThrows(IllegalArgumentException.class, () -> a.record(first), "an entry is never written twice");
    for (var h : List.of(a, b)) {
      assertEquals(List.of("tokens.create", "provision"), h.list(e -> true, 100).stream()
          .map(dev.baton.controller.access.HistoryEntry::what).toList(), "by time, wherever written");
    }
    var reread = new dev.baton.controller.access.History(dir.resolve("b.jsonl"));
    assertEquals(b.list(e -> true, 100), reread.list(e -> true, 100), "as it was, after a restart");
    assertEquals(List.of("provision"), reread.list(e -> "acme".equals(e.customer()), 100).stream()
        .map(dev.baton.controller.access.HistoryEntry::what).toList());
  }

  @Test
  void aHistoryLineCutByACrashIsSkippedAndTheNextEntryStartsALineOfItsOwn() throws Exception {
    Path f = dir.resolve("h.jsonl");
    var h = new dev.baton.controller.access.History(f);
    Instant t = Instant.parse("2026-12-01T09:00:00Z");
    h.record(new dev.baton.controller.access.HistoryEntry(h.newId(t), t, "ci", "operate", null, "deploy", "acme", "shop",
        null, "web v1", "ok", 200, null, null));
    java.nio.file.Files.writeString(f, "{\"id\":\"cut", java.nio.file.StandardOpenOption.APPEND);
    var after = new dev.baton.controller.access.History(f);
    assertEquals(1, after.size());
    after.record(new dev.baton.controller.access.HistoryEntry(after.newId(t.plusSeconds(1)), t.plusSeconds(1), "ci",
        "operate", null, "deploy", "acme", "shop", null, "web v2", "ok", 200, null, null));
    assertEquals(2, new dev.baton.controller.access.History(f).size());
    assertTrue(java.nio.file.Files.readString(f).contains("{\"id\":\"cut\n{"), "the cut line is left as it was");
  }

  @Test
  void anOperatorTokenMadeOrRevokedOnOneControllerIsSoOnTheOther() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T09:00:00Z"));
    var a = new dev.baton.controller.access.OperatorTokens(dir.resolve("a-ops.json"), "built-in-a", now::get);
    var b = new dev.baton.controller.access.OperatorTokens(dir.resolve("b-ops.json"), "built-in-b", now::get);
    List<JsonObject> sentByA = new ArrayList<>();
    a.onLocalChange(sentByA::add);
    var admin = new dev.baton.controller.access.Operator("admin", null, dev.baton.controller.access.Role.ADMIN);
    var issued = a.create("acme-ci", "acme", dev.baton.controller.access.Role.OPERATE, Duration.ofDays(1), admin);
    sentByA.forEach(b::merge);
    assertEquals(new dev.baton.controller.access.Operator("acme-ci", "acme", dev.baton.controller.access.Role.OPERATE),
        b.check(issued.secret()).operator());
    assertEquals("admin", b.check("built-in-b").operator().name());
    assertEquals("api_unauthenticated", b.check("built-in-a").refusal(), "each controller's built-in token is its own");
    sentByA.clear();
    now.set(now.get().plusSeconds(60));
    a.revoke("acme-ci", admin);
    sentByA.forEach(b::merge);
    assertEquals("api_token_revoked", b.check(issued.secret()).refusal());
    now.set(now.get().plusSeconds(86_400));
    var c = new dev.baton.controller.access.OperatorTokens(dir.resolve("b-ops.json"), "built-in-b", now::get);
    assertEquals("api_token_revoked", c.check(issued.secret()).refusal(), "on b's disk");
  }
}
