package dev.baton.controller.handoff.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded Puppet CA signs only the attested node's request, copies its pp_* extensions, and revokes on clean. */
class EmbeddedPuppetCaTest {
  static final String NAME = "web-1.demo.test";
  static final String INSTANCE = "i-0aaaaaaaaaaaaaaa1";
  static final String UUID = "79387f81-7703-4453-bcb9-fd3e04c2cdb6";

  @TempDir
  Path dir;

  static String csr(String cn, String instance, String uuid, String nonce) {
    return Csrs.create(Keys.rsa(2048), cn, Map.of(PuppetCa.PP_INSTANCE_ID, instance, PuppetCa.PP_UUID, uuid,
        "1.3.6.1.4.1.34380.1.1.13", "web"), nonce);
  }

  @Test
  void signsTheAttestedNodesRequestOnlyAndRevokesOnClean() throws Exception {
    EmbeddedPuppetCa ca = new EmbeddedPuppetCa(dir.resolve("puppet-ca"));
    PuppetCa.Expected expected = new PuppetCa.Expected(NAME, INSTANCE, UUID, "the-nonce");

    for (String[] bad : new String[][] {{"other.demo.test", INSTANCE, UUID, "the-nonce", "is for other.demo.test"},
        {NAME, "i-0bbbbbbbbbbbbbbb2", UUID, "the-nonce", "names instance i-0bbbbbbbbbbbbbbb2"},
        {NAME, INSTANCE, "00000000-0000-0000-0000-000000000000", "the-nonce", "names resource 00000000"},
        {NAME, INSTANCE, UUID, "a-guess", "not this hand-off's nonce"}, {NAME, INSTANCE, UUID, null, "no challengePassword"}}) {
      BatonException e = assertThrows(BatonException.class, () -> ca.sign(csr(bad[0], bad[1], bad[2], bad[3]), expected));
      assertEquals(ErrorCode.PERMISSION_DENIED, e.code());
      assertTrue(e.getMessage().contains(bad[4]), e.getMessage());
    }
    assertEquals(0, ca.serials(NAME).size(), "nothing signed");

    X509Certificate cert = Pem.certificate(ca.sign(csr(NAME, INSTANCE, UUID, "the-nonce"), expected));
    assertEquals("CN=" + NAME, cert.getSubjectX500Principal().getName());
    cert.verify(Pem.certificate(ca.caPem()).getPublicKey());
    assertTrue(new String(cert.getExtensionValue(PuppetCa.PP_INSTANCE_ID), StandardCharsets.UTF_8).endsWith(INSTANCE));
    assertTrue(new String(cert.getExtensionValue("1.3.6.1.4.1.34380.1.1.13"), StandardCharsets.UTF_8).endsWith("web"));

    assertTrue(ca.clean(NAME));
    assertFalse(ca.clean(NAME), "nothing left to clean");
    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(
        new ByteArrayInputStream(ca.crlPem().getBytes(StandardCharsets.US_ASCII)));
    crl.verify(Pem.certificate(ca.caPem()).getPublicKey());
    assertTrue(crl.isRevoked(cert), "the CRL lists it");

    EmbeddedPuppetCa reopened = new EmbeddedPuppetCa(dir.resolve("puppet-ca"));
    assertTrue(reopened.isRevoked(cert.getSerialNumber()), "kept across a restart");
  }
}
