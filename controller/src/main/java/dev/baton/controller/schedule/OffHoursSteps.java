package dev.baton.controller.schedule;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Power;
import dev.baton.controller.definition.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scheduled stop and start do to an environment's cloud: its running instances stopped and
 * its groups set to zero (what they were saved first, in the environment's entry), then the same
 * instances started and each group given its counts back. The entry is {@link OffHours}'s, changed
 * under its lock.
 */
final class OffHoursSteps {
  private final OffHours owner;

  OffHoursSteps(OffHours owner) {
    this.owner = owner;
  }

  /** Stops the running instances, then sets each group to zero; what it was is saved first. */
  Future<String> stop(String key, Scope scope, CloudProvider cloud) {
    return cloud.observe(ResourceKind.INSTANCE, scope).compose(instances -> {
      List<String> running = instances.stream().filter(i -> "running".equals(i.state()) || "pending".equals(i.state()))
          .map(i -> i.id().id()).toList();
      synchronized (owner) {
        JsonObject e = owner.entry(key);
        JsonArray stopped = e.getJsonArray("stopped", new JsonArray());
        running.forEach(id -> {
          if (!stopped.contains(id)) {
            stopped.add(id);
          }
        });
        e.put("stopped", stopped);
        owner.save();
      }
      return cloud.require(Power.class, "stopping instances").compose(power -> power.stopInstances(running))
          .map(running.size());
    }).compose(stoppedCount -> cloud.observe(ResourceKind.AUTOSCALING_GROUP, scope).compose(groups -> {
      List<Future<Void>> all = new ArrayList<>();
      for (LiveResource g : groups) {
        int min = number(g.attributes().get("min"));
        // a group defined without "desired" may not report one: it runs its min
        int desired = g.attributes().get("desired") instanceof Number n ? n.intValue() : min;
        synchronized (owner) {
          JsonObject saved = owner.entry(key).getJsonObject("groups", new JsonObject());
          if (!saved.containsKey(g.uuid())) { // a retried stop keeps the counts of before the first attempt
            saved.put(g.uuid(), new JsonObject().put("min", min).put("desired", desired));
          }
          owner.entry(key).put("groups", saved);
          owner.save();
        }
        if (min != 0 || desired != 0) {
          all.add(setCapacity(cloud, g, 0, 0));
        }
      }
      return Future.all(all).map(v -> stoppedCount + " instance" + (stoppedCount == 1 ? "" : "s") + " stopped, "
          + groups.size() + " group" + (groups.size() == 1 ? "" : "s") + " set to zero");
    }));
  }

  /** Starts what the stop stopped and gives each group back its counts. */
  Future<String> start(String key, Scope scope, CloudProvider cloud) {
    List<String> stopped;
    JsonObject saved;
    JsonObject defined;
    synchronized (owner) {
      JsonObject e = owner.entry(key);
      stopped = e.getJsonArray("stopped", new JsonArray()).stream().map(String::valueOf).toList();
      saved = e.getJsonObject("groups", new JsonObject()).copy();
      defined = e.getJsonObject("defined", new JsonObject()).copy();
    }
    return cloud.observe(ResourceKind.INSTANCE, scope).compose(instances -> {
      // only those still there (an instance destroyed meanwhile is not started)
      List<String> present = instances.stream().map(i -> i.id().id()).filter(stopped::contains).toList();
      return cloud.require(Power.class, "starting instances").compose(power -> power.startInstances(present))
          .map(present.size());
    }).compose(started -> cloud.observe(ResourceKind.AUTOSCALING_GROUP, scope).compose(groups -> {
      List<Future<Void>> all = new ArrayList<>();
      for (LiveResource g : groups) {
        int[] counts = GroupCounts.restored(g, defined.getJsonObject(g.uuid()), saved.getJsonObject(g.uuid()));
        if (counts != null) {
          all.add(setCapacity(cloud, g, counts[0], counts[1]));
        }
      }
      return Future.all(all).map(v -> {
        synchronized (owner) {
          JsonObject e = owner.entry(key);
          e.remove("stopped");
          e.remove("groups");
          owner.save();
        }
        return started + " instance" + (started == 1 ? "" : "s") + " started, " + all.size() + " group"
            + (all.size() == 1 ? "" : "s") + " restored";
      });
    }));
  }

  private static Future<Void> setCapacity(CloudProvider cloud, LiveResource group, int min, int desired) {
    return cloud.require(AutoscalingGroups.class, "changing a group's capacity")
        .compose(groups -> groups.setCapacity(group, min, desired));
  }

  private static int number(Object o) {
    return o instanceof Number n ? n.intValue() : 0;
  }
}
