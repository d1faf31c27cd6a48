package dev.baton.controller.attest;

import dev.baton.common.bus.Addresses;
import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Fingerprints;
import dev.baton.common.crypto.Pem;
import dev.baton.common.error.BatonException;
import dev.baton.common.msg.Registration;
import dev.baton.controller.security.Refusals;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Answers {@link Addresses#REGISTER}: checks an agent's evidence, uses its join token, has the
 * cloud confirm the instance, checks the certificate request (signed by the key it carries,
 * CN = the instance ID), and returns an identity certificate. The node record goes
 * REGISTERED, then ATTESTED; every refusal is logged, counted and answered with its reason.
 */
public final class Registrar {
  private static final Logger LOG = Logger.getLogger("baton.attest");
  /** How long a node identity certificate lasts. */
  public static final Duration IDENTITY_VALIDITY = Duration.ofDays(90);

  private final Vertx vertx;
  private final TokenStore tokens;
  private final Map<String, Attestor> attestors;
  private final CertificateAuthority ca;
  private final NodeRegistry registry;
  private final Refusals refusals;
  private final Consumer<NodeRecord> onAttested;

  public Registrar(Vertx vertx, TokenStore tokens, List<Attestor> attestors, CertificateAuthority ca,
      NodeRegistry registry, Refusals refusals, Consumer<NodeRecord> onAttested) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.attestors = attestors.stream().collect(java.util.stream.Collectors.toMap(Attestor::evidence, a -> a));
    this.ca = ca;
    this.registry = registry;
    this.refusals = refusals;
    this.onAttested = onAttested;
  }

  public Future<Void> start() {
    // local: in a cluster, the controller a node connected to registers it
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.REGISTER, this::handle).completion()
        .compose(v -> vertx.eventBus().<JsonObject>localConsumer(Addresses.RENEW, this::renew).completion());
  }

  /**
   * A node's new identity certificate, before its certificate expires, without a token: the node
   * proved its identity to the bridge; the request must be signed by the key it pinned, and name
   * the node. The previous certificate is revoked.
   */
  private void renew(Message<JsonObject> m) {
    String nodeId = m.headers().get(Addresses.NODE_HEADER);
    String remote = m.headers().get("baton-remote");
    JsonObject body = m.body() == null ? new JsonObject() : m.body();
    vertx.executeBlocking(() -> {
      NodeRecord n = nodeId == null ? null : registry.get(nodeId).orElse(null);
      if (n == null || n.state() == NodeState.TERMINATED) {
        throw new Refused("unknown_identity", "renewal for " + nodeId + ", which is not a live node");
      }
      Csrs.Request csr;
      try {
        csr = Csrs.read(body.getValue("csr") instanceof String s ? s : "");
      } catch (RuntimeException e) {
        throw new Refused("malformed_evidence", "a renewal without a valid certificate request");
      }
      String key = Fingerprints.sha256(csr.publicKey().getEncoded());
      if (!csr.commonName().equals(nodeId) || !key.equals(n.keyFingerprint())) {
        throw new Refused("superseded_identity", "renewal of " + nodeId + " for another name or key");
      }
      var cert = ca.issueClient(csr.publicKey(), nodeId, IDENTITY_VALIDITY, Map.of());
      String previous = n.identitySerial();
      registry.update(nodeId, r -> r.withIdentity(key, cert.getSerialNumber(), registry.now()));
      if (previous != null) {
        ca.revoke(new java.math.BigInteger(previous, 16));
      }
      LOG.info(() -> "renewed the identity of node=" + nodeId + " until " + cert.getNotAfter().toInstant());
      return new JsonObject().put("certificate", Pem.encode(cert));
    }, false).compose(r -> registry.sync().map(r)).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else if (ar.cause() instanceof Refused r) {
        refuse(m, r, remote);
      } else {
        m.fail(500, "the controller could not renew this identity; the node asks again");
      }
    });
  }

  private void handle(Message<JsonObject> m) {
    String remote = m.headers().get("baton-remote");
    Registration.Request req;
    try {
      req = Registration.Request.fromJson(m.body() == null ? new JsonObject() : m.body());
    } catch (ClassCastException e) {
      refuse(m, new Refused("malformed_evidence", "the registration is not well formed"), remote);
      return;
    }
    Attestor attestor = attestors.get(req.evidence());
    if (attestor == null) {
      refuse(m, new Refused("unknown_evidence", "unknown evidence type " + req.evidence()), remote);
      return;
    }
    if (req.csr() == null || req.csr().length() > 8192) {
      refuse(m, new Refused("malformed_evidence", "no certificate request in the registration"), remote);
      return;
    }
    // the token is checked, the instance confirmed by the cloud, and only then the token claimed and
    // used: a confirmation that fails (the cloud slow to list a new instance) does not burn it
    attestor.prove(req).compose(instanceId -> {
      TokenStore.Token token = checkOrRetry(req, instanceId);
      return attestor.confirm(instanceId, token).map(facts -> new Proven(instanceId, token, facts.launched()));
    }).compose(p -> claim(req, p.instanceId()).map(v -> new Proven(p.instanceId(), consumeOrRetry(req, p.instanceId()),
        p.launched())))
        .compose(p -> vertx.executeBlocking(() -> issue(req, p), false))
        // answer only once the used token and the node record are on disk: a crash after the
        // answer can neither let the token be replayed nor lose the node
        .compose(resp -> Future.all(tokens.sync(), registry.sync()).map(v -> resp)).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result().toJson());
      } else if (ar.cause() instanceof Refused r) {
        refuse(m, r, remote);
      } else if (ar.cause() instanceof BatonException b) {
        refuse(m, new Refused("invalid_evidence", b.getMessage()), remote);
      } else {
        LOG.warning("registration failed: " + ar.cause());
        m.fail(500, "the controller could not register this node; it retries");
      }
    });
  }

  /** @param launched when the cloud says the instance launched (null when it does not say) */
  private record Proven(String instanceId, TokenStore.Token token, java.time.Instant launched) {}

  /**
   * Claims a single-use token for an instance before it is used here: in a cluster, in the
   * cluster-wide map {@code baton.token-claims} (atomically: a token presented at two controllers
   * at once is used by one), else nothing to do.
   */
  private Future<Void> claim(Registration.Request req, String instanceId) {
    TokenStore.Token t = tokens.find(req.token());
    if (t == null || t.group() || !vertx.isClustered()) {
      return Future.succeededFuture(); // unknown or a group's: consume() decides
    }
    long ttl = Math.max(60_000, java.time.Duration.between(registry.now(), t.expires()).toMillis() + 86_400_000L);
    return vertx.sharedData().<String, String>getAsyncMap("baton.token-claims")
        .compose(m -> m.putIfAbsent(t.hash(), instanceId, ttl))
        .compose(previous -> previous == null || previous.equals(instanceId) && sameKeyOrNone(req, instanceId)
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new Refused("replayed_token", "join token of " + t.name() + " was already used"
                + (previous.equals(instanceId) ? "" : " by instance " + previous) + " (at another controller of the cluster)")));
  }

  /**
   * A token already used may be presented again only by the instance it was used for, with the
   * key it registered (or before any key was recorded): an agent whose answer was lost (its
   * controller died mid-registration) registers again with the key it kept, proving it holds it
   * (the CSR's signature), and gets an identity for that key. Anyone else is refused as a replay.
   */
  private TokenStore.Token consumeOrRetry(Registration.Request req, String instanceId) {
    try {
      return tokens.consume(req.token(), instanceId);
    } catch (Refused r) {
      return retried(r, req, instanceId);
    }
  }

  private TokenStore.Token checkOrRetry(Registration.Request req, String instanceId) {
    try {
      return tokens.check(req.token(), instanceId);
    } catch (Refused r) {
      return retried(r, req, instanceId);
    }
  }

  private TokenStore.Token retried(Refused refusal, Registration.Request req, String instanceId) {
    TokenStore.Token t = tokens.find(req.token());
    if (!refusal.reason().equals("replayed_token") || t == null || t.group() || !instanceId.equals(t.instanceId())
        || !sameKeyOrNone(req, instanceId)) {
      throw refusal;
    }
    LOG.info(() -> "registration of " + instanceId + " again with the key it registered (its first answer was lost)");
    return t;
  }

  private boolean sameKeyOrNone(Registration.Request req, String instanceId) {
    String key = registry.get(instanceId).map(NodeRecord::keyFingerprint).orElse(null);
    if (key == null) {
      return registry.get(instanceId).map(n -> n.state() == NodeState.LAUNCHED || n.state() == NodeState.REGISTERED)
          .orElse(true);
    }
    try {
      return key.equals(Fingerprints.sha256(Csrs.read(req.csr()).publicKey().getEncoded()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private volatile java.util.function.BiFunction<TokenStore.Token, String, String> groupNames =
      (t, instance) -> t.name() + "-" + instance;

  /** How a node a group launched is named (its certname pattern), from the group's token and its instance ID. */
  public void groupNames(java.util.function.BiFunction<TokenStore.Token, String, String> f) {
    this.groupNames = f;
  }

  private Registration.Response issue(Registration.Request req, Proven p) {
    Csrs.Request csr = Csrs.read(req.csr());
    if (!csr.commonName().equals(p.instanceId())) {
      throw new Refused("wrong_csr_name", "the certificate request is for \"" + csr.commonName() + "\", not the attested"
          + " instance " + p.instanceId());
    }
    TokenStore.Token t = p.token();
    String fingerprint = Fingerprints.sha256(csr.publicKey().getEncoded());
    NodeRecord existing = registry.get(p.instanceId()).orElse(null);
    if (existing != null && existing.keyFingerprint() != null && !fingerprint.equals(existing.keyFingerprint())
        && existing.state() != NodeState.TERMINATED) {
      // a node registered once re-attests only with the key it pinned: a token (a group's lives for a year in
      // every instance's user data) and another member's instance ID do not make anyone that node
      throw new Refused("already_registered", "instance " + p.instanceId() + " is registered already; it re-attests"
          + " only with the key it registered");
    }
    if (existing != null && fingerprint.equals(existing.keyFingerprint()) && existing.state() != NodeState.LAUNCHED
        && existing.state() != NodeState.REGISTERED) {
      // registered before with this key, the answer lost: the same identity again, the record as it is
      var again = ca.issueClient(csr.publicKey(), p.instanceId(), IDENTITY_VALIDITY, Map.of());
      NodeRecord now = registry.update(p.instanceId(), r -> r.withIdentity(fingerprint, again.getSerialNumber(),
          registry.now()));
      onAttested.accept(now);
      return new Registration.Response(p.instanceId(), existing.name(), Pem.encode(again));
    }
    String name = t.group() ? groupNames.apply(t, p.instanceId()) : t.name();
    // a node first heard of now (a group's, before the controller's listing saw it): its timeline starts at its launch
    java.time.Instant launched = p.launched() != null && p.launched().isBefore(registry.now()) ? p.launched() : registry.now();
    NodeRecord record = existing != null ? existing
        : new NodeRecord(p.instanceId(), name, t.uuid(), t.platform(), t.customer(), t.env(), NodeState.LAUNCHED,
            null, List.of(new NodeRecord.Phase(NodeState.LAUNCHED.name(), launched, null, null)), null, registry.now());
    registry.put(record.advance(NodeState.REGISTERED, "launched", null, registry.now()));
    var cert = ca.issueClient(csr.publicKey(), p.instanceId(), IDENTITY_VALIDITY, Map.of());
    NodeRecord attested = registry.update(p.instanceId(), r -> r.advance(NodeState.ATTESTED, "ok", null, registry.now())
        .withIdentity(fingerprint, cert.getSerialNumber(), registry.now()));
    LOG.info(() -> "attested node=" + p.instanceId() + " name=" + attested.name() + " platform=" + t.platform()
        + " evidence=" + req.evidence());
    onAttested.accept(attested);
    return new Registration.Response(p.instanceId(), attested.name(), Pem.encode(cert));
  }

  private void refuse(Message<JsonObject> m, Refused r, String remote) {
    refusals.refuse(r.reason(), "registration from " + remote + ": " + r.getMessage());
    m.fail(403, r.reason() + ": " + r.getMessage());
  }
}
