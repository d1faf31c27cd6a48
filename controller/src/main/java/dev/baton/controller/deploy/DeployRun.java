package dev.baton.controller.deploy;

import dev.baton.common.bus.Addresses;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One deployment, driven to its end: the targets' READY nodes a batch at a time, each through its
 * agent ({@link NodeCommand.Deploy}); nodes that became READY meanwhile in a last batch; on the
 * first node that fails, every node already on the new revision sent back to the release it ran
 * ({@link NodeCommand.DeployRollback}). Every result is written to the {@link DeploymentStore}
 * before the next step, so that a controller that takes the deployment over after a crash goes on
 * from the last node that finished (an agent asked again for a revision it already runs only
 * validates it).
 */
public final class DeployRun {
  private static final Logger LOG = Logger.getLogger("baton.deploy");
  /** The agent's answer while another deploy of the application runs on the node (a resumed deployment waits). */
  static final int BUSY = 75;
  /** Not an agent's exit code: no agent of the node is connected to the cluster. */
  private static final int ABSENT = -2;

  /** What a run tells the rest of the controller. */
  public interface Sink {
    /** One line of progress for whoever follows the deployment. */
    void progress(JsonObject line);

    /** A hook event: deploy.started, deploy.succeeded, deploy.failed, deploy.rolled_back. */
    void event(String type, JsonObject deployment);
  }

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final DeploymentStore store;
  private final String id;
  private final String artifactUrl;
  private final Sink sink;
  private final TrafficAround traffic;

  DeployRun(Vertx vertx, NodeRegistry registry, DeploymentStore store, String id, String artifactUrl, Sink sink,
      TrafficAround traffic) {
    this.vertx = vertx;
    this.registry = registry;
    this.store = store;
    this.id = id;
    this.artifactUrl = artifactUrl;
    this.sink = sink;
    this.traffic = traffic;
  }

  private JsonObject record() {
    return store.deployment(id).orElseThrow();
  }

  private DeployRequest request() {
    return DeployRequest.fromJson(record().getJsonObject("request"));
  }

  /** The targets' nodes that can take a release now: READY, by name. */
  static List<NodeRecord> ready(NodeRegistry registry, DeployRequest r) {
    return registry.all().stream().filter(n -> r.customer().equals(n.customer()) && r.platform().equals(n.platform())
        && java.util.Objects.equals(r.env(), n.env()) && r.targets().contains(n.uuid()) && n.state() == NodeState.READY)
        .sorted(Comparator.comparing(NodeRecord::name)).toList();
  }

  /** Runs (or resumes) the deployment; completes with its final record. */
  Future<JsonObject> run() {
    JsonObject d = record();
    if ("rolling_back".equals(d.getString("status"))) {
      return rollBack();
    }
    DeployRequest r = request();
    if (d.getJsonObject("nodes", new JsonObject()).isEmpty()) {
      List<NodeRecord> nodes = ready(registry, r);
      int size = r.batchSize(nodes.size());
      store.updateDeployment(id, o -> {
        JsonObject all = new JsonObject();
        for (int i = 0; i < nodes.size(); i++) {
          NodeRecord n = nodes.get(i);
          all.put(n.id(), new JsonObject().put("name", n.name()).put("batch", i / size + 1).put("status", "pending")
              .put("release_before", store.application(r.key()).getJsonObject("releases", new JsonObject())
                  .getString(n.id())));
        }
        o.put("nodes", all).put("batch_size", size).put("batches", nodes.isEmpty() ? 0 : (nodes.size() - 1) / size + 1);
      });
      sink.progress(new JsonObject().put("deployment", id).put("nodes", nodes.size()).put("batch_size", size)
          .put("batches", record().getInteger("batches")));
    }
    return batches(1).compose(ok -> ok ? sweep(0) : Future.succeededFuture(false))
        .compose(ok -> ok ? finish("succeeded", null) : rollBack());
  }

  /** Batch {@code n} and the ones after it; false as soon as a node failed. */
  private Future<Boolean> batches(int n) {
    JsonObject d = record();
    if (n > d.getInteger("batches", 0)) {
      return Future.succeededFuture(true);
    }
    List<String> pending = new ArrayList<>();
    d.getJsonObject("nodes").forEach(e -> {
      JsonObject node = (JsonObject) e.getValue();
      if (node.getInteger("batch") == n && !"ok".equals(node.getString("status"))) {
        pending.add(e.getKey());
      }
    });
    if (!pending.isEmpty()) {
      LOG.info(() -> "deploy " + id + ": batch " + n + " of " + d.getInteger("batches") + " (" + pending.size() + " nodes)");
    }
    return Future.join(pending.stream().map(node -> deployOne(node, n)).toList()).map(cf -> {
      for (int i = 0; i < cf.size(); i++) {
        if (!Boolean.TRUE.equals(cf.resultAt(i))) {
          return false;
        }
      }
      return true;
    }).compose(ok -> ok ? batches(n + 1) : Future.succeededFuture(false));
  }

  /** Nodes of the targets that became READY while the batches ran (a scale-out): one more batch of them. */
  private Future<Boolean> sweep(int round) {
    JsonObject d = record();
    List<NodeRecord> late = ready(registry, request()).stream()
        .filter(n -> !d.getJsonObject("nodes").containsKey(n.id())).toList();
    if (late.isEmpty() || round >= 3) {
      return Future.succeededFuture(true);
    }
    int batch = d.getInteger("batches", 0) + 1;
    String key = request().key();
    store.updateDeployment(id, o -> {
      for (NodeRecord n : late) {
        o.getJsonObject("nodes").put(n.id(), new JsonObject().put("name", n.name()).put("batch", batch)
            .put("status", "pending").put("release_before", store.application(key).getJsonObject("releases",
                new JsonObject()).getString(n.id())));
      }
      o.put("batches", batch);
    });
    return batches(batch).compose(ok -> ok ? sweep(round + 1) : Future.succeededFuture(false));
  }

  private Future<Boolean> deployOne(String node, int batch) {
    DeployRequest r = request();
    JsonObject d = record();
    NodeCommand.Deploy cmd = new NodeCommand.Deploy("deploy " + r.name() + " " + r.revision(), r.application(),
        r.revision(), artifactUrl + "/" + d.getJsonObject("artifact").getString("sha256"),
        d.getJsonObject("artifact").getString("sha256"), d.getString("token"), nodeTimeout(r));
    mark(node, o -> o.put("status", "running"));
    // out of the load balancers first: the node's own block_traffic hook then runs on a node no request reaches
    return traffic.block(r, node).compose(blocked -> {
      if (blocked.isPresent()) {
        // nothing changed on the node: it goes back to serving (as far as it can) and the deployment rolls back
        return traffic.allow(r, node).map(again -> failed(r, node, batch, blocked.get()));
      }
      return ask(node, cmd, 0).compose(res -> {
        Instant answered = Instant.now(); // the node's phase ends here, before it is put back
        boolean ok = res.ok() && r.revision().equals(res.release());
        // a node that failed went back to its release on its own: it serves again either way
        return traffic.allow(r, node).map(allowed -> {
          String status = ok && allowed.isEmpty() ? "ok" : "failed";
          mark(node, o -> o.put("status", status).put("release", res.release()).put("exit_code", res.exitCode())
              .put("output", allowed.map(why -> res.output() + "\n" + why).orElse(res.output()))
              .put("millis", res.millis()).put("deployed", ok));
          if (ok) {
            store.updateApplication(r.key(), a -> a.put("releases", a.getJsonObject("releases", new JsonObject())
                .put(node, r.revision())));
          }
          if (!ok) {
            reason(r, node, res.output(), res.release());
          } else if (allowed.isPresent()) {
            reason(r, node, allowed.get(), res.release());
          }
          timeline(node, cmd.step(), ok ? allowed.isEmpty() ? "ok" : "ok, " + allowed.get()
              : "failed (exit " + res.exitCode() + ")", res.millis(), answered);
          sink.progress(line(node, batch));
          return ok && allowed.isEmpty();
        });
      });
    });
  }

  /** A node that failed before it got its Deploy (its load balancers): it runs what it ran. */
  private boolean failed(DeployRequest r, String node, int batch, String why) {
    String before = record().getJsonObject("nodes").getJsonObject(node).getString("release_before");
    mark(node, o -> o.put("status", "failed").put("release", before).put("exit_code", -1).put("output", why)
        .put("millis", 0));
    reason(r, node, why, before);
    timeline(node, "deploy " + r.name() + " " + r.revision(), "failed: " + why, 0);
    sink.progress(line(node, batch));
    return false;
  }

  /** The deployment's reason is the first node's that failed. */
  private void reason(DeployRequest r, String node, String why, String release) {
    if (record().getString("reason") == null) {
      String name = record().getJsonObject("nodes").getJsonObject(node).getString("name");
      store.updateDeployment(id, o -> o.put("reason", name + ": " + why).put("failed_node", name));
      store.updateApplication(r.key(), a -> a.put("releases", a.getJsonObject("releases", new JsonObject())
          .put(node, release)));
    }
  }

  /** Asks the node's agent; an agent that does not answer is a failed node (exit -1), never an exception. */
  private Future<CommandResult> ask(String node, NodeCommand cmd, int busyTries) {
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout((cmd.timeoutSeconds() + 30) * 1000L);
    return vertx.eventBus().<JsonObject>request(Addresses.nodeIn(node), cmd.toJson(), opts)
        .map(m -> CommandResult.fromJson(m.body()))
        .recover(err -> {
          boolean absent = err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
          // an agent reconnecting (this controller just started, a network blip) is waited for, a while
          return Future.succeededFuture(CommandResult.of(absent ? ABSENT : -1, absent ? "the node's agent is not connected"
              : "the node's agent did not answer: " + err.getMessage(), 0));
        }).compose(res -> {
          if (res.exitCode() == ABSENT && busyTries < 30) {
            Promise<CommandResult> later = Promise.promise();
            vertx.setTimer(2_000, t -> ask(node, cmd, busyTries + 1).onComplete(later));
            return later.future();
          }
          if (res.exitCode() != BUSY || busyTries >= 60) {
            return Future.succeededFuture(res);
          }
          // still busy with the request of a controller that died: wait for it, then ask again
          Promise<CommandResult> later = Promise.promise();
          vertx.setTimer(5_000, t -> ask(node, cmd, busyTries + 1).onComplete(later));
          return later.future();
        });
  }

  /** Every node already on the new revision back to the release it ran; the deployment ends rolled_back. */
  private Future<JsonObject> rollBack() {
    store.updateDeployment(id, o -> o.put("status", "rolling_back"));
    sink.event(dev.baton.controller.notify.Event.DEPLOY_FAILED, record());
    DeployRequest r = request();
    List<String> back = new ArrayList<>();
    record().getJsonObject("nodes").forEach(e -> {
      String s = ((JsonObject) e.getValue()).getString("status");
      // "deployed": on the new revision, though the node failed after (it was not put back into its target groups)
      if ("ok".equals(s) || "running".equals(s) || ((JsonObject) e.getValue()).getBoolean("deployed", false)) {
        back.add(e.getKey());
      }
    });
    sink.progress(new JsonObject().put("rollback", true).put("nodes", back.size()).put("reason", record().getString("reason")));
    return Future.join(back.stream().map(node -> {
      String to = record().getJsonObject("nodes").getJsonObject(node).getString("release_before");
      NodeCommand.DeployRollback cmd = new NodeCommand.DeployRollback("rollback " + r.name() + " to "
          + (to == null ? "no release" : to), r.application(), to, nodeTimeout(r));
      return traffic.block(r, node).compose(blocked -> {
        if (blocked.isPresent()) {
          // a node whose traffic cannot be stopped is not changed under its users: the operator decides
          return traffic.allow(r, node).map(again -> {
            mark(node, o -> o.put("status", "rollback_failed").put("exit_code", -1).put("output", blocked.get()
                + "; not rolled back"));
            timeline(node, cmd.step(), "failed: " + blocked.get(), 0);
            sink.progress(line(node, 0));
            return false;
          });
        }
        return ask(node, cmd, 0).compose(res -> {
          Instant answered = Instant.now();
          boolean ok = res.ok() && java.util.Objects.equals(to, res.release());
          // one that did not roll back is left out of its target groups: it may not serve
          Future<java.util.Optional<String>> allowed = ok ? traffic.allow(r, node)
              : Future.succeededFuture(java.util.Optional.empty());
          return allowed.map(notAllowed -> {
            boolean done = ok && notAllowed.isEmpty();
            String out = notAllowed.map(why -> res.output() + "\n" + why).orElse(ok || !traffic.serves(r, node)
                ? res.output() : res.output() + "\nleft out of its load balancers' target groups");
            mark(node, o -> o.put("status", done ? "rolled_back" : "rollback_failed").put("release", res.release())
                .put("exit_code", res.exitCode()).put("output", out));
            store.updateApplication(r.key(), a -> a.put("releases", a.getJsonObject("releases", new JsonObject())
                .put(node, res.release())));
            timeline(node, cmd.step(), done ? "ok" : ok ? "ok, " + notAllowed.get() : "failed (exit " + res.exitCode()
                + ")", res.millis(), answered);
            sink.progress(line(node, 0));
            return done;
          });
        });
      });
    }).toList()).compose(cf -> {
      boolean all = true;
      for (int i = 0; i < cf.size(); i++) {
        all &= Boolean.TRUE.equals(cf.resultAt(i));
      }
      return all ? finish("rolled_back", null) : finish("failed", "the rollback did not complete on every node");
    });
  }

  private Future<JsonObject> finish(String status, String more) {
    DeployRequest r = request();
    JsonObject d = store.updateDeployment(id, o -> {
      o.put("status", status).put("ended", Instant.now().toString()).remove("token");
      if (more != null) {
        o.put("reason", o.getString("reason") == null ? more : o.getString("reason") + "; " + more);
      }
    });
    if ("succeeded".equals(status)) {
      store.updateApplication(r.key(), a -> a.put("revision", r.revision()).put("sha256",
          d.getJsonObject("artifact").getString("sha256")).put("deployment", id).put("request", d.getJsonObject("request")));
      sink.event(dev.baton.controller.notify.Event.DEPLOY_SUCCEEDED, d);
    } else if ("rolled_back".equals(status)) {
      sink.event(dev.baton.controller.notify.Event.DEPLOY_ROLLED_BACK, d);
    }
    LOG.info(() -> "deploy " + id + " of " + r.name() + " " + r.revision() + ": " + status
        + (d.getString("reason") == null ? "" : " (" + d.getString("reason") + ")"));
    sink.progress(new JsonObject().put("done", true).put("status", status).put("reason", d.getString("reason")));
    return Future.succeededFuture(d);
  }

  private void mark(String node, Consumer<JsonObject> change) {
    store.updateDeployment(id, o -> change.accept(o.getJsonObject("nodes").getJsonObject(node)));
  }

  private JsonObject line(String node, int batch) {
    JsonObject n = record().getJsonObject("nodes").getJsonObject(node);
    return new JsonObject().put("node", n.getString("name")).put("instance", node).put("batch", batch == 0
        ? n.getInteger("batch") : batch).put("status", n.getString("status")).put("release", n.getString("release"))
        .put("exit_code", n.getValue("exit_code")).put("output", n.getString("output")).put("millis", n.getValue("millis"));
  }

  /** The node's timeline gets the deploy step as one closed phase; a node that went away meanwhile is left alone. */
  private void timeline(String node, String step, String outcome, long millis) {
    timeline(node, step, outcome, millis, Instant.now());
  }

  private void timeline(String node, String step, String outcome, long millis, Instant end) {
    try {
      registry.update(node, n -> n.noted(step, end.minusMillis(Math.max(0, millis)), end, outcome));
    } catch (RuntimeException e) {
      LOG.fine(() -> "deploy " + id + ": no timeline for " + node + ": " + e.getMessage());
    }
  }

  /** Long enough for every hook and the download (the agent enforces each hook's own timeout). */
  static int nodeTimeout(DeployRequest r) {
    return r.application().hookTimeoutSeconds() * NodeCommand.Application.HOOKS.size() * 2 + 600;
  }
}
