package dev.baton.controller.bridge;

import dev.baton.agent.bridge.BridgeClient;
import dev.baton.common.bus.Addresses;
import dev.baton.common.crypto.Csrs;
import dev.baton.common.msg.Registration;
import dev.baton.controller.provider.local.LocalIdentities;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Instances of the local cloud as the local provider makes them (a record, an identity document,
 * and a live process that names the instance), and the agent's side of registering them, for
 * tests of the bridge and the registrar against a real controller. Closing it ends the processes.
 */
public final class LocalNodes implements AutoCloseable {
  private final ControllerFixture controller;
  private final List<Process> processes = new ArrayList<>();
  private final Map<String, String> documents = new HashMap<>();

  public LocalNodes(ControllerFixture controller) {
    this.controller = controller;
  }

  /** Instance {@code id} of platform shop (customer acme), carrying {@code tags} besides the platform's. */
  public String launch(String id, Map<String, String> tags) throws IOException {
    Path root = controller.home.resolve("local-cloud");
    JsonObject t = new JsonObject().put("baton:platform", "shop").put("baton:customer", "acme");
    tags.forEach(t::put);
    Path f = root.resolve("instance/" + id + ".json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, new JsonObject().put("id", id).put("kind", "instance").put("uuid", tags.get("baton:uuid"))
        .put("state", "running").put("attributes", new JsonObject()).put("tags", t).encode());
    Path dir = root.resolve("instance-data/" + id);
    Files.createDirectories(dir);
    // the local cloud takes an instance to be running while a process naming it lives
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 300", "-Dbaton.instance=" + id).start();
    processes.add(p);
    Files.writeString(dir.resolve("pid"), Long.toString(p.pid()));
    documents.put(id, LocalIdentities.issue(root, id, dir.resolve("identity.json")).toJson().encode());
    return id;
  }

  /** The identity document the local cloud gave {@code id}. */
  public String document(String id) {
    return documents.get(id);
  }

  /** A connection without an identity. */
  public BridgeClient anonymous() {
    BridgeClient c = new BridgeClient(controller.vertx, controller.server.ca().certificatePem(), null, null);
    ControllerFixture.await(c.connect(controller.endpoint()));
    return c;
  }

  /** Registers {@code id} with {@code token} and key {@code kp}; the answer (node_id, name, certificate). */
  public Future<JsonObject> register(String token, String id, KeyPair kp) {
    BridgeClient c = anonymous();
    return c.request(Addresses.REGISTER, new Registration.Request(token, Registration.EVIDENCE_LOCAL, id,
        Csrs.create(kp, id, Map.of(), null), document(id), null, "test").toJson(), 20_000)
        .andThen(ar -> c.close());
  }

  /** A connection with the identity {@code certificatePem} for {@code kp}. */
  public BridgeClient connect(String certificatePem, KeyPair kp) {
    BridgeClient c = new BridgeClient(controller.vertx, controller.server.ca().certificatePem(), certificatePem,
        dev.baton.common.crypto.Pem.encode(kp.getPrivate()));
    ControllerFixture.await(c.connect(controller.endpoint()));
    return c;
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }
}
