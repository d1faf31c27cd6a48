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
    KeyPair key = Keys.ec();
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      // no host name: loopback names only
    }
    if (!bindHost.equals("0.0.0.0")) {
      names.add(bindHost);
    }
    for (String a : advertise) {
      names.add(a.substring(0, a.lastIndexOf(':')));
    }
    var cert = ca.issueServer(key.getPublic(), "baton-controller", new ArrayList<>(names), Duration.ofDays(30));
    return new ServerCertificate(Pem.encode(cert), Pem.encode(key.getPrivate()));
  }
}
