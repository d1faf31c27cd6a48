package dev.baton.controller.provider.local;

import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.attest.InstanceFacts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The local cloud's answer to "does this instance run, and whose is it": its file and its process. */
public final class LocalInstanceDirectory implements InstanceDirectory {
  private final Vertx vertx;
  private final Path root;

  public LocalInstanceDirectory(Vertx vertx, Path home) {
    this.vertx = vertx;
    this.root = LocalCloudProvider.rootOf(home);
  }

  @Override
  public Future<Optional<InstanceFacts>> describe(String instanceId) {
    dev.baton.controller.provider.CallStats.PROCESS.count("DescribeInstances");
    return vertx.executeBlocking(() -> {
      if (!instanceId.matches("^i-[0-9a-f]+$")) {
        return Optional.empty();
      }
      Path f = root.resolve("instance").resolve(instanceId + ".json");
      if (!Files.exists(f)) {
        return Optional.<InstanceFacts>empty();
      }
      JsonObject o = new JsonObject(Files.readString(f));
      Map<String, String> tags = new LinkedHashMap<>();
      o.getJsonObject("tags").forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
      boolean alive = LocalInstances.alive(root, instanceId);
      JsonObject a = o.getJsonObject("attributes", new JsonObject());
      return Optional.of(new InstanceFacts(instanceId, alive ? "running" : "stopped", tags, a.getString("private_ip")));
    }, false);
  }
}
