package dev.baton.controller.handoff.puppet;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.store.AtomicFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded-CA mode: the controller's own Bouncy Castle CA is the Puppet CA of the masters
 * marked {@code ca: embedded} (they run with Puppet's CA service disabled and trust this CA).
 * Nodes' requests come to the controller over the bridge, are checked exactly as the CA API mode
 * checks them, and are signed here with the node's pp_* extensions copied in. Cleaning a
 * certname revokes every certificate issued to it; the CRL is written to each embedded master's
 * {@code crl_file}. A separate CA from the one that issues node identities on the bridge, kept in
 * {@code BATON_HOME/controller/puppet-ca}; an inventory of serials by certname beside it.
 */
public final class EmbeddedPuppetCa {
  /** The pp_* extensions a Puppet certificate carries over from its request. */
  private static final List<String> COPIED = List.of(PuppetCa.PP_UUID, PuppetCa.PP_INSTANCE_ID, "1.3.6.1.4.1.34380.1.1.13");
  private static final Duration CRL_VALIDITY = Duration.ofDays(30);

  private final CertificateAuthority ca;
  private final Path inventory;
  private final JsonObject serials;
  private final Duration validity;

  public EmbeddedPuppetCa(Path dir) {
    this.ca = CertificateAuthority.openOrCreate(dir, "Baton Puppet CA");
    this.inventory = dir.resolve("inventory.json");
    this.validity = Duration.ofDays(dev.baton.common.settings.Settings.PUPPET_EMBEDDED_CERT_DAYS.get());
    try {
      serials = Files.exists(inventory) ? new JsonObject(Files.readString(inventory)) : new JsonObject();
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "puppet CA: cannot read " + inventory + ": " + e.getMessage(), e);
    }
  }

  public String caPem() {
    return ca.certificatePem();
  }

  public String crlPem() {
    return ca.crlPem(CRL_VALIDITY);
  }

  /** Checks a node's request (see {@link PuppetCa#check}) and signs it; returns the certificate, PEM. */
  public synchronized String sign(String csrPem, PuppetCa.Expected expected) {
    Csrs.Request csr = Csrs.read(csrPem);
    PuppetCa.check(csr, expected);
    Map<String, String> ext = new LinkedHashMap<>();
    for (String oid : COPIED) {
      if (csr.extensions().get(oid) != null) {
        ext.put(oid, csr.extensions().get(oid));
      }
    }
    X509Certificate cert = ca.issueClient(csr.publicKey(), expected.certname(), validity, ext);
    record(expected.certname(), cert.getSerialNumber());
    return Pem.encode(cert);
  }

  /** A master's server certificate and key, for setting it up to trust this CA: {@code {cert_pem, key_pem, ca_pem, crl_pem}}. */
  public synchronized JsonObject issueMaster(String name, List<String> names) {
    KeyPair kp = Keys.rsa(2048);
    X509Certificate cert = ca.issueServer(kp.getPublic(), name, names, validity);
    record(name, cert.getSerialNumber());
    return new JsonObject().put("cert_pem", Pem.encode(cert)).put("key_pem", Pem.encode(kp.getPrivate()))
        .put("ca_pem", caPem()).put("crl_pem", crlPem());
  }

  /** A client certificate for the controller itself (its health checks of embedded masters), PEM cert and key. */
  public synchronized String[] controllerClient() {
    KeyPair kp = Keys.ec();
    X509Certificate cert = ca.issueClient(kp.getPublic(), "baton-controller", Duration.ofDays(30), Map.of());
    return new String[] {Pem.encode(cert), Pem.encode(kp.getPrivate())};
  }

  /** Revokes every certificate issued to {@code certname}; true if any was. */
  public synchronized boolean clean(String certname) {
    JsonArray list = serials.getJsonArray(certname);
    if (list == null || list.isEmpty()) {
      return false;
    }
    for (Object s : list) {
      ca.revoke(new BigInteger(s.toString(), 16));
    }
    serials.remove(certname);
    save();
    return true;
  }

  /** The serials issued to {@code certname} and not cleaned. */
  public synchronized List<BigInteger> serials(String certname) {
    return serials.getJsonArray(certname, new JsonArray()).stream().map(s -> new BigInteger(s.toString(), 16)).toList();
  }

  public boolean isRevoked(BigInteger serial) {
    return ca.isRevoked(serial);
  }

  private void record(String certname, BigInteger serial) {
    serials.put(certname, serials.getJsonArray(certname, new JsonArray()).add(serial.toString(16)));
    save();
  }

  private void save() {
    try {
      AtomicFiles.write(inventory, serials.encodePrettily(), false);
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "puppet CA: cannot write " + inventory + ": " + e.getMessage(), e);
    }
  }
}
