package dev.baton.controller.provider.local;

import dev.baton.cloudinit.UserData;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CallStats;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.NodeDns;
import dev.baton.controller.provider.Power;
import dev.baton.controller.provider.Scope;
import dev.baton.controller.provider.Values;
import dev.baton.controller.provider.local.machine.Machines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The embedded default cloud: every resource is a JSON file under
 * {@code BATON_HOME/local-cloud/KIND/ID.json}, written atomically (a temporary file renamed
 * over the old one), so a crash leaves either the old or the new state, never half of one.
 * Like a real cloud it gives resources IDs, refuses references to resources that do not
 * exist and removal of resources still in use, and lists one kind at a time.
 */
public final class LocalCloudProvider implements CloudProvider, AutoscalingGroups, Power, NodeDns {
  private static final Map<ResourceKind, String> PREFIX = Map.ofEntries(
      Map.entry(ResourceKind.IAM_POLICY, "policy"), Map.entry(ResourceKind.IAM_GROUP, "group"),
      Map.entry(ResourceKind.IAM_USER, "user"), Map.entry(ResourceKind.IAM_ROLE, "role"),
      Map.entry(ResourceKind.INSTANCE_PROFILE, "profile"), Map.entry(ResourceKind.VPC, "vpc"),
      Map.entry(ResourceKind.SUBNET, "subnet"), Map.entry(ResourceKind.SECURITY_GROUP, "sg"),
      Map.entry(ResourceKind.ELASTIC_IP, "eipalloc"), Map.entry(ResourceKind.VOLUME, "vol"),
      Map.entry(ResourceKind.INSTANCE, "i"), Map.entry(ResourceKind.AUTOSCALING_GROUP, "asg"),
      Map.entry(ResourceKind.DNS_RECORD, "rrset"));

  private final Vertx vertx;
  private final Path root;
  private final CallStats stats = new CallStats();
  private final SecureRandom random = new SecureRandom();
  private final Object writeLock = new Object();
  private final NodeLauncher launcher;
  private final Path agentJar;

  /** A local cloud whose instances are records only (no controller to register with). */
  public LocalCloudProvider(Vertx vertx, Path home) {
    this(vertx, home, null, null);
  }

  /** A local cloud whose instances are agent processes started from {@code agentJar}. */
  public LocalCloudProvider(Vertx vertx, Path home, NodeLauncher launcher, Path agentJar) {
    this.vertx = vertx;
    this.root = rootOf(home);
    this.launcher = launcher;
    this.agentJar = agentJar;
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
    return root;
  }

  @Override
  public Future<List<LiveResource>> observe(ResourceKind kind, Scope scope) {
    return blocking("List/" + kind.yaml(), () -> list(kind).stream().filter(l -> scope.owns(l.tags()))
        .filter(l -> !l.tags().containsKey(GROUP)).toList());
  }

  @Override
  public Future<List<LiveResource>> lookup(ResourceKind kind, Scope scope, String uuid) {
    return blocking("Lookup/" + kind.yaml(), () -> list(kind).stream()
        .filter(l -> uuid.equals(l.uuid()) && scope.owns(l.tags())).toList());
  }

  @Override
  public Future<LiveResource> create(ResourceKind kind, Scope scope, String uuid, Map<String, Object> attributes,
      Map<String, String> tags, String token) {
    return blocking("Create/" + kind.yaml(), () -> {
      LiveResource live;
      synchronized (writeLock) {
        checkReferences(attributes);
        CloudId id = new CloudId(PREFIX.get(kind) + "-" + HexFormat.of().formatHex(random.generateSeed(8)));
        Map<String, Object> a = attributes;
        if (kind == ResourceKind.INSTANCE) {
          a = new LinkedHashMap<>(attributes);
          a.put("launch_time", java.time.Instant.now().toString()); // as EC2's LaunchTime
        }
        live = new LiveResource(kind, uuid, id, a, tags, initialState(kind));
        write(live);
      }
      if (kind == ResourceKind.INSTANCE && launcher != null) {
        // like RunInstances: the instance boots with its user data, which starts the agent
        // (outside the lock: several instances boot at once)
        MachineImage image = MachineImage.byYaml(String.valueOf(attributes.get("image")));
        try {
          prepare(image);
          boot(live.id().id(), image, launcher.userData(scope, uuid, live.id().id()));
        } catch (IOException | RuntimeException e) {
          // like a RunInstances that failed: no instance is left behind, and a new run launches it again
          terminateGroupInstance(live.id().id());
          throw e;
        }
      }
      if (kind == ResourceKind.AUTOSCALING_GROUP) {
        scale(scope, live);
      }
      return live;
    });
  }

  @Override
  public Future<LiveResource> update(LiveResource live, Map<String, Object> attributes, Map<String, String> tags,
      List<String> changed) {
    return blocking("Update/" + live.kind().yaml(), () -> {
      synchronized (writeLock) {
        LiveResource current = read(live.kind(), live.id().id());
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
        checkReferences(merged);
        if (current.kind() == ResourceKind.AUTOSCALING_GROUP && changed.contains("launch")) {
          // like CreateLaunchTemplateVersion + UpdateAutoScalingGroup: new instances only; none is terminated
          writeVersion(current.uuid(), templateVersionOf(current.uuid()) + 1);
        }
        LiveResource updated = new LiveResource(current.kind(), current.uuid(), current.id(), merged, tags,
            current.state());
        write(updated);
        if (updated.kind() == ResourceKind.AUTOSCALING_GROUP) {
          scale(new Scope(tags.get("baton:platform"), tags.get("baton:customer"), tags.get("baton:env")), updated);
        }
        return updated;
      }
    });
  }

  @Override
  public Future<Void> delete(LiveResource live) {
    return blocking("Delete/" + live.kind().yaml(), () -> {
      if (live.kind() == ResourceKind.AUTOSCALING_GROUP) {
        for (String id : groupInstances(live.uuid())) {
          terminateGroupInstance(id);
        }
        Files.deleteIfExists(templateFile(live.uuid()));
        Files.deleteIfExists(versionFile(live.uuid()));
      }
      if (live.kind() == ResourceKind.INSTANCE) {
        // like TerminateInstances: nothing blocks it; stopping the process may take a moment,
        // so it happens outside the lock and several instances stop at once
        LocalInstances.terminate(root, live.id().id());
        if (launcher != null) {
          launcher.terminated(live.id().id());
        }
      }
      synchronized (writeLock) {
        if (live.kind() == ResourceKind.SECURITY_GROUP) {
          LiveResource self = read(live.kind(), live.id().id());
          if (self != null) {
            Map<String, Object> a = new LinkedHashMap<>(self.attributes());
            a.remove("ingress");
            a.remove("egress");
            write(new LiveResource(self.kind(), self.uuid(), self.id(), a, self.tags(), self.state()));
          }
        }
        for (ResourceKind k : ResourceKind.values()) {
          for (LiveResource other : list(k)) {
            if (!other.id().equals(live.id()) && k != ResourceKind.DNS_RECORD && Values.mentions(other.attributes(), live.id())) {
              throw new BatonException(ErrorCode.FAILED_PRECONDITION, "DependencyViolation: " + live.id()
                  + " is used by " + other.kind().yaml() + " " + other.id(), true, null);
            }
          }
        }
        Files.deleteIfExists(file(live.kind(), live.id().id()));
        return null;
      }
    });
  }

  // ------------------------------------------------------------ autoscaling groups

  /** The tag of the instances a group launched: the group's UUID (they have no baton:uuid of their own). */
  public static final String GROUP = "baton:group";

  /** The group's instances, oldest first. */
  private List<String> groupInstances(String groupUuid) throws IOException {
    return list(ResourceKind.INSTANCE).stream().filter(l -> groupUuid.equals(l.tags().get(GROUP)))
        .map(l -> l.id().id()).toList();
  }

  /**
   * Brings a group to its desired count, as Auto Scaling does: launches instances with the group's
   * launch template (its user data: the group's token), or terminates the newest ones.
   */
  private void scale(Scope scope, LiveResource group) throws IOException {
    Map<String, Object> a = group.attributes();
    int min = a.get("min") instanceof Number n ? n.intValue() : 0;
    int max = a.get("max") instanceof Number n ? n.intValue() : min;
    int desired = a.get("desired") instanceof Number n ? n.intValue() : min;
    desired = Math.max(min, Math.min(max, desired));
    List<String> running = new ArrayList<>();
    for (String id : groupInstances(group.uuid())) {
      LiveResource i = read(ResourceKind.INSTANCE, id);
      if (i != null && TERMINATING_WAIT.equals(recordedState(id))) {
        // held by the lifecycle hook: gone once the controller completes it, or its heartbeat ran out
        Object until = i.attributes().get("hook_deadline");
        if (until != null && java.time.Instant.parse(until.toString()).isBefore(java.time.Instant.now())) {
          terminateGroupInstance(id);
        }
      } else if (i != null) {
        running.add(id);
      }
    }
    while (running.size() > desired) {
      leave(group, running.remove(running.size() - 1));
    }
    if (running.size() < desired && launcher != null) {
      prepare(launchImage(group));
      UserData.Rendered template = groupTemplate(scope, group);
      for (int i = running.size(); i < desired; i++) {
        Map<String, String> tags = new LinkedHashMap<>(scope.tags());
        tags.putAll(group.tags());
        tags.remove("baton:uuid");
        tags.put(GROUP, group.uuid());
        tags.put(TEMPLATE_VERSION, Integer.toString(templateVersionOf(group.uuid())));
        CloudId id = new CloudId("i-" + HexFormat.of().formatHex(random.generateSeed(8)));
        tags.put("Name", group.tags().getOrDefault("Name", "group") + "-" + id.id());
        synchronized (writeLock) {
          Map<String, Object> attrs = new LinkedHashMap<>();
          attrs.put("private_ip", freeAddress(a));
          attrs.put("launch_time", java.time.Instant.now().toString());
          write(new LiveResource(ResourceKind.INSTANCE, null, id, attrs, tags, "running"));
        }
        boot(id.id(), launchImage(group), template);
      }
    }
  }

  /** The state of a group's instance held by the group's termination lifecycle hook. */
  public static final String TERMINATING_WAIT = "terminating:wait";

  private String recordedState(String id) throws IOException {
    try {
      return new JsonObject(Files.readString(file(ResourceKind.INSTANCE, id))).getString("state", "");
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * An instance leaves its group: at once, or, when the group has a lifecycle hook, it waits
   * (still running) until the controller completes the hook or the heartbeat runs out.
   */
  private void leave(LiveResource group, String id) throws IOException {
    if (!(group.attributes().get("lifecycle_hook") instanceof Map<?, ?> hook)) {
      terminateGroupInstance(id);
      return;
    }
    int heartbeat = hook.get("heartbeat_seconds") instanceof Number n ? n.intValue() : 300;
    synchronized (writeLock) {
      LiveResource i = read(ResourceKind.INSTANCE, id);
      if (i != null) {
        Map<String, Object> a = new LinkedHashMap<>(i.attributes());
        a.put("hook_deadline", java.time.Instant.now().plusSeconds(heartbeat).toString());
        write(new LiveResource(i.kind(), i.uuid(), i.id(), a, i.tags(), TERMINATING_WAIT));
      }
    }
  }

  /** A private address in the group's first subnet that no instance of this cloud has. */
  private String freeAddress(Map<String, Object> group) throws IOException {
    if (!(group.get("subnets") instanceof List<?> subnets) || subnets.isEmpty() || !(subnets.get(0) instanceof CloudId sid)) {
      return null;
    }
    LiveResource subnet = read(ResourceKind.SUBNET, sid.id());
    if (subnet == null || subnet.attributes().get("cidr") == null) {
      return null;
    }
    String[] cidr = subnet.attributes().get("cidr").toString().split("/");
    long base = 0;
    for (String octet : cidr[0].split("\\.")) {
      base = base * 256 + Integer.parseInt(octet);
    }
    long size = 1L << (32 - Integer.parseInt(cidr[1]));
    java.util.Set<Object> used = new java.util.HashSet<>();
    for (LiveResource i : list(ResourceKind.INSTANCE)) {
      used.add(i.attributes().get("private_ip"));
    }
    for (long host = 4; host < size - 1; host++) { // like AWS: the first four and the last are reserved
      long ip = base + host;
      String text = (ip >> 24 & 255) + "." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255);
      if (!used.contains(text)) {
        return text;
      }
    }
    return null;
  }

  @Override
  public Future<Void> completeLifecycle(LiveResource group, String instanceId) {
    return blocking("CompleteLifecycleAction", () -> {
      if (TERMINATING_WAIT.equals(recordedState(instanceId))) {
        terminateGroupInstance(instanceId);
      }
      return null;
    });
  }

  @Override
  public Future<Void> upsertNodeRecord(Scope scope, String zone, String name, String address, String instanceId) {
    return blocking("ChangeResourceRecordSets", () -> {
      Map<String, String> tags = new LinkedHashMap<>(scope.tags());
      tags.put(GROUP, "node"); // not a resource of the platform: plans never list it
      tags.put("baton:node", instanceId);
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("zone", zone);
      a.put("record", name);
      a.put("type", "A");
      a.put("ttl", 60);
      a.put("values", List.of(address));
      synchronized (writeLock) {
        write(new LiveResource(ResourceKind.DNS_RECORD, null, new CloudId("rrset-" + instanceId), a, tags, ""));
      }
      return null;
    });
  }

  @Override
  public Future<Void> deleteNodeRecord(Scope scope, String zone, String name, String instanceId) {
    return blocking("ChangeResourceRecordSets", () -> {
      synchronized (writeLock) {
        LiveResource r = read(ResourceKind.DNS_RECORD, "rrset-" + instanceId);
        if (r != null && instanceId.equals(r.tags().get("baton:node")) && name.equals(r.attributes().get("record"))) {
          Files.deleteIfExists(file(ResourceKind.DNS_RECORD, "rrset-" + instanceId));
        }
      }
      return null;
    });
  }

  /** The tag of a group's instance: the launch-template version it was launched from. */
  public static final String TEMPLATE_VERSION = "baton:template-version";

  private Path templateFile(String groupUuid) {
    return root.resolve("launch-templates").resolve(groupUuid + ".json");
  }

  private Path versionFile(String groupUuid) {
    return root.resolve("launch-templates").resolve(groupUuid + ".version");
  }

  private int templateVersionOf(String groupUuid) throws IOException {
    try {
      return Integer.parseInt(Files.readString(versionFile(groupUuid)).trim());
    } catch (NoSuchFileException e) {
      return 1;
    }
  }

  private void writeVersion(String groupUuid, int version) throws IOException {
    Files.createDirectories(versionFile(groupUuid).getParent());
    AtomicFiles.write(versionFile(groupUuid), Integer.toString(version), false);
  }

  private LiveResource group(LiveResource group) throws IOException {
    LiveResource current = read(ResourceKind.AUTOSCALING_GROUP, group.id().id());
    if (current == null) {
      throw new BatonException(ErrorCode.NOT_FOUND, "autoscaling group " + group.id() + " does not exist");
    }
    return current;
  }

  private static Scope scopeOf(LiveResource r) {
    return new Scope(r.tags().get("baton:platform"), r.tags().get("baton:customer"), r.tags().get("baton:env"));
  }

  @Override
  public Future<List<GroupInstance>> groupInstances(LiveResource group) {
    return blocking("DescribeGroupInstances", () -> {
      List<GroupInstance> out = new ArrayList<>();
      for (LiveResource l : list(ResourceKind.INSTANCE)) {
        if (group.uuid().equals(l.tags().get(GROUP))) {
          boolean held = TERMINATING_WAIT.equals(recordedState(l.id().id()));
          // the local cloud speaks as EC2 Auto Scaling does, to the operator; in Baton's terms to the controller
          String state = held ? "Terminating:Wait" : "running".equals(l.state()) ? "InService" : l.state();
          Lifecycle lifecycle = held ? Lifecycle.HELD_FOR_CLEANUP : "running".equals(l.state()) ? Lifecycle.IN_SERVICE
              : String.valueOf(l.state()).startsWith("terminat") ? Lifecycle.LEAVING : Lifecycle.OTHER;
          out.add(new GroupInstance(l.id().id(), state, lifecycle, "running".equals(l.state()) ? "Healthy" : "Unhealthy",
              l.tags().getOrDefault(TEMPLATE_VERSION, "1"), null));
        }
      }
      return out;
    });
  }

  @Override
  public Future<String> templateVersion(LiveResource group) {
    return blocking("DescribeLaunchTemplate", () -> Integer.toString(templateVersionOf(group.uuid())));
  }

  @Override
  public Future<Void> setCapacity(LiveResource group, Integer min, int desired) {
    return blocking("SetDesiredCapacity", () -> {
      synchronized (writeLock) {
        LiveResource g = group(group);
        Map<String, Object> a = new LinkedHashMap<>(g.attributes());
        int max = a.get("max") instanceof Number n ? n.intValue() : desired;
        int floor = min != null ? min : a.get("min") instanceof Number n ? n.intValue() : 0;
        if (desired > max || desired < floor) {
          throw new BatonException(ErrorCode.INVALID_ARGUMENT, "ValidationError: desired capacity " + desired
              + " is outside " + floor + ".." + max + " of group " + g.id());
        }
        if (min != null) {
          a.put("min", min);
        }
        a.put("desired", desired);
        LiveResource updated = new LiveResource(g.kind(), g.uuid(), g.id(), a, g.tags(), g.state());
        write(updated);
        scale(scopeOf(updated), updated);
      }
      return null;
    });
  }

  @Override
  public Future<Void> terminateInGroup(LiveResource group, String instanceId, boolean decrement) {
    return blocking("TerminateInstanceInAutoScalingGroup", () -> {
      synchronized (writeLock) {
        LiveResource g = group(group);
        LiveResource instance = read(ResourceKind.INSTANCE, instanceId);
        if (instance == null || !g.uuid().equals(instance.tags().get(GROUP))) {
          throw new BatonException(ErrorCode.NOT_FOUND, "instance " + instanceId + " is not in group " + g.id());
        }
        Map<String, Object> a = new LinkedHashMap<>(g.attributes());
        int min = a.get("min") instanceof Number n ? n.intValue() : 0;
        int desired = a.get("desired") instanceof Number n ? n.intValue() : min;
        if (decrement && desired - 1 < min) {
          throw new BatonException(ErrorCode.FAILED_PRECONDITION, "ValidationError: terminating " + instanceId
              + " and decrementing would take group " + g.id() + " below its minimum " + min);
        }
        leave(g, instanceId);
        if (decrement) {
          a.put("desired", desired - 1);
        }
        LiveResource updated = new LiveResource(g.kind(), g.uuid(), g.id(), a, g.tags(), g.state());
        write(updated);
        scale(scopeOf(updated), updated); // without decrement: a replacement from the current template
      }
      return null;
    });
  }

  @Override
  public Future<Void> stopInstances(List<String> instanceIds) {
    return blocking("StopInstances", () -> {
      for (String id : instanceIds) {
        LocalInstances.stop(root, id);
      }
      return null;
    });
  }

  @Override
  public Future<Void> startInstances(List<String> instanceIds) {
    return blocking("StartInstances", () -> {
      for (String id : instanceIds) {
        if (read(ResourceKind.INSTANCE, id) == null) {
          throw new BatonException(ErrorCode.NOT_FOUND, "InvalidInstanceID.NotFound: " + id);
        }
        if (agentJar != null || Machines.isMachine(root, id)) {
          LocalInstances.start(root, id, agentJar);
        }
      }
      return null;
    });
  }

  /** The machine image a group's instances boot, or null when they are agent processes. */
  private static MachineImage launchImage(LiveResource group) {
    return group.attributes().get("launch") instanceof Map<?, ?> l && l.get("image") != null
        ? MachineImage.byYaml(l.get("image").toString()) : null;
  }

  /** Makes the machine image first, when none is made yet: a node's time from launch starts when it boots. */
  private void prepare(MachineImage image) throws IOException {
    if (image != null) {
      dev.baton.controller.provider.local.machine.MachineImages.rootfs(image, launcher::progress);
    }
  }

  /**
   * Boots instance {@code id} with its user data: as a machine of {@code image} (cloud-init runs
   * the whole user data), else as an agent process with the configuration the user data writes.
   */
  private void boot(String id, MachineImage image, UserData.Rendered userData) throws IOException {
    if (image != null) {
      Machines.launch(root, id, image, userData.bytes(), launcher::progress);
    } else {
      LocalInstances.launch(root, id, UserData.agentConfigOf(userData.cloudConfig()), agentJar);
    }
  }

  /** The user data of the group's launch template (with the group's token), made once, owner-only. */
  private UserData.Rendered groupTemplate(Scope scope, LiveResource group) throws IOException {
    Path f = templateFile(group.uuid());
    if (Files.exists(f)) {
      JsonObject kept = new JsonObject(Files.readString(f));
      if (kept.containsKey("user_data")) { // else the agent configuration alone, as kept before: made again
        return dev.baton.controller.fleet.NodeUserData.fromJson(kept);
      }
    }
    UserData.Rendered r = launcher.groupUserData(scope, group.uuid());
    AtomicFiles.write(f,
        dev.baton.controller.fleet.NodeUserData.toJson(r).encode(), true);
    return r;
  }

  private void terminateGroupInstance(String id) throws IOException {
    LocalInstances.terminate(root, id);
    Files.deleteIfExists(file(ResourceKind.INSTANCE, id));
    if (launcher != null) {
      launcher.terminated(id);
    }
  }

  // ------------------------------------------------------------ storage

  /** An instance's state: running while its agent process lives (records-only instances always run). */
  private String stateOf(ResourceKind kind, String id, String recorded) {
    if (kind != ResourceKind.INSTANCE || !Files.isDirectory(LocalInstances.dir(root, id))) {
      return recorded;
    }
    return LocalInstances.alive(root, id) ? "running" : "stopped";
  }

  private String initialState(ResourceKind kind) {
    return switch (kind) {
      case INSTANCE -> "running";
      case VOLUME, ELASTIC_IP, VPC, SUBNET -> "available";
      default -> "";
    };
  }

  private void checkReferences(Object v) throws IOException {
    List<CloudId> ids = new ArrayList<>();
    Values.forEachLeaf(v, x -> {
      if (x instanceof CloudId id) {
        ids.add(id);
      }
    });
    for (CloudId id : ids) {
      if (find(id) == null) {
        throw new BatonException(ErrorCode.NOT_FOUND, "InvalidID.NotFound: " + id + " does not exist", true, null);
      }
    }
  }

  private LiveResource find(CloudId id) throws IOException {
    for (Map.Entry<ResourceKind, String> e : PREFIX.entrySet()) {
      if (id.id().startsWith(e.getValue() + "-")) {
        return read(e.getKey(), id.id());
      }
    }
    return null;
  }

  private Path file(ResourceKind kind, String id) {
    return root.resolve(kind.yaml()).resolve(id + ".json");
  }

  private List<LiveResource> list(ResourceKind kind) throws IOException {
    Path dir = root.resolve(kind.yaml());
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<LiveResource> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      // a write in flight is a hidden temporary file: never read it
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
          .sorted().toList()) {
        LiveResource l = read(kind, f.getFileName().toString().replace(".json", ""));
        if (l != null) {
          out.add(l);
        }
      }
    }
    return out;
  }

  private LiveResource read(ResourceKind kind, String id) throws IOException {
    try {
      JsonObject o = new JsonObject(Files.readString(file(kind, id), StandardCharsets.UTF_8));
      Map<String, String> tags = new LinkedHashMap<>();
      o.getJsonObject("tags").forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
      @SuppressWarnings("unchecked")
      Map<String, Object> attrs = (Map<String, Object>) decode(o.getJsonObject("attributes"));
      return new LiveResource(kind, o.getString("uuid"), new CloudId(id), attrs, tags,
          stateOf(kind, id, o.getString("state", "")));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private void write(LiveResource l) throws IOException {
    JsonObject o = new JsonObject().put("id", l.id().id()).put("kind", l.kind().yaml()).put("uuid", l.uuid())
        .put("state", l.state()).put("attributes", encode(l.attributes())).put("tags", new JsonObject(new LinkedHashMap<>(l.tags())));
    Path target = file(l.kind(), l.id().id());
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    Files.writeString(tmp, o.encodePrettily(), StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Attributes as stored: a cloud ID is written {@code {"$id": ...}}. */
  private static Object encode(Object v) {
    return Values.toJson(v, x -> x instanceof CloudId id ? new JsonObject().put("$id", id.id()) : x);
  }

  private static Object decode(Object v) {
    if (v instanceof JsonObject o) {
      if (o.size() == 1 && o.containsKey("$id")) {
        return new CloudId(o.getString("$id"));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), decode(e.getValue())));
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      a.forEach(x -> l.add(decode(x)));
      return l;
    }
    return v;
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
