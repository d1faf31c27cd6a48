package dev.baton.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import java.io.StringWriter;
import java.security.KeyPair;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

class PemKeysTest {
  @Test
  void readsPkcs8AndPkcs1RsaAsPuppetWritesIt() throws Exception {
    for (KeyPair kp : new KeyPair[] {Keys.rsa(2048), Keys.ec()}) {
      assertArrayEquals(kp.getPrivate().getEncoded(), Pem.privateKey(Pem.encode(kp.getPrivate())).getEncoded(), "PKCS#8");
      StringWriter w = new StringWriter();
      try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
        pw.writeObject(new JcaMiscPEMGenerator(kp)); // -----BEGIN RSA PRIVATE KEY----- / EC PRIVATE KEY
      }
      String openssl = w.toString();
      assertTrue(openssl.startsWith("-----BEGIN RSA PRIVATE KEY-----") || openssl.startsWith("-----BEGIN EC PRIVATE KEY-----"),
          openssl);
      if (openssl.startsWith("-----BEGIN RSA")) {
        assertArrayEquals(kp.getPrivate().getEncoded(), Pem.privateKey(openssl).getEncoded(), "PKCS#1");
      } else {
        BatonException e = assertThrows(BatonException.class, () -> Pem.privateKey(openssl));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
      }
    }
    assertThrows(BatonException.class,
        () -> Pem.privateKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"));
  }
}
