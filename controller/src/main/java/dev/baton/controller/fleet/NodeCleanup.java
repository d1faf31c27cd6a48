package dev.baton.controller.fleet;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.controller.attest.InstanceFacts;
import dev.baton.controller.intent.CloudIntent;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.intent.NodeIntent;
import dev.baton.controller.provider.NodeDns;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What follows a node's arrival and departure outside the node itself: its A record in its group's
 * {@code dns_zone} written when it is READY; when it is TERMINATED, its identity revoked, its Puppet
 * certificates cleaned on every master (unless a successor holds its certname) and its record
 * removed. A group's lifecycle hook waits for a departed node's clean-up ({@link #pending}).
 */
public final class NodeCleanup {
  private static final Logger DNS = Logger.getLogger("baton.dns");
  private final Vertx vertx;
  private final CertificateAuthority ca;
  private final NodeRegistry registry;
  private final IntentStore intents;
  private final Clouds clouds;
  /** Removes what configuration management keeps of a node (its Puppet certificates on every master). Blocking. */
  private final java.util.function.Consumer<String> forget;
  /** Clean-ups under way, by node (kept 10 minutes). */
  private final Map<String, Future<Void>> cleanups = new ConcurrentHashMap<>();

  public NodeCleanup(Vertx vertx, CertificateAuthority ca, NodeRegistry registry, IntentStore intents, Clouds clouds,
      java.util.function.Consumer<String> forget) {
    this.vertx = vertx;
    this.ca = ca;
    this.registry = registry;
    this.intents = intents;
    this.clouds = clouds;
    this.forget = forget;
  }

  /** The clean-up after node {@code id}, done or under way (done at once when there is none). */
  public Future<Void> pending(String id) {
    return cleanups.getOrDefault(id, Future.succeededFuture());
  }

  /** A node became READY: its DNS record (nodes of groups with a {@code dns_zone}). */
  public void ready(NodeRecord n) {
    record(n, true);
  }

  /** A node is TERMINATED (destroyed, scaled in, or found gone). */
  public void gone(NodeRecord n) {
    if (n.identitySerial() != null) {
      // its identity goes with it (the bridge also refuses a TERMINATED node's certificate, at every member)
      vertx.executeBlocking(() -> {
        ca.revoke(new BigInteger(n.identitySerial(), 16));
        return null;
      }, false);
    }
    boolean successor = registry.all().stream().anyMatch(o -> !o.id().equals(n.id()) && o.name().equals(n.name())
        && o.platform().equals(n.platform()) && o.state() != NodeState.TERMINATED);
    Future<Void> certs = successor ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      forget.accept(n.id());
      return null;
    }, false);
    Future<Void> both = Future.join(certs, record(n, false)).mapEmpty();
    cleanups.put(n.id(), both);
    both.onComplete(ar -> vertx.setTimer(600_000, t -> cleanups.remove(n.id(), both)));
  }

  /** Writes (a READY node) or removes (a TERMINATED one) the node's A record: its certname to its private address. */
  private Future<Void> record(NodeRecord n, boolean write) {
    Optional<NodeIntent> intent = intents.get(n.scope(), n.uuid());
    if (intent.isEmpty() || !intent.get().isGroup() || intent.get().group().dnsZone() == null) {
      return Future.succeededFuture();
    }
    String zone = intent.get().group().dnsZone();
    Scope scope = n.scope();
    CloudIntent cloudOf = intent.get().cloud();
    var cloud = clouds.of(cloudOf);
    Future<Void> work;
    if (write) {
      work = clouds.directory(cloudOf).describe(n.id()).compose(found -> {
        String ip = found.map(InstanceFacts::privateIp).orElse(null);
        if (ip == null) {
          return Future.failedFuture("the cloud gives instance " + n.id() + " no private address");
        }
        return cloud.require(NodeDns.class, "DNS records of nodes")
            .compose(dns -> dns.upsertNodeRecord(scope, zone, n.name(), ip, n.id()))
            .onSuccess(v -> DNS.info(() -> "node=" + n.id() + " A " + n.name() + " -> " + ip + " in " + zone));
      });
    } else {
      work = cloud.require(NodeDns.class, "DNS records of nodes")
          .compose(dns -> dns.deleteNodeRecord(scope, zone, n.name(), n.id()))
          .onSuccess(v -> DNS.info(() -> "node=" + n.id() + " record " + n.name() + " removed from " + zone));
    }
    return work.recover(err -> {
      DNS.warning(() -> "node=" + n.id() + " DNS record " + n.name() + " in " + zone + ": " + err.getMessage());
      return Future.failedFuture(err);
    }).eventually(() -> cloud.close());
  }
}
