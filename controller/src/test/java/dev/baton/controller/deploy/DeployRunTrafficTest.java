package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.bus.Addresses;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.CommandResult;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load balancers around each node of a deployment: out of its target groups before its Deploy,
 * back in once it answered (after a failure too: it went back on its own), and around the
 * DeployRollback of nodes sent back; a failure to take a node out or put it back is that node's
 * failure, and the deployment rolls back. Nodes of a target without target groups see no call.
 * The agents and the cloud are fakes on the event bus; one list holds what happened, in order.
 */
class DeployRunTrafficTest {
  @TempDir
  Path dir;
  Vertx vertx;
  NodeRegistry registry;
  DeploymentStore store;
  final List<String> seen = new CopyOnWriteArrayList<>();
  /** What the fake cloud refuses: "block i-2", "allow i-1". */
  final Set<String> refuse = new java.util.concurrent.CopyOnWriteArraySet<>();
  /** Nodes whose agent fails the deploy (and rolls back on its own). */
  final Set<String> failing = new java.util.concurrent.CopyOnWriteArraySet<>();

  final NodeTraffic cloud = new NodeTraffic() {
    @Override
    public Future<Void> block(NodeRecord node, List<String> targetGroups, Duration timeout) {
      return act("block", node, targetGroups);
    }

    @Override
    public Future<Void> allow(NodeRecord node, List<String> targetGroups, Duration timeout) {
      return act("allow", node, targetGroups);
    }

    private Future<Void> act(String what, NodeRecord node, List<String> targetGroups) {
      seen.add(what + " " + node.id() + " " + targetGroups);
      return refuse.contains(what + " " + node.id()) ? Future.failedFuture(new BatonException(ErrorCode.DEADLINE_EXCEEDED,
          "aws: instance " + node.id() + " still not drained from web-443: draining after 60 s")) : Future.succeededFuture();
    }
  };

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = new NodeRegistry(dir.resolve("nodes.json"), Instant::now);
    store = new DeploymentStore(dir.resolve("deployments.json"));
    node("i-1", "web-1", "g-web");
    node("i-2", "web-2", "g-web");
    node("i-3", "db-1", "i-db"); // an instance with no target groups
    for (String id : List.of("i-1", "i-2", "i-3")) {
      vertx.eventBus().<JsonObject>consumer(Addresses.nodeIn(id), m -> {
        String type = m.body().getString("type");
        String rev = m.body().getString("revision");
        seen.add(type + " " + id);
        boolean fails = type.equals("deploy") && failing.contains(id);
        m.reply((fails ? CommandResult.of(1, "validate: exit 1", 5).withRelease("r1")
            : CommandResult.of(0, "done", 5).withRelease(rev)).toJson());
      });
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void node(String id, String name, String uuid) {
    registry.put(new NodeRecord(id, name, uuid, "shop", "demo", "prod", NodeState.READY, null, List.of(), null,
        Instant.now()));
  }

  private JsonObject run(NodeTraffic traffic) throws Exception {
    JsonObject body = DeployRequestTest.body();
    body.getJsonObject("application").put("targets", new JsonArray().add("g-web").add("i-db"))
        .put("target_groups", new JsonObject().put("g-web", new JsonArray().add("web-443")));
    body.put("batch", "1");
    DeployRequest r = DeployRequest.fromJson(body);
    store.updateApplication(r.key(), a -> a.put("releases", new JsonObject().put("i-1", "r1").put("i-2", "r1")
        .put("i-3", "r1")));
    store.updateDeployment("d-1", o -> o.put("id", "d-1").put("request", r.toJson()).put("status", "running")
        .put("token", "t").put("nodes", new JsonObject()).put("artifact", new JsonObject().put("sha256", "ab")));
    DeployRun.Sink sink = new DeployRun.Sink() {
      @Override
      public void progress(JsonObject line) {}

      @Override
      public void event(String type, JsonObject deployment) {}
    };
    return new DeployRun(vertx, registry, store, "d-1", "https://c/deploy/artifacts", sink,
        new TrafficAround(registry, traffic, Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .run().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static JsonObject node(JsonObject d, String id) {
    return d.getJsonObject("nodes").getJsonObject(id);
  }

  @Test
  void eachNodeLeavesItsTargetGroupsBeforeItsDeployAndComesBackAfter() throws Exception {
    JsonObject d = run(cloud);
    assertEquals("succeeded", d.getString("status"), d.encodePrettily());
    // by name: db-1 (no target groups: no call), web-1, web-2, a batch of one at a time
    assertEquals(List.of("deploy i-3",
        "block i-1 [web-443]", "deploy i-1", "allow i-1 [web-443]",
        "block i-2 [web-443]", "deploy i-2", "allow i-2 [web-443]"), seen);
  }

  @Test
  void aNodeThatCannotBeDrainedIsNotDeployedToAndTheDeploymentRollsBack() throws Exception {
    refuse.add("block i-2");
    JsonObject d = run(cloud);
    assertEquals("rolled_back", d.getString("status"), d.encodePrettily());
    assertEquals("failed", node(d, "i-2").getString("status"));
    assertEquals("r1", node(d, "i-2").getString("release"));
    assertTrue(d.getString("reason").startsWith("web-2: could not be taken out of its load balancers' target groups"
        + " [web-443]: aws: instance i-2 still not drained"), d.getString("reason"));
    assertEquals(List.of("deploy i-3",
        "block i-1 [web-443]", "deploy i-1", "allow i-1 [web-443]",
        "block i-2 [web-443]", "allow i-2 [web-443]"), // put back: it still runs r1, and was never sent its Deploy
        seen.subList(0, 6));
    // the rollback sends the nodes back at once: each drained around its own DeployRollback
    List<String> back = seen.subList(6, seen.size());
    assertEquals(List.of("block i-1 [web-443]", "deploy_rollback i-1", "allow i-1 [web-443]"), of(back, "i-1"));
    assertEquals(List.of("deploy_rollback i-3"), of(back, "i-3"));
    assertEquals(List.of(), of(back, "i-2"));
    assertEquals("rolled_back", node(d, "i-1").getString("status"));
  }

  @Test
  void aNodeThatIsNotHealthyAgainAfterItsDeployFailsAndIsSentBack() throws Exception {
    refuse.add("allow i-1");
    JsonObject d = run(cloud);
    assertEquals("failed", d.getString("status"), "its rollback cannot put it back either: " + d.encodePrettily());
    assertTrue(d.getString("reason").startsWith("web-1: could not be put back into its load balancers' target groups"),
        d.getString("reason"));
    assertEquals(List.of("block i-1 [web-443]", "deploy i-1", "allow i-1 [web-443]",
        "block i-1 [web-443]", "deploy_rollback i-1", "allow i-1 [web-443]"), of(seen, "i-1"));
    assertEquals(List.of(), of(seen, "i-2"), "web-2 is never reached");
    assertEquals("rollback_failed", node(d, "i-1").getString("status"));
    assertTrue(node(d, "i-1").getString("output").contains("could not be put back"), node(d, "i-1").encodePrettily());
  }

  @Test
  void aNodeWhoseDeployFailedServesAgainAfterItsOwnWayBack() throws Exception {
    failing.add("i-1");
    JsonObject d = run(cloud);
    assertEquals("rolled_back", d.getString("status"), d.encodePrettily());
    assertEquals("web-1: validate: exit 1", d.getString("reason"));
    assertEquals(List.of("deploy i-3", "block i-1 [web-443]", "deploy i-1", "allow i-1 [web-443]",
        "deploy_rollback i-3"), seen);
  }

  @Test
  void withoutACloudForItsLoadBalancersANodeThatServesTargetGroupsFailsSayingSo() throws Exception {
    JsonObject d = run(NodeTraffic.NONE);
    assertEquals("rolled_back", d.getString("status"), d.encodePrettily());
    assertEquals("web-1: could not be taken out of its load balancers' target groups [web-443]: this controller has no"
        + " cloud to manage load-balancer target groups with", d.getString("reason"));
    assertEquals(List.of("deploy i-3", "deploy_rollback i-3"), seen);
  }

  /** What happened to one node. */
  private static List<String> of(List<String> seen, String id) {
    return seen.stream().filter(s -> s.endsWith(" " + id) || s.contains(" " + id + " ")).toList();
  }
}
