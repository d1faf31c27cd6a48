package dev.baton.controller.groups;

import dev.baton.common.bus.Addresses;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import dev.baton.common.error.BatonException;
import dev.baton.controller.handoff.puppet.RunSummary;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Runs an action on every node of a group through the agents (no SSH), a batch at a time: a
 * command the platform defines, a Puppet run now, or the node's facts. Only READY nodes are
 * asked; the others are reported as skipped. Each node's result is reported as it comes.
 */
public final class GroupActions {
  private static final Logger LOG = Logger.getLogger("baton.actions");
  private final Vertx vertx;
  private final NodeRegistry registry;

  public GroupActions(Vertx vertx, NodeRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
  }

  /**
   * What to run and where.
   *
   * @param type {@code command}, {@code puppet_run} or {@code facts}
   * @param environment the Puppet environment of a {@code puppet_run}
   */
  public record Request(String customer, String platform, String env, String groupUuid, String action, String type,
      String command, String environment, int timeoutSeconds, int batchSize) {

    public static Request fromJson(JsonObject o) {
      JsonObject a = o.getJsonObject("action", new JsonObject());
      Request r = new Request(o.getString("customer"), o.getString("platform"), o.getString("env"), o.getString("group"),
          a.getString("name"), a.getString("type"), a.getString("command"), a.getString("environment"),
          a.getInteger("timeout_seconds", 300), o.getInteger("batch_size", 1));
      if (r.customer == null || r.platform == null || r.groupUuid == null || r.action == null) {
        throw BatonException.invalid("customer, platform, group and action.name are required");
      }
      if (!List.of("command", "puppet_run", "facts").contains(String.valueOf(r.type))) {
        throw BatonException.invalid("action.type must be command, puppet_run or facts");
      }
      if ("command".equals(r.type) && (r.command == null || r.command.isBlank())) {
        throw BatonException.invalid("an action of type command needs its command");
      }
      if (r.batchSize < 1 || r.timeoutSeconds < 1) {
        throw BatonException.invalid("batch_size and action.timeout_seconds must be at least 1");
      }
      return r;
    }
  }

  /**
   * Why the platform does not allow {@code r} (null when it does): the group must be one provision
   * registered, and a command must be one of the platform's actions, exactly as it was registered
   * (never a command the caller makes up).
   *
   * @param group the group's intent, as provision registered it (null: never registered)
   */
  public static String undefined(Request r, dev.baton.controller.intent.NodeIntent group) {
    if (group == null) {
      return "group " + r.groupUuid() + " of " + r.platform() + " is not provisioned on this controller";
    }
    if (!"command".equals(r.type())) {
      return null; // puppet_run and facts are built in: every group has them
    }
    var defined = group.isGroup() ? group.group().actions().get(r.action()) : null;
    if (defined == null) {
      return "the platform " + r.platform() + " defines no action \"" + r.action() + "\" for group "
          + group.name() + " (define it under \"actions:\" and provision again)";
    }
    if (!r.command().equals(defined.command())) {
      return "the action \"" + r.action() + "\" of " + r.platform() + " was provisioned with another command"
          + " (provision again to register the changed action)";
    }
    return null;
  }

  /** The group's nodes that are not TERMINATED, by name. */
  public List<NodeRecord> nodes(Request r) {
    return registry.all().stream().filter(n -> r.groupUuid().equals(n.uuid()) && r.platform().equals(n.platform())
        && r.customer().equals(n.customer()) && Objects.equals(r.env(), n.env()) && n.state() != NodeState.TERMINATED)
        .sorted(Comparator.comparing(NodeRecord::name)).toList();
  }

  /**
   * Runs the action; {@code onResult} gets one object per node ({@code node, instance, batch, status:
   * ok|failed|skipped|unreachable, exit_code, output, millis}) as each ends. Completes when all have.
   */
  public Future<Void> run(Request r, Consumer<JsonObject> onResult) {
    List<NodeRecord> nodes = nodes(r);
    List<NodeRecord> ready = new ArrayList<>();
    for (NodeRecord n : nodes) {
      if (n.state() == NodeState.READY) {
        ready.add(n);
      } else {
        onResult.accept(base(n, 0).put("status", "skipped").put("output", "the node is " + n.phase()
            + (n.reason() == null ? "" : " (" + n.reason() + ")") + ", not READY"));
      }
    }
    LOG.info(() -> "action " + r.action() + " on " + ready.size() + " node(s) of group " + r.groupUuid() + " of "
        + r.platform() + ", " + r.batchSize() + " at a time");
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < ready.size(); i += r.batchSize()) {
      List<NodeRecord> batch = ready.subList(i, Math.min(ready.size(), i + r.batchSize()));
      int number = i / r.batchSize() + 1;
      chain = chain.compose(v -> Future.join(batch.stream().map(n -> one(r, n, number).map(res -> {
        onResult.accept(res);
        return (Void) null;
      })).toList()).mapEmpty());
    }
    return chain;
  }

  private Future<JsonObject> one(Request r, NodeRecord n, int batch) {
    String step = "action " + r.action();
    NodeCommand command = switch (r.type()) {
      case NodeCommand.PuppetRun.TYPE -> new NodeCommand.PuppetRun(step, r.environment() == null
          ? dev.baton.controller.intent.HandoffIntent.Puppet.DEFAULT_ENVIRONMENT : r.environment(), r.timeoutSeconds());
      case NodeCommand.Facts.TYPE -> new NodeCommand.Facts(step, r.timeoutSeconds());
      default -> new NodeCommand.Run(step, r.command(), r.timeoutSeconds());
    };
    long t0 = System.currentTimeMillis();
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout((r.timeoutSeconds() + 30) * 1000L);
    return vertx.eventBus().<JsonObject>request(Addresses.nodeIn(n.id()), command.toJson(), opts).map(m -> {
      CommandResult body = CommandResult.fromJson(m.body());
      int code = body.exitCode();
      boolean ok = command instanceof NodeCommand.PuppetRun ? code == 0 || code == 2 : code == 0;
      JsonObject res = base(n, batch).put("status", ok ? "ok" : "failed").put("exit_code", code)
          .put("output", body.output()).put("millis", System.currentTimeMillis() - t0);
      if (body.summary() != null) {
        res.put("summary", RunSummary.line(body.summary()));
      }
      if (body.facts() != null) {
        res.put("facts", body.facts());
      }
      return res;
    }).recover(err -> {
      boolean absent = err instanceof io.vertx.core.eventbus.ReplyException re
          && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS;
      return Future.succeededFuture(base(n, batch).put("status", "unreachable").put("output", absent
          ? "the node's agent is not connected to this controller" : "the node's agent did not answer: " + err.getMessage())
          .put("millis", System.currentTimeMillis() - t0));
    });
  }

  private static JsonObject base(NodeRecord n, int batch) {
    return new JsonObject().put("node", n.name()).put("instance", n.id()).put("batch", batch);
  }
}
