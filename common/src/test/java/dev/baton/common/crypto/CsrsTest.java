package dev.baton.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PSSParameterSpec;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.asn1.DERBitString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request is accepted only when signed by the key it carries, whatever path checks it. */
class CsrsTest {
  @Test
  void acceptsRequestsSignedByTheirOwnKey() {
    for (KeyPair kp : new KeyPair[] {Keys.ec(), Keys.rsa(2048)}) { // the agent's P-256, puppet agent's RSA
      Csrs.Request r = Csrs.read(Csrs.create(kp, "node-1", Map.of("1.3.6.1.4.1.34380.1.1.1", "u-1"), "secret"));
      assertEquals("node-1", r.commonName());
      assertEquals("secret", r.challengePassword());
      assertEquals("u-1", r.extensions().get("1.3.6.1.4.1.34380.1.1.1"));
      assertArrayEquals(kp.getPublic().getEncoded(), r.publicKey().getEncoded());
    }
  }

  @Test
  void refusesARequestCarryingAnotherKeyThanTheOneThatSignedIt() throws Exception {
    for (String alg : new String[] {"SHA256withECDSA", "SHA256withRSA"}) {
      KeyPair signer = alg.endsWith("ECDSA") ? Keys.ec() : Keys.rsa(2048);
      KeyPair carried = alg.endsWith("ECDSA") ? Keys.ec() : Keys.rsa(2048);
      PKCS10CertificationRequest csr = new PKCS10CertificationRequestBuilder(new X500Name("CN=node-1"),
          SubjectPublicKeyInfo.getInstance(carried.getPublic().getEncoded()))
          .build(new JcaContentSignerBuilder(alg).build(signer.getPrivate()));
      BatonException e = assertThrows(BatonException.class, () -> Csrs.read(Pem.encode(csr)), alg);
      assertTrue(e.getMessage().contains("does not match its key"), e.getMessage());
    }
  }

  @Test
  void refusesATamperedSignatureOrSubject() throws Exception {
    KeyPair kp = Keys.ec();
    CertificationRequest good = Pem.csr(Csrs.create(kp, "node-1", Map.of(), null)).toASN1Structure();
    byte[] sig = good.getSignature().getOctets();
    sig[sig.length - 1] ^= 1;
    PKCS10CertificationRequest flipped = new PKCS10CertificationRequest(new CertificationRequest(
        good.getCertificationRequestInfo(), good.getSignatureAlgorithm(), new DERBitString(sig)));
    assertThrows(BatonException.class, () -> Csrs.read(Pem.encode(flipped)));
    // another name under the original signature
    CertificationRequest other = Pem.csr(Csrs.create(kp, "node-2", Map.of(), null)).toASN1Structure();
    PKCS10CertificationRequest renamed = new PKCS10CertificationRequest(new CertificationRequest(
        other.getCertificationRequestInfo(), good.getSignatureAlgorithm(), good.getSignature()));
    assertThrows(BatonException.class, () -> Csrs.read(Pem.encode(renamed)));
  }

  @Test
  void algorithmsWithParametersGoThroughTheGeneralVerifier() throws Exception {
    KeyPair kp = Keys.rsa(2048);
    JcaContentSignerBuilder pss = new JcaContentSignerBuilder("SHA256withRSAandMGF1", PSSParameterSpec.DEFAULT);
    PKCS10CertificationRequest csr = new PKCS10CertificationRequestBuilder(new X500Name("CN=node-1"),
        SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded())).build(pss.setProvider(Signatures.PROVIDER)
            .build(kp.getPrivate()));
    assertEquals("node-1", Csrs.read(Pem.encode(csr)).commonName());
    PKCS10CertificationRequest forged = new PKCS10CertificationRequestBuilder(new X500Name("CN=node-1"),
        SubjectPublicKeyInfo.getInstance(Keys.rsa(2048).getPublic().getEncoded())).build(pss.build(kp.getPrivate()));
    assertThrows(BatonException.class, () -> Csrs.read(Pem.encode(forged)));
  }

  @Test
  void theCaSignsWithAKeyOfItsProviderAndItsCertificatesVerifyWithTheJdk(@TempDir Path dir) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    PrivateKey jdk = g.generateKeyPair().getPrivate();
    PrivateKey bc = Signatures.signingKey(jdk);
    assertEquals("EC", bc.getAlgorithm());
    assertEquals(((java.security.interfaces.ECPrivateKey) jdk).getS(), ((java.security.interfaces.ECPrivateKey) bc).getS());
    assertTrue(bc.getClass().getName().startsWith("org.bouncycastle."), bc.getClass().getName());
    PrivateKey rsa = Keys.rsa(2048).getPrivate();
    assertSame(rsa, Signatures.signingKey(rsa), "an RSA key is kept as it is");

    CertificateAuthority.openOrCreate(dir, "test CA"); // created, then read back from its files as a restart does
    CertificateAuthority ca = CertificateAuthority.openOrCreate(dir, "test CA");
    X509Certificate cert = ca.issueClient(Keys.ec().getPublic(), "node-1", Duration.ofHours(1), Map.of());
    cert.verify(ca.certificate().getPublicKey()); // the JDK's own check
  }

  @Test
  void theWarmUpRunsARegistrationsCryptoOnAThrowawayCa() {
    assertTrue(CertificateAuthority.warmUp(3) >= 0); // a CSR read and a certificate issued three times, or it throws
  }
}
