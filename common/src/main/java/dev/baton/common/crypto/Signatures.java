package dev.baton.common.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Where the controller makes and checks signatures (certificates, CRLs, the CSRs it receives):
 * Bouncy Castle's provider, not registered with the JVM. On Java 17 its P-256 is several times
 * faster than the JDK's, which is most of a registration's cost. The agent does not load this
 * class (its jar leaves Bouncy Castle's provider out): it signs one CSR in its life, with the JDK's.
 *
 * <p>Two things keep it fast (measured on one core, P-256): a signing key translated once to the
 * provider's own class, whose curve generator keeps its precomputed table between signatures
 * (0.07 ms a signature; a JDK key converted on every call: 0.22 ms); and {@link #verify}, one
 * verification per check (Bouncy Castle's {@code JcaContentVerifierProviderBuilder} verifies
 * twice, to release PKCS#11 sessions: 0.32 ms against 0.16 ms).
 */
public final class Signatures {
  public static final Provider PROVIDER = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  /** Signature algorithms checked directly; any other goes through Bouncy Castle's content verifier. */
  private static final Map<ASN1ObjectIdentifier, String> DIRECT = Map.of(
      X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
      X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
      X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA",
      PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
      PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
      PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA");

  private Signatures() {}

  /** An EC key as the provider's own class (kept for every signature it makes); any other key as it is. */
  public static PrivateKey signingKey(PrivateKey key) {
    if (!key.getAlgorithm().equals("EC")) {
      return key;
    }
    try {
      // read from its encoding, so that the curve stays a named one (translateKey spells the parameters out)
      return KeyFactory.getInstance("EC", PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      return key;
    }
  }

  /** The signature algorithm's JCA name when it is one checked directly (no parameters), else null. */
  static String directName(ASN1ObjectIdentifier algorithm) {
    return DIRECT.get(algorithm);
  }

  /** One check of {@code signature} over {@code data} by the holder of {@code key} (an encoded SubjectPublicKeyInfo). */
  static boolean verify(String algorithm, byte[] spki, byte[] data, byte[] signature) throws GeneralSecurityException {
    // parsed again by the provider, though the caller holds the JDK's key: a JDK key is converted on
    // every verification, a key of the provider's own class is not (0.157 against 0.175 ms)
    PublicKey key = KeyFactory.getInstance(algorithm.endsWith("ECDSA") ? "EC" : "RSA", PROVIDER)
        .generatePublic(new X509EncodedKeySpec(spki));
    Signature s = Signature.getInstance(algorithm, PROVIDER);
    s.initVerify(key);
    s.update(data);
    return s.verify(signature);
  }
}
