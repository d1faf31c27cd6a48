package dev.baton.controller.provider.local;

import static dev.baton.controller.provider.local.LocalCloudProvider.GROUP;
import static dev.baton.controller.provider.local.LocalCloudProvider.TEMPLATE_VERSION;
import static dev.baton.controller.provider.local.LocalCloudProvider.TERMINATING_WAIT;

import dev.baton.cloudinit.UserData;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups.GroupInstance;
import dev.baton.controller.provider.AutoscalingGroups.Lifecycle;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local cloud's autoscaling groups, as EC2 Auto Scaling keeps them: a group brings itself to its
 * desired count with its launch template (kept under {@code ROOT/launch-templates}, with its version),
 * terminates its newest instances first, and with a termination lifecycle hook holds an instance it
 * removes until the controller completes the hook or the heartbeat runs out.
 */
final class LocalGroups {
  private final LocalStore store;
  private final LocalInstanceRunner runner;
  private final NodeLauncher launcher;

  LocalGroups(LocalStore store, LocalInstanceRunner runner, NodeLauncher launcher) {
    this.store = store;
    this.runner = runner;
    this.launcher = launcher;
  }

  /** The group's instances, oldest first. */
  List<String> instanceIds(String groupUuid) throws IOException {
    return store.list(ResourceKind.INSTANCE).stream().filter(l -> groupUuid.equals(l.tags().get(GROUP)))
        .map(l -> l.id().id()).toList();
  }

  /**
   * Brings a group to its desired count, as Auto Scaling does: launches instances with the group's
   * launch template (its user data: the group's token), or terminates the newest ones.
   */
  void scale(Scope scope, LiveResource group) throws IOException {
    Map<String, Object> a = group.attributes();
    int min = a.get("min") instanceof Number n ? n.intValue() : 0;
    int max = a.get("max") instanceof Number n ? n.intValue() : min;
    int desired = a.get("desired") instanceof Number n ? n.intValue() : min;
    desired = Math.max(min, Math.min(max, desired));
    List<String> running = new ArrayList<>();
    for (String id : instanceIds(group.uuid())) {
      LiveResource i = store.read(ResourceKind.INSTANCE, id);
      if (i != null && TERMINATING_WAIT.equals(store.recordedState(id))) {
        // held by the lifecycle hook: gone once the controller completes it, or its heartbeat ran out
        Object until = i.attributes().get("hook_deadline");
        if (until != null && java.time.Instant.parse(until.toString()).isBefore(java.time.Instant.now())) {
          runner.terminate(id);
        }
      } else if (i != null) {
        running.add(id);
      }
    }
    while (running.size() > desired) {
      leave(group, running.remove(running.size() - 1));
    }
    if (running.size() < desired && runner.boots()) {
      runner.prepare(launchImage(group));
      UserData.Rendered template = groupTemplate(scope, group);
      for (int i = running.size(); i < desired; i++) {
        Map<String, String> tags = new LinkedHashMap<>(scope.tags());
        tags.putAll(group.tags());
        tags.remove("baton:uuid");
        tags.put(GROUP, group.uuid());
        tags.put(TEMPLATE_VERSION, Integer.toString(templateVersionOf(group.uuid())));
        CloudId id = store.newId(ResourceKind.INSTANCE);
        tags.put("Name", group.tags().getOrDefault("Name", "group") + "-" + id.id());
        synchronized (store.writeLock) {
          Map<String, Object> attrs = new LinkedHashMap<>();
          attrs.put("private_ip", freeAddress(a));
          attrs.put("launch_time", java.time.Instant.now().toString());
          store.write(new LiveResource(ResourceKind.INSTANCE, null, id, attrs, tags, "running"));
        }
        runner.boot(id.id(), launchImage(group), template);
      }
    }
  }

  /**
   * An instance leaves its group: at once, or, when the group has a lifecycle hook, it waits
   * (still running) until the controller completes the hook or the heartbeat runs out.
   */
  private void leave(LiveResource group, String id) throws IOException {
    if (!(group.attributes().get("lifecycle_hook") instanceof Map<?, ?> hook)) {
      runner.terminate(id);
      return;
    }
    int heartbeat = hook.get("heartbeat_seconds") instanceof Number n ? n.intValue() : 300;
    synchronized (store.writeLock) {
      LiveResource i = store.read(ResourceKind.INSTANCE, id);
      if (i != null) {
        Map<String, Object> a = new LinkedHashMap<>(i.attributes());
        a.put("hook_deadline", java.time.Instant.now().plusSeconds(heartbeat).toString());
        store.write(new LiveResource(i.kind(), i.uuid(), i.id(), a, i.tags(), TERMINATING_WAIT));
      }
    }
  }

  /** A private address in the group's first subnet that no instance of this cloud has. */
  private String freeAddress(Map<String, Object> group) throws IOException {
    if (!(group.get("subnets") instanceof List<?> subnets) || subnets.isEmpty() || !(subnets.get(0) instanceof CloudId sid)) {
      return null;
    }
    LiveResource subnet = store.read(ResourceKind.SUBNET, sid.id());
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
    for (LiveResource i : store.list(ResourceKind.INSTANCE)) {
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

  /** The machine image a group's instances boot, or null when they are agent processes. */
  private static MachineImage launchImage(LiveResource group) {
    return group.attributes().get("launch") instanceof Map<?, ?> l && l.get("image") != null
        ? MachineImage.byYaml(l.get("image").toString()) : null;
  }

  // ------------------------------------------------------------ launch templates

  /** The user data of the group's launch template (with the group's token), made once, owner-only. */
  private UserData.Rendered groupTemplate(Scope scope, LiveResource group) throws IOException {
    Path f = templateFile(group.uuid());
    if (Files.exists(f)) {
      JsonObject kept = new JsonObject(Files.readString(f));
      if (kept.containsKey("user_data")) { // else the agent configuration alone, as kept before: made again
        return dev.baton.cloudinit.UserData.Rendered.fromJson(kept);
      }
    }
    UserData.Rendered r = launcher.groupUserData(scope, group.uuid());
    AtomicFiles.write(f,
        r.toJson().encode(), true);
    return r;
  }

  private Path templateFile(String groupUuid) {
    return store.root().resolve("launch-templates").resolve(groupUuid + ".json");
  }

  private Path versionFile(String groupUuid) {
    return store.root().resolve("launch-templates").resolve(groupUuid + ".version");
  }

  int templateVersionOf(String groupUuid) throws IOException {
    try {
      return Integer.parseInt(Files.readString(versionFile(groupUuid)).trim());
    } catch (NoSuchFileException e) {
      return 1;
    }
  }

  /** Like CreateLaunchTemplateVersion: new instances launch from the next version; none is terminated. */
  void newTemplateVersion(String groupUuid) throws IOException {
    int version = templateVersionOf(groupUuid) + 1;
    Files.createDirectories(versionFile(groupUuid).getParent());
    AtomicFiles.write(versionFile(groupUuid), Integer.toString(version), false);
  }

  /** A group removed: its instances terminated, its launch template gone. */
  void remove(String groupUuid) throws IOException {
    for (String id : instanceIds(groupUuid)) {
      runner.terminate(id);
    }
    Files.deleteIfExists(templateFile(groupUuid));
    Files.deleteIfExists(versionFile(groupUuid));
  }

  // ------------------------------------------------------------ what AutoscalingGroups asks

  List<GroupInstance> instances(LiveResource group) throws IOException {
    List<GroupInstance> out = new ArrayList<>();
    for (LiveResource l : store.list(ResourceKind.INSTANCE)) {
      if (group.uuid().equals(l.tags().get(GROUP))) {
        boolean held = TERMINATING_WAIT.equals(store.recordedState(l.id().id()));
        // the local cloud speaks as EC2 Auto Scaling does, to the operator; in Baton's terms to the controller
        String state = held ? "Terminating:Wait" : "running".equals(l.state()) ? "InService" : l.state();
        Lifecycle lifecycle = held ? Lifecycle.HELD_FOR_CLEANUP : "running".equals(l.state()) ? Lifecycle.IN_SERVICE
            : String.valueOf(l.state()).startsWith("terminat") ? Lifecycle.LEAVING : Lifecycle.OTHER;
        out.add(new GroupInstance(l.id().id(), state, lifecycle, "running".equals(l.state()) ? "Healthy" : "Unhealthy",
            l.tags().getOrDefault(TEMPLATE_VERSION, "1"), null));
      }
    }
    return out;
  }

  void setCapacity(LiveResource group, Integer min, int desired) throws IOException {
    synchronized (store.writeLock) {
      LiveResource g = current(group);
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
      store.write(updated);
      scale(scopeOf(updated), updated);
    }
  }

  void terminateInGroup(LiveResource group, String instanceId, boolean decrement) throws IOException {
    synchronized (store.writeLock) {
      LiveResource g = current(group);
      LiveResource instance = store.read(ResourceKind.INSTANCE, instanceId);
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
      store.write(updated);
      scale(scopeOf(updated), updated); // without decrement: a replacement from the current template
    }
  }

  void completeLifecycle(String instanceId) throws IOException {
    if (TERMINATING_WAIT.equals(store.recordedState(instanceId))) {
      runner.terminate(instanceId);
    }
  }

  private LiveResource current(LiveResource group) throws IOException {
    LiveResource current = store.read(ResourceKind.AUTOSCALING_GROUP, group.id().id());
    if (current == null) {
      throw new BatonException(ErrorCode.NOT_FOUND, "autoscaling group " + group.id() + " does not exist");
    }
    return current;
  }

  private static Scope scopeOf(LiveResource r) {
    return new Scope(r.tags().get("baton:platform"), r.tags().get("baton:customer"), r.tags().get("baton:env"));
  }
}
