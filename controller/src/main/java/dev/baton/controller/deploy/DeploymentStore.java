package dev.baton.controller.deploy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every deployment and where each application stands, kept on disk (readable by its owner only:
 * a running deployment's artifact token is in it) and, in a cluster, on every controller, so that
 * a deployment whose controller died is finished by another. Two kinds of records:
 * {@code deployment:ID} (one run: its request, batches, each node's result) and
 * {@code application:KEY} (the revision the application's nodes run, and each node's release).
 */
public final class DeploymentStore extends dev.baton.controller.cluster.StampedJsonMap {
  private static final String DEPLOYMENT = "deployment:";
  private static final String APPLICATION = "application:";

  public DeploymentStore(Path file) {
    super(file, "deployments", "key", "record", true);
  }

  public Optional<JsonObject> deployment(String id) {
    return find(DEPLOYMENT + id);
  }

  public JsonObject updateDeployment(String id, Consumer<JsonObject> change) {
    return change(DEPLOYMENT + id, change);
  }

  /** Deployments that match, oldest first. */
  public List<JsonObject> deployments(java.util.function.Predicate<JsonObject> p) {
    return entries().entrySet().stream().filter(e -> e.getKey().startsWith(DEPLOYMENT) && p.test(e.getValue()))
        .map(java.util.Map.Entry::getValue).sorted(Comparator.comparing(o -> o.getString("started", ""))).toList();
  }

  /** Where an application stands ({@code {}} before its first deployment). */
  public JsonObject application(String key) {
    return find(APPLICATION + key).orElseGet(JsonObject::new);
  }

  public JsonObject updateApplication(String key, Consumer<JsonObject> change) {
    return change(APPLICATION + key, change);
  }

  /** Every application's record. */
  public List<JsonObject> applications() {
    return entries().entrySet().stream().filter(e -> e.getKey().startsWith(APPLICATION)).map(java.util.Map.Entry::getValue)
        .toList();
  }
}
