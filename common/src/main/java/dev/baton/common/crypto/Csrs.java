package dev.baton.common.crypto;

import dev.baton.common.error.BatonException;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificate requests: made by nodes, read and checked by the controller. */
public final class Csrs {
  private Csrs() {}

  /** What a request says, after its signature was checked (the requester holds the key). */
  public record Request(String commonName, PublicKey publicKey, String challengePassword,
      Map<String, String> extensions) {}

  /**
   * Makes a request for {@code commonName}, signed with the key pair.
   *
   * @param extensions extension requests by OID, UTF-8 string values (Puppet's pp_* extensions)
   * @param challengePassword the challengePassword attribute, or null
   */
  public static String create(KeyPair keys, String commonName, Map<String, String> extensions,
      String challengePassword) {
    try {
      X500Name subject = new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(commonName))});
      JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic());
      if (!extensions.isEmpty()) {
        ExtensionsGenerator eg = new ExtensionsGenerator();
        for (Map.Entry<String, String> e : extensions.entrySet()) {
          eg.addExtension(new ASN1ObjectIdentifier(e.getKey()), false, new DERUTF8String(e.getValue()));
        }
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, eg.generate());
      }
      if (challengePassword != null) {
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challengePassword));
      }
      ContentSigner signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(keys.getPrivate()))
          .build(keys.getPrivate());
      return Pem.encode(b.build(signer));
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a request and checks that it is signed by the key it carries. */
  public static Request read(String pem) {
    PKCS10CertificationRequest csr = Pem.csr(pem);
    try {
      SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
      PublicKey key = Pem.publicKey(spki.getEncoded());
      if (!signatureValid(csr, spki, key)) {
        throw BatonException.denied("crypto: the request's signature does not match its key");
      }
      RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
      String cn = cns.length == 0 ? "" : IETFUtils.valueToString(cns[0].getFirst().getValue());
      String challenge = null;
      Map<String, String> ext = new LinkedHashMap<>();
      for (Attribute a : csr.getAttributes()) {
        if (a.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_challengePassword)) {
          ASN1Encodable v = a.getAttributeValues()[0];
          challenge = v instanceof ASN1String s ? s.getString() : v.toString();
        } else if (a.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
          Extensions exts = Extensions.getInstance(a.getAttributeValues()[0]);
          for (ASN1ObjectIdentifier oid : exts.getExtensionOIDs()) {
            Extension x = exts.getExtension(oid);
            ext.put(oid.getId(), decodeString(x.getExtnValue().getOctets()));
          }
        }
      }
      return new Request(cn, key, challenge, ext);
    } catch (OperatorCreationException | PKCSException | IOException e) {
      throw BatonException.invalid("crypto: unreadable certificate request: " + e.getMessage());
    }
  }

  private static boolean signatureValid(PKCS10CertificationRequest csr, SubjectPublicKeyInfo spki, PublicKey key)
      throws OperatorCreationException, PKCSException, IOException {
    String direct = Signatures.directName(csr.getSignatureAlgorithm().getAlgorithm());
    if (direct == null || csr.getSignatureAlgorithm().getParameters() != null
        && !(csr.getSignatureAlgorithm().getParameters() instanceof org.bouncycastle.asn1.ASN1Null)) {
      return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Signatures.PROVIDER).build(key));
    }
    try {
      return Signatures.verify(direct, spki.getEncoded(), csr.toASN1Structure().getCertificationRequestInfo().getEncoded("DER"),
          csr.getSignature());
    } catch (java.security.GeneralSecurityException e) {
      return false; // a key or signature that does not parse does not sign
    }
  }

  private static String decodeString(byte[] der) {
    try {
      var prim = org.bouncycastle.asn1.ASN1Primitive.fromByteArray(der);
      if (prim instanceof ASN1String s) {
        return s.getString();
      }
      return prim.toString();
    } catch (IOException e) {
      return new String(der, java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
