package dev.baton.controller.provider.local;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CallStats;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.NodeDns;
import dev.baton.controller.provider.Power;
import dev.baton.controller.provider.Traffic;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.Values;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The embedded default cloud: every resource is a JSON file under
 * {@code BATON_HOME/local-cloud/KIND/ID.json} ({@link LocalStore}). Like a real cloud it gives
 * resources IDs, refuses references to resources that do not exist and removal of resources still
 * in use, and lists one kind at a time. It offers every optional capability: its groups
 * ({@link LocalGroups}), instances that stop and start ({@link LocalInstanceRunner}), and nodes' DNS
 * records ({@link LocalNodeRecords}), target groups that nodes leave and join around a deploy
 * ({@link LocalTargetGroups}). Each call runs on a worker thread and is counted by operation,
 * as the cloud's API calls are.
 */
public final class LocalCloudProvider implements CloudProvider, AutoscalingGroups, Power, NodeDns, Traffic {
  /** The tag of the instances a group launched: the group's UUID (they have no baton:uuid of their own). */
  public static final String GROUP = "baton:group";

  /** The tag of a group's instance: the launch-template version it was launched from. */
  public static final String TEMPLATE_VERSION = "baton:template-version";

  /** The state of a group's instance held by the group's termination lifecycle hook. */
  public static final String TERMINATING_WAIT = "terminating:wait";

  private final Vertx vertx;
  private final CallStats stats = new CallStats();
  private final LocalStore store;
  private final LocalInstanceRunner runner;
  private final LocalGroups groups;
  private final LocalNodeRecords nodeRecords;
  private final LocalTargetGroups targetGroups;

  /** A local cloud whose instances are records only (no controller to register with). */
  public LocalCloudProvider(Vertx vertx, Path home) {
    this(vertx, home, null, null);
  }

  /** A local cloud whose instances are agent processes started from {@code agentJar}. */
  public LocalCloudProvider(Vertx vertx, Path home, NodeLauncher launcher, Path agentJar) {
    this.vertx = vertx;
    this.store = new LocalStore(rootOf(home));
    this.runner = new LocalInstanceRunner(store, launcher, agentJar);
    this.groups = new LocalGroups(store, runner, launcher);
    this.nodeRecords = new LocalNodeRecords(store);
    this.targetGroups = new LocalTargetGroups(store);
  }

  /**
   * Where the local cloud keeps its resources: {@code BATON_HOME/local-cloud}, or {@code BATON_LOCAL_CLOUD}
   * ({@code -Dbaton.local-cloud}) — the one cloud of several controllers of a cluster on one machine.
   */
  public static Path rootOf(Path home) {
    String shared = dev.baton.common.settings.Settings.LOCAL_CLOUD.orNull();
    return shared != null && !shared.isBlank() ? Path.of(shared) : home.resolve("local-cloud");
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public CallStats stats() {
    return stats;
  }

  /** Instances and groups that boot machines need what machines need of this host (root, debootstrap, systemd-nspawn). */
  @Override
  public Future<List<dev.baton.common.error.Diagnostic>> check(dev.baton.controller.definition.Platform platform) {
    List<dev.baton.common.error.Diagnostic> out = new ArrayList<>();
    String missing = null;
    for (dev.baton.controller.definition.Resource r : platform.resources()) {
      MachineImage image = r.spec() instanceof dev.baton.controller.definition.model.InstanceSpec i ? i.image()
          : r.spec() instanceof dev.baton.controller.definition.model.AutoscalingGroupSpec g ? g.launch().image() : null;
      if (image == null) {
        continue;
      }
      missing = missing != null ? missing : dev.baton.controller.provider.local.machine.MachineHost.missing();
      if (missing != null) {
        out.add(new dev.baton.common.error.Diagnostic(r.pos(r.kind() == ResourceKind.INSTANCE ? "image" : "launch.image"),
            r.kind().yaml() + " " + r.name() + " boots a " + image.yaml() + " machine; " + missing));
      }
    }
    return Future.succeededFuture(out);
  }

  public Path root() {
    return store.root();
  }

  // ------------------------------------------------------------ resources

  @Override
  public Future<List<LiveResource>> observe(ResourceKind kind, Scope scope) {
    return blocking("List/" + kind.yaml(), () -> store.list(kind).stream().filter(l -> scope.owns(l.tags()))
        .filter(l -> !l.tags().containsKey(GROUP)).toList());
  }

  @Override
  public Future<List<LiveResource>> lookup(ResourceKind kind, Scope scope, String uuid) {
    return blocking("Lookup/" + kind.yaml(), () -> store.list(kind).stream()
        .filter(l -> uuid.equals(l.uuid()) && scope.owns(l.tags())).toList());
  }

  @Override
  public Future<LiveResource> create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> attributes,
      Map<String, String> tags, String token) {
    return blocking("Create/" + kind.yaml(), () -> {
      LiveResource live;
      synchronized (store.writeLock) {
        store.checkReferences(attributes);
        CloudId id = store.newId(kind);
        Map<String, Object> a = attributes;
        if (kind == ResourceKind.INSTANCE) {
          a = new LinkedHashMap<>(attributes);
          a.put("launch_time", java.time.Instant.now().toString()); // as EC2's LaunchTime
        }
        live = new LiveResource(kind, uuid, id, a, tags, initialState(kind));
        store.write(live);
      }
      if (kind == ResourceKind.INSTANCE && runner.boots()) {
        // like RunInstances: the instance boots with its user data, which starts the agent
        // (outside the lock: several instances boot at once)
        runner.run(scope, uuid, live.id().id(), MachineImage.byYaml(String.valueOf(attributes.get("image"))));
      }
      if (kind == ResourceKind.AUTOSCALING_GROUP) {
        groups.scale(scope, live);
      }
      return live;
    });
  }

  @Override
  public Future<LiveResource> update(LiveResource live, Map<String, Object> attributes, Map<String, String> tags,
      List<String> changed) {
    return blocking("Update/" + live.kind().yaml(), () -> {
      synchronized (store.writeLock) {
        LiveResource current = store.read(live.kind(), live.id().id());
        if (current == null) {
          throw new BatonException(ErrorCode.NOT_FOUND, live.kind().yaml() + " " + live.id() + " does not exist");
        }
        Map<String, Object> merged = new LinkedHashMap<>(current.attributes());
        for (String k : changed) {
          if (attributes.containsKey(k)) {
            merged.put(k, attributes.get(k));
          } else {
            merged.remove(k);
          }
        }
        store.checkReferences(merged);
        if (current.kind() == ResourceKind.AUTOSCALING_GROUP && changed.contains("launch")) {
          // like CreateLaunchTemplateVersion + UpdateAutoScalingGroup: new instances only; none is terminated
          groups.newTemplateVersion(current.uuid());
        }
        LiveResource updated = new LiveResource(current.kind(), current.uuid(), current.id(), merged, tags,
            current.state());
        store.write(updated);
        if (updated.kind() == ResourceKind.AUTOSCALING_GROUP) {
          groups.scale(new Scope(tags.get("baton:platform"), tags.get("baton:customer"), tags.get("baton:env")), updated);
        }
        return updated;
      }
    });
  }

  @Override
  public Future<Void> delete(LiveResource live) {
    return blocking("Delete/" + live.kind().yaml(), () -> {
      if (live.kind() == ResourceKind.AUTOSCALING_GROUP) {
        groups.remove(live.uuid());
      }
      if (live.kind() == ResourceKind.INSTANCE) {
        // like TerminateInstances: nothing blocks it; stopping the process may take a moment,
        // so it happens outside the lock and several instances stop at once
        runner.end(live.id().id());
      }
      synchronized (store.writeLock) {
        if (live.kind() == ResourceKind.SECURITY_GROUP) {
          LiveResource self = store.read(live.kind(), live.id().id());
          if (self != null) {
            Map<String, Object> a = new LinkedHashMap<>(self.attributes());
            a.remove("ingress");
            a.remove("egress");
            store.write(new LiveResource(self.kind(), self.uuid(), self.id(), a, self.tags(), self.state()));
          }
        }
        for (ResourceKind k : ResourceKind.values()) {
          for (LiveResource other : store.list(k)) {
            if (!other.id().equals(live.id()) && k != ResourceKind.DNS_RECORD && Values.mentions(other.attributes(), live.id())) {
              throw new BatonException(ErrorCode.FAILED_PRECONDITION, "DependencyViolation: " + live.id()
                  + " is used by " + other.kind().yaml() + " " + other.id(), true, null);
            }
          }
        }
        Files.deleteIfExists(store.file(live.kind(), live.id().id()));
        return null;
      }
    });
  }

  private static String initialState(ResourceKind kind) {
    return switch (kind) {
      case INSTANCE -> "running";
      case VOLUME, ELASTIC_IP, VPC, SUBNET -> "available";
      default -> "";
    };
  }

  // ------------------------------------------------------------ autoscaling groups

  @Override
  public Future<List<GroupInstance>> groupInstances(LiveResource group) {
    return blocking("DescribeGroupInstances", () -> groups.instances(group));
  }

  @Override
  public Future<String> templateVersion(LiveResource group) {
    return blocking("DescribeLaunchTemplate", () -> Integer.toString(groups.templateVersionOf(group.uuid())));
  }

  @Override
  public Future<Void> setCapacity(LiveResource group, Integer min, int desired) {
    return blocking("SetDesiredCapacity", () -> {
      groups.setCapacity(group, min, desired);
      return null;
    });
  }

  @Override
  public Future<Void> terminateInGroup(LiveResource group, String instanceId, boolean decrement) {
    return blocking("TerminateInstanceInAutoScalingGroup", () -> {
      groups.terminateInGroup(group, instanceId, decrement);
      return null;
    });
  }

  @Override
  public Future<Void> completeLifecycle(LiveResource group, String instanceId) {
    return blocking("CompleteLifecycleAction", () -> {
      groups.completeLifecycle(instanceId);
      return null;
    });
  }

  // ------------------------------------------------------------ power

  @Override
  public Future<Void> stopInstances(List<String> instanceIds) {
    return blocking("StopInstances", () -> {
      runner.stop(instanceIds);
      return null;
    });
  }

  @Override
  public Future<Void> startInstances(List<String> instanceIds) {
    return blocking("StartInstances", () -> {
      runner.start(instanceIds);
      return null;
    });
  }

  // ------------------------------------------------------------ nodes' DNS records

  @Override
  public Future<Void> upsertNodeRecord(Scope scope, String zone, String name, String address, String instanceId) {
    return blocking("ChangeResourceRecordSets", () -> {
      nodeRecords.upsert(scope, zone, name, address, instanceId);
      return null;
    });
  }

  @Override
  public Future<Void> deleteNodeRecord(Scope scope, String zone, String name, String instanceId) {
    return blocking("ChangeResourceRecordSets", () -> {
      nodeRecords.delete(name, instanceId);
      return null;
    });
  }

  // ------------------------------------------------------------ load balancers' target groups

  @Override
  public Future<Void> block(List<String> groups, String instanceId, java.time.Duration timeout) {
    return blocking("DeregisterTargets", () -> {
      targetGroups.deregister(groups, instanceId);
      return null;
    });
  }

  @Override
  public Future<Void> allow(List<String> groups, String instanceId, java.time.Duration timeout) {
    return blocking("RegisterTargets", () -> {
      targetGroups.register(groups, instanceId);
      return null;
    });
  }

  private <T> Future<T> blocking(String op, Callable<T> work) {
    stats.count(op);
    return vertx.executeBlocking(() -> {
      try {
        return work.call();
      } catch (IOException e) {
        throw new BatonException(ErrorCode.UNAVAILABLE, "local cloud: " + e.getMessage(), e);
      }
    }, false);
  }
}
