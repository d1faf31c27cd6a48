package dev.baton.controller.serve;

import dev.baton.controller.deploy.DeployEvents;
import dev.baton.controller.deploy.DeployRun;
import dev.baton.controller.deploy.NodeTraffic;
import dev.baton.controller.fleet.Clouds;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.notify.Outbox;
import dev.baton.controller.registry.NodeRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** What deployments are given by the composition root: where their events go, and nodes' load balancers. */
final class DeployWiring {
  private DeployWiring() {}

  /** deploy.* events to the hooks, with what people want in a message. */
  static DeployRun.Sink events(Outbox outbox) {
    return new DeployRun.Sink() {
      @Override
      public void progress(JsonObject line) { }

      @Override
      public void event(String type, JsonObject d) {
        outbox.enqueue(DeployEvents.of(type, d));
      }
    };
  }

  /** A node's load balancers, in the cloud {@code provision} registered with its intent. */
  static NodeTraffic traffic(Clouds clouds, IntentStore intents) {
    return new NodeTraffic() {
      @Override
      public Future<Void> block(NodeRecord node, List<String> targetGroups, Duration timeout) {
        return clouds.block(Clouds.cloudOf(intents, node.scope(), node.uuid()), targetGroups, node.id(), timeout);
      }

      @Override
      public Future<Void> allow(NodeRecord node, List<String> targetGroups, Duration timeout) {
        return clouds.allow(Clouds.cloudOf(intents, node.scope(), node.uuid()), targetGroups, node.id(), timeout);
      }
    };
  }
}
