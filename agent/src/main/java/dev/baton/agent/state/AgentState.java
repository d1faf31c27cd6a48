package dev.baton.agent.state;

import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.common.store.AtomicFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * What an agent keeps on disk so that a reboot resumes where it was: its identity key (made
 * once, never sent anywhere), the identity certificate the controller issued, and its node ID.
 * Every file is written atomically; the key is readable by its owner only.
 */
public final class AgentState {
  private final Path dir;

  public AgentState(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The identity key pair, made on first use. */
  public synchronized KeyPair keys() throws IOException {
    Path key = dir.resolve("identity.key.pem");
    Path pub = dir.resolve("identity.pub");
    if (Files.exists(key) && Files.exists(pub)) {
      var privateKey = Pem.privateKey(Files.readString(key));
      var publicKey = Pem.publicKey(java.util.Base64.getDecoder().decode(Files.readString(pub).trim()));
      return new KeyPair(publicKey, privateKey);
    }
    KeyPair kp = Keys.ec();
    AtomicFiles.write(key, Pem.encode(kp.getPrivate()), true);
    AtomicFiles.write(pub, java.util.Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()), false);
    return kp;
  }

  public String keyPem() throws IOException {
    keys();
    return Files.readString(dir.resolve("identity.key.pem"));
  }

  /** The identity certificate and node ID, once registered. */
  public Optional<Identity> identity() throws IOException {
    Path cert = dir.resolve("identity.crt.pem");
    Path node = dir.resolve("node.json");
    if (!Files.exists(cert) || !Files.exists(node)) {
      return Optional.empty();
    }
    JsonObject n = new JsonObject(Files.readString(node));
    return Optional.of(new Identity(n.getString("node_id"), n.getString("name"), Files.readString(cert)));
  }

  public void saveIdentity(Identity id) throws IOException {
    AtomicFiles.write(dir.resolve("identity.crt.pem"), id.certificatePem(), false);
    AtomicFiles.write(dir.resolve("node.json"),
        new JsonObject().put("node_id", id.nodeId()).put("name", id.name()).encodePrettily(), false);
  }

  /** A node's identity: its ID and the certificate that proves it. */
  public record Identity(String nodeId, String name, String certificatePem) {}
}
