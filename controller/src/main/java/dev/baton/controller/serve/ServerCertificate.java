package dev.baton.controller.serve;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The TLS identity of the controller's bridge and agent download: a key made at each start and a
 * certificate from the controller's CA naming every name agents may use to reach it (loopback,
 * the host's name, the bind address, each advertised host).
 */
record ServerCertificate(String certPem, String keyPem) {
  static ServerCertificate issue(CertificateAuthority ca, String bindHost, List<String> advertise) {
    return issue(ca, bindHost, advertise.stream().map(a -> a.substring(0, a.lastIndexOf(':'))).toList(), false);
  }

  /**
   * The API's: the same names plus {@code hosts} (its --api-name values), and the CA after the
   * leaf, so that a remote CLI sees which CA it is asked to trust and can compare it with its pin.
   */
  static ServerCertificate forApi(CertificateAuthority ca, ApiBinding api) {
    return issue(ca, api.host(), api.names(), true);
  }

  private static ServerCertificate issue(CertificateAuthority ca, String bindHost, List<String> hosts, boolean chain) {
    KeyPair key = Keys.ec();
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      // no host name: loopback names only
    }
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
      names.add(bindHost);
    }
    names.addAll(hosts);
    var cert = ca.issueServer(key.getPublic(), "baton-controller", new ArrayList<>(names), Duration.ofDays(30));
    return new ServerCertificate(Pem.encode(cert) + (chain ? ca.certificatePem() : ""), Pem.encode(key.getPrivate()));
  }
}
