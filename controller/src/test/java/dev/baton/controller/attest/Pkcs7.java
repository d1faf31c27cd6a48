package dev.baton.controller.attest;

import dev.baton.common.crypto.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** Makes PKCS#7 signatures like AWS's, with keys of the test's own, to forge documents. */
public final class Pkcs7 {
  private Pkcs7() {}

  public static String sign(byte[] content, Path keyPem, X509Certificate cert) throws Exception {
    PrivateKey key = Pem.privateKey(Files.readString(keyPem));
    CMSSignedDataGenerator g = new CMSSignedDataGenerator();
    g.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
        .build(new JcaContentSignerBuilder(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
            .build(key), cert));
    g.addCertificates(new JcaCertStore(List.of(cert)));
    return Base64.getEncoder().encodeToString(g.generate(new CMSProcessableByteArray(content), true).getEncoded());
  }
}
