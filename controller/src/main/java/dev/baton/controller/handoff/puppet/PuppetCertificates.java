package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.handoff.HandoffStore;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The certificates of a certname on every master: cleaned (revoked and removed) before a node is
 * signed and when it is gone for good, on the masters that are down as soon as they are back, and
 * the embedded CA's CRL kept where its masters read it. Blocking.
 */
final class PuppetCertificates {
  private static final Logger LOG = Logger.getLogger("baton.puppet");
  private static final ExecutorService CLEANERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "puppet-clean");
    t.setDaemon(true);
    return t;
  });

  private final PuppetMasters masters;
  private final HandoffStore store;
  private final EmbeddedPuppetCa embedded;

  PuppetCertificates(PuppetMasters masters, HandoffStore store, EmbeddedPuppetCa embedded) {
    this.masters = masters;
    this.store = store;
    this.embedded = embedded;
  }

  /**
   * Cleans {@code certname} on every master at once; returns the masters that did not answer (it
   * is cleaned there once they are back). Any other failure of a master is thrown.
   */
  List<String> cleanEverywhere(String certname) {
    if (embedded != null && embedded.clean(certname)) {
      publishCrls(true);
    }
    List<PuppetMasters.Master> api = masters.all().stream().filter(m -> !m.embedded()).toList();
    List<CompletableFuture<String>> calls = api.stream().map(m -> CompletableFuture.supplyAsync(() -> {
      try {
        cleanOn(m, certname);
        return (String) null;
      } catch (BatonException e) {
        if (e.code() != ErrorCode.UNAVAILABLE) {
          throw e;
        }
        LOG.warning(() -> "puppet: " + m.name() + " is down (" + e.getMessage() + "); " + certname
            + " is cleaned there once it is back");
        return m.name();
      }
    }, CLEANERS)).toList();
    List<String> deferred = new ArrayList<>();
    for (var c : calls) {
      try {
        String d = c.join();
        if (d != null) {
          deferred.add(d);
        }
      } catch (CompletionException e) {
        throw e.getCause() instanceof BatonException b ? b : new IllegalStateException(e.getCause());
      }
    }
    return deferred;
  }

  /**
   * A node is gone for good: its certificates are revoked and removed on every master (those down
   * now are cleaned once they are back). Nothing to do for a node never handed off to Puppet.
   */
  void forget(String node) {
    String certname = store.get(node).getString("certname");
    if (certname == null) {
      return;
    }
    if (embedded != null && embedded.clean(certname)) {
      publishCrls(true);
    }
    List<String> deferred = new ArrayList<>();
    for (PuppetMasters.Master m : masters.all()) {
      if (m.embedded()) {
        continue;
      }
      try {
        cleanOn(m, certname);
      } catch (BatonException e) {
        deferred.add(m.name());
      }
    }
    store.update(node, s -> s.put("deferred_clean", new JsonArray(deferred)).put("finished", true));
    LOG.info(() -> "puppet: " + certname + " of node " + node + " is gone: cleaned on every master"
        + (deferred.isEmpty() ? "" : " but " + deferred + " (once they are back)"));
  }

  /** Runs the cleans deferred while a master was down, on those healthy now. */
  void cleanDeferred() {
    for (PuppetMasters.Master m : masters.all()) {
      if (masters.health(m.name()).map(PuppetMasters.Health::healthy).orElse(false)) {
        for (String node : store.nodes(s -> s.getJsonArray("deferred_clean", new JsonArray()).contains(m.name()))) {
          String certname = store.get(node).getString("certname");
          try {
            cleanOn(m, certname);
            store.update(node, s -> s.getJsonArray("deferred_clean", new JsonArray()).remove(m.name()));
            LOG.info(() -> "puppet: cleaned " + certname + " on " + m.name() + " (deferred while it was down)");
          } catch (BatonException e) {
            LOG.warning(() -> "puppet: deferred clean of " + certname + " on " + m.name() + ": " + e.getMessage());
          }
        }
      }
    }
  }

  /**
   * Writes the embedded CA's CRL to the {@code crl_file} of each embedded master: always when
   * {@code changed}, else when the file is missing or a day old (the CRL is valid for 30 days).
   */
  void publishCrls(boolean changed) {
    if (embedded == null) {
      return;
    }
    String crl = null;
    for (PuppetMasters.Master m : masters.all()) {
      if (!m.embedded() || m.crlFile() == null) {
        continue;
      }
      try {
        boolean stale = !java.nio.file.Files.exists(m.crlFile()) || java.nio.file.Files.getLastModifiedTime(m.crlFile())
            .toInstant().isBefore(java.time.Instant.now().minus(Duration.ofDays(1)));
        if (changed || stale) {
          crl = crl == null ? embedded.crlPem() : crl;
          AtomicFiles.write(m.crlFile(), crl, false);
        }
      } catch (java.io.IOException e) {
        LOG.warning(() -> "puppet: cannot write the CRL of " + m.name() + " to " + m.crlFile() + ": " + e.getMessage());
      }
    }
  }

  /** Revokes and deletes every certificate and request of {@code certname} on one master. */
  private static void cleanOn(PuppetMasters.Master m, String certname) {
    m.ca().clean(List.of(certname));
    if (m.ca().state(certname).isPresent()) {
      m.ca().delete(certname);
    }
  }
}
