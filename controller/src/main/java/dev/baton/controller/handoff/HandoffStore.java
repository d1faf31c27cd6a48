package dev.baton.controller.handoff;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a hand-off in progress has decided, per node, so that a controller restarting
 * mid-hand-off resumes where it was: the phases completed, the master chosen, the nonce issued,
 * the runs' summaries. Written atomically, readable by its owner only (the nonces are in it);
 * in a cluster, every controller keeps it (the later copy of a node's state wins).
 */
public final class HandoffStore extends dev.baton.controller.cluster.StampedJsonMap {

  public HandoffStore(Path file) {
    super(file, "handoffs", "node", "state", true);
  }

  /** A copy of the node's hand-off state ({@code {}} when none). */
  public JsonObject get(String node) {
    return find(node).orElseGet(JsonObject::new);
  }

  /** Changes the node's state and writes the store before returning. */
  public JsonObject update(String node, Consumer<JsonObject> change) {
    return change(node, change);
  }

  public boolean done(String node, String phase) {
    return find(node).map(o -> o.getJsonArray("done", new JsonArray()).contains(phase)).orElse(false);
  }

  /** The nodes whose states match. */
  public List<String> nodes(Predicate<JsonObject> p) {
    return keys(p);
  }

  /** How many nodes' states match. */
  public int count(Predicate<JsonObject> p) {
    return keys(p).size();
  }
}
