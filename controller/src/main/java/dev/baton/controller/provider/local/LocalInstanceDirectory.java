package dev.baton.controller.provider.local;

import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.attest.InstanceFacts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import dev.baton.controller.attest.BootLog;
import dev.baton.controller.provider.local.machine.Machines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The local cloud's answer to "does this instance run, and whose is it": its file and its process. */
public final class LocalInstanceDirectory implements InstanceDirectory {
  private final Vertx vertx;
  private final Path root;

  public LocalInstanceDirectory(Vertx vertx, Path home) {
    this.vertx = vertx;
    this.root = LocalCloudProvider.rootOf(home);
  }

  /** Whether {@code doc} is the identity document the local cloud gave the instance it names. */
  public Future<Boolean> proves(dev.baton.common.msg.LocalIdentity doc) {
    return vertx.executeBlocking(() -> LocalIdentities.proves(root, doc), false);
  }

  @Override
  public Future<Optional<InstanceFacts>> describe(String instanceId) {
    dev.baton.controller.provider.CallStats.PROCESS.count("DescribeInstances");
    return vertx.executeBlocking(() -> {
      if (!instanceId.matches("^i-[0-9a-f]+$")) {
        return Optional.empty();
      }
      Path f = root.resolve("instance").resolve(instanceId + ".json");
      return Files.exists(f) ? Optional.of(facts(instanceId, f)) : Optional.<InstanceFacts>empty();
    }, false);
  }

  /** The local cloud's running instances that carry a platform's tags (a records-only instance is left out). */
  @Override
  public Future<List<InstanceFacts>> launched() {
    dev.baton.controller.provider.CallStats.PROCESS.count("DescribeInstances");
    return vertx.executeBlocking(() -> {
      Path dir = root.resolve("instance");
      List<InstanceFacts> out = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        return out;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.getFileName().toString().matches("^i-[0-9a-f]+\\.json$")).toList()) {
          String id = f.getFileName().toString().replace(".json", "");
          try {
            InstanceFacts facts = facts(id, f);
            if (facts.running() && facts.tags().containsKey("baton:platform")) {
              out.add(facts);
            }
          } catch (java.nio.file.NoSuchFileException gone) {
            // terminated while listed
          }
        }
      }
      return out;
    }, false);
  }

  /**
   * A machine's cloud-init output and the step its script failed at; a process's agent log, and
   * that it ended when it did.
   */
  @Override
  public Future<BootLog> bootLog(String instanceId) {
    return vertx.executeBlocking(() -> {
      if (Machines.isMachine(root, instanceId)) {
        Machines.BootReport r = Machines.bootReport(root, instanceId);
        String failure = r.failedStep() != null ? "the user data failed at " + r.failedStep()
            : r.finished() && !r.errors().isEmpty() ? "cloud-init finished with errors: " + String.join("; ", r.errors())
            : null;
        return new BootLog(failure, r.finished(), r.outputTail());
      }
      Path log = LocalInstances.dir(root, instanceId).resolve("agent.log");
      String tail = Files.isRegularFile(log) ? Machines.tail(Files.readString(log), 15) : "";
      // ended: it was started (its pid written) and runs no more
      boolean ended = Files.exists(LocalInstances.dir(root, instanceId).resolve("pid"))
          && !LocalInstances.alive(root, instanceId);
      String last = tail.isEmpty() ? "" : tail.lines().reduce((a, b) -> b).orElse("");
      return new BootLog(ended ? "the agent process ended" + (last.isEmpty() ? "" : ": " + last) : null, ended, tail);
    }, false);
  }

  private InstanceFacts facts(String instanceId, Path f) throws java.io.IOException {
    JsonObject o = new JsonObject(Files.readString(f));
    Map<String, String> tags = new LinkedHashMap<>();
    o.getJsonObject("tags").forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
    boolean alive = LocalInstances.alive(root, instanceId);
    JsonObject a = o.getJsonObject("attributes", new JsonObject());
    Instant launched = a.getString("launch_time") == null ? null : Instant.parse(a.getString("launch_time"));
    return new InstanceFacts(instanceId, alive ? "running" : "stopped", tags, a.getString("private_ip"), launched);
  }
}
