package dev.baton.controller.provider.local;

import dev.baton.common.store.AtomicFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The local cloud's load-balancer target groups: one JSON file per group under
 * {@code local-cloud/target-groups/NAME.json}, {@code {"name", "targets": [instance IDs], "events":
 * [{"at", "instance", "action": "deregistered" | "registered"}]}}. There is no load balancer in
 * front of them: a target leaves at once (nothing to drain) and is healthy when registered. A group
 * exists once named, as a platform's own would have been made outside Baton; the events let tests
 * and people see when a node was out.
 */
final class LocalTargetGroups {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,31}");

  /**
   * Every provider of this process over the one directory: each call of the controller makes its own provider
   * (and store), and two nodes of a batch change a group at once (a store's own lock lost one of two updates).
   */
  private static final Object LOCK = new Object();

  private final LocalStore store;

  LocalTargetGroups(LocalStore store) {
    this.store = store;
  }

  void deregister(List<String> groups, String instanceId) throws IOException {
    change(groups, instanceId, false);
  }

  void register(List<String> groups, String instanceId) throws IOException {
    change(groups, instanceId, true);
  }

  private void change(List<String> groups, String instanceId, boolean in) throws IOException {
    Path dir = store.root().resolve("target-groups");
    Files.createDirectories(dir);
    // and the controllers of a cluster on one machine, which share the local cloud: a file lock
    synchronized (LOCK) {
      try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(dir.resolve(".lock"),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock held = lock.lock()) {
        changeLocked(dir, groups, instanceId, in);
      }
    }
  }

  private void changeLocked(Path dir, List<String> groups, String instanceId, boolean in) throws IOException {
    for (String g : groups) {
      String name = g.startsWith("arn:") ? g.substring(g.lastIndexOf(':') + 1).split("/")[1] : g;
      if (!NAME.matcher(name).matches()) {
        throw dev.baton.common.error.BatonException.invalid("local cloud: \"" + g + "\" is not a target group's name");
      }
      Path f = dir.resolve(name + ".json");
      JsonObject tg = Files.exists(f) ? new JsonObject(Files.readString(f))
          : new JsonObject().put("name", name).put("targets", new JsonArray()).put("events", new JsonArray());
      JsonArray targets = tg.getJsonArray("targets");
      if (in == targets.contains(instanceId)) {
        continue; // already where it should be: nothing happens, nothing is noted
      }
      if (in) {
        targets.add(instanceId);
      } else {
        targets.remove(instanceId);
      }
      tg.getJsonArray("events").add(new JsonObject().put("at", Instant.now().toString()).put("instance", instanceId)
          .put("action", in ? "registered" : "deregistered"));
      AtomicFiles.write(f, tg.encodePrettily(), false);
    }
  }
}
