package dev.baton.controller.attest;

import dev.baton.common.crypto.Fingerprints;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import java.security.cert.X509Certificate;

/**
 * Whether a node's identity certificate (valid, from the controller's CA) may connect to the
 * bridge: the node must be known, not terminated (its identity is revoked with it), and hold the
 * key it pinned at its first attestation.
 */
public final class IdentityCheck {
  private IdentityCheck() {}

  /** The refusal's reason ({@code unknown_identity}, {@code revoked_identity}, {@code superseded_identity}), or null. */
  public static String refusal(NodeRegistry registry, String nodeId, X509Certificate cert) {
    var n = registry.get(nodeId).orElse(null);
    if (n == null) {
      return "unknown_identity";
    }
    if (n.state() == NodeState.TERMINATED) {
      return "revoked_identity";
    }
    String key = Fingerprints.sha256(cert.getPublicKey().getEncoded());
    return n.keyFingerprint() != null && !n.keyFingerprint().equals(key) ? "superseded_identity" : null;
  }
}
