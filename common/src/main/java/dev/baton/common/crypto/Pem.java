package dev.baton.common.crypto;

import dev.baton.common.error.BatonException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM text of certificates, keys and certificate requests. */
public final class Pem {
  private Pem() {}

  public static String encode(Object o) {
    try (StringWriter w = new StringWriter(); JcaPEMWriter pw = new JcaPEMWriter(w)) {
      if (o instanceof PrivateKey k) {
        pw.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getEncoded()));
      } else {
        pw.writeObject(o);
      }
      pw.flush();
      return w.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static X509Certificate certificate(String pem) {
    List<X509Certificate> all = certificates(pem);
    if (all.isEmpty()) {
      throw BatonException.invalid("crypto: no certificate in the PEM text");
    }
    return all.get(0);
  }

  public static List<X509Certificate> certificates(String pem) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (CertificateException e) {
      throw BatonException.invalid("crypto: unreadable certificate: " + e.getMessage());
    }
  }

  public static X509Certificate certificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw BatonException.invalid("crypto: unreadable certificate: " + e.getMessage());
    }
  }

  public static PrivateKey privateKey(String pem) {
    if (pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      throw BatonException.invalid("crypto: an EC key in OpenSSL's own form (BEGIN EC PRIVATE KEY) is not read;"
          + " convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in KEY.pem");
    }
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      // PKCS#1, as OpenSSL and Puppet write RSA keys
      try (PEMParser parser = new PEMParser(new StringReader(pem))) {
        if (parser.readObject() instanceof org.bouncycastle.openssl.PEMKeyPair kp) {
          return new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getPrivateKey(kp.getPrivateKeyInfo());
        }
      } catch (IOException e) {
        throw BatonException.invalid("crypto: unreadable private key: " + e.getMessage());
      }
      throw BatonException.invalid("crypto: unreadable private key (an encrypted key is not supported)");
    }
    byte[] der = body(pem, "PRIVATE KEY");
    for (String alg : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (Exception e) {
        // try the next algorithm
      }
    }
    throw BatonException.invalid("crypto: unreadable private key (PKCS#8 EC or RSA expected)");
  }

  public static PublicKey publicKey(byte[] spki) {
    for (String alg : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki));
      } catch (Exception e) {
        // try the next algorithm
      }
    }
    throw BatonException.invalid("crypto: unreadable public key");
  }

  public static PKCS10CertificationRequest csr(String pem) {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o instanceof PKCS10CertificationRequest r) {
        return r;
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    throw BatonException.invalid("crypto: not a PEM certificate request");
  }

  private static byte[] body(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw BatonException.invalid("crypto: no " + type + " in the PEM text");
    }
    return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
  }
}
