package dev.baton.controller.serve;

import dev.baton.common.crypto.Keys;
import dev.baton.common.store.AtomicFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The controller's durable files under {@code BATON_HOME/controller}: its CA, join tokens,
 * node records, intents, the operator token the CLI uses, and {@code controller.json} (where a
 * running controller listens, and its process ID).
 */
public record ControllerHome(Path dir) {

  public static ControllerHome of(Path batonHome) {
    return new ControllerHome(batonHome.resolve("controller"));
  }

  public Path ca() {
    return dir.resolve("ca");
  }

  public Path tokens() {
    return dir.resolve("tokens.json");
  }

  public Path nodes() {
    return dir.resolve("nodes.json");
  }

  /** The Puppet masters nodes are handed off to (see docs/puppet.md); re-read when it changes. */
  public Path puppetMasters() {
    return dir.resolve("puppet-masters.yaml");
  }

  /** What each hand-off in progress has decided (master, nonce, phases done). */
  public Path handoffs() {
    return dir.resolve("handoffs.json");
  }

  public Path intents() {
    return dir.resolve("intents.json");
  }

  /** The notification hooks (docs/notifications.md). */
  public Path hooks() {
    return dir.resolve("hooks.yaml");
  }

  public Path log() {
    return dir.resolve("controller.log");
  }

  public Path runtime() {
    return dir.resolve("controller.json");
  }

  /** The operator token, made on first use (readable by its owner only). */
  public String operatorToken() throws IOException {
    Path f = dir.resolve("operator-token");
    if (!Files.exists(f)) {
      AtomicFiles.write(f, Keys.randomToken(32), true);
    }
    return Files.readString(f).trim();
  }

  /** Where a running controller said it listens, if it did. */
  public Optional<JsonObject> running() {
    try {
      return Files.exists(runtime()) ? Optional.of(new JsonObject(Files.readString(runtime()))) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
