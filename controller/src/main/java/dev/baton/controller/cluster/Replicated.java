package dev.baton.controller.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * A store whose records every controller of a cluster keeps, each on its own disk, so that any
 * controller can serve any node and a restart of the whole cluster loses nothing. Local changes
 * are sent to the others; a record from another controller is kept when it is newer than the one
 * here (the store decides what newer means).
 */
public interface Replicated {
  /** The store's name on the wire: nodes, tokens, handoffs, intents. */
  String replicaName();

  /** Every record, for a controller that joins. */
  JsonArray snapshot();

  /** Takes a record from another controller, if it is newer than this store's; never sent on. */
  void merge(JsonObject record);

  /** Hears each record changed here (not merged ones), to send to the others. */
  void onLocalChange(Consumer<JsonObject> listener);
}
