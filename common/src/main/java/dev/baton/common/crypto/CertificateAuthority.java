package dev.baton.common.crypto;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.store.AtomicFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority: a key and a self-signed certificate, serial numbers and
 * revocations kept in a directory. Every write is atomic (a temporary file renamed over the
 * old one), so a crash never leaves a half-written key, serial or revocation list; serials
 * are never reused. Thread-safe.
 */
public final class CertificateAuthority {
  private final Path dir;
  private final PrivateKey key;
  private final X509Certificate certificate;
  private BigInteger nextSerial;
  private static final java.security.SecureRandom SERIAL_RANDOM = new java.security.SecureRandom();
  /** Serials below this are reserved on disk; a restart starts here, so none is ever reused. */
  private BigInteger reservedUpTo;
  private static final BigInteger BLOCK = BigInteger.valueOf(256);
  private final Set<BigInteger> revoked = new LinkedHashSet<>();

  private CertificateAuthority(Path dir, PrivateKey key, X509Certificate certificate, BigInteger nextSerial,
      List<BigInteger> revoked) {
    this.dir = dir;
    this.key = Signatures.signingKey(key);
    this.certificate = certificate;
    this.nextSerial = nextSerial;
    this.reservedUpTo = nextSerial;
    this.revoked.addAll(revoked);
  }

  /** Loads the CA kept in {@code dir}, creating it (named {@code name}) the first time. */
  public static synchronized CertificateAuthority openOrCreate(Path dir, String name) {
    try {
      Path keyFile = dir.resolve("ca.key.pem");
      Path certFile = dir.resolve("ca.crt.pem");
      if (Files.exists(keyFile) && Files.exists(certFile)) {
        JsonObject state = new JsonObject(Files.readString(dir.resolve("ca.state.json")));
        List<BigInteger> revoked = new ArrayList<>();
        state.getJsonArray("revoked", new JsonArray()).forEach(s -> revoked.add(new BigInteger(s.toString(), 16)));
        return new CertificateAuthority(dir, Pem.privateKey(Files.readString(keyFile)),
            Pem.certificate(Files.readString(certFile)), new BigInteger(state.getString("next_serial"), 16), revoked);
      }
      Files.createDirectories(dir);
      KeyPair kp = Keys.ec();
      X509Certificate cert = selfSigned(kp, name);
      CertificateAuthority ca = new CertificateAuthority(dir, kp.getPrivate(), cert, BigInteger.TWO, List.of());
      AtomicFiles.write(keyFile, Pem.encode(kp.getPrivate()), true);
      ca.saveState();
      AtomicFiles.write(certFile, Pem.encode(cert), false);
      return ca;
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "ca: cannot open " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A CA certificate for {@code kp}, signed by itself, valid ten years. */
  private static X509Certificate selfSigned(KeyPair kp, String name) {
    try {
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).addRDN(BCStyle.O, "Baton").build();
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), subject, kp.getPublic());
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(kp.getPublic()));
      return sign(b, kp.getPrivate());
    } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return Pem.encode(certificate);
  }

  public String fingerprint() {
    return Fingerprints.sha256(certificate);
  }

  /** A server certificate for TLS listeners, valid for the given DNS names and addresses. */
  public synchronized X509Certificate issueServer(PublicKey subjectKey, String cn, List<String> names, Duration validity) {
    checkHostNames(cn, names);
    List<GeneralName> sans = new ArrayList<>();
    for (String n : names) {
      sans.add(isAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
    }
    return issue(subjectKey, cn, validity, KeyPurposeId.id_kp_serverAuth, sans, Map.of());
  }

  /**
   * A certificate for a peer of a mutual-TLS mesh (controllers of a cluster): server and client
   * authentication, valid for the given names and addresses.
   */
  public synchronized X509Certificate issuePeer(PublicKey subjectKey, String cn, List<String> names, Duration validity) {
    checkHostNames(cn, names);
    List<GeneralName> sans = new ArrayList<>();
    for (String n : names) {
      sans.add(isAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
    }
    return issue(subjectKey, cn, validity, new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
        sans, Map.of());
  }

  /** A client certificate: a node's identity. {@code extensions} are copied in as UTF-8 strings. */
  public synchronized X509Certificate issueClient(PublicKey subjectKey, String cn, Duration validity,
      Map<String, String> extensions) {
    return issue(subjectKey, cn, validity, KeyPurposeId.id_kp_clientAuth, List.of(), extensions);
  }

  public synchronized void revoke(BigInteger serial) {
    if (revoked.add(serial)) {
      saveState();
    }
  }

  /**
   * The certificate revocation list of every serial revoked so far, signed by this CA, valid for
   * {@code validity} (its next update), numbered by the count of revocations.
   */
  public synchronized String crlPem(Duration validity) {
    try {
      Instant now = Instant.now();
      org.bouncycastle.cert.X509v2CRLBuilder b = new org.bouncycastle.cert.X509v2CRLBuilder(
          org.bouncycastle.asn1.x500.X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
          Date.from(now.minus(Duration.ofMinutes(5))));
      b.setNextUpdate(Date.from(now.plus(validity)));
      for (BigInteger serial : revoked) {
        b.addCRLEntry(serial, Date.from(now), org.bouncycastle.asn1.x509.CRLReason.unspecified);
      }
      b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(revoked.size() + 1)));
      java.security.cert.X509CRL crl = new org.bouncycastle.cert.jcajce.JcaX509CRLConverter()
          .getCRL(b.build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(key)).setProvider(Signatures.PROVIDER)
              .build(key)));
      return "-----BEGIN X509 CRL-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .encodeToString(crl.getEncoded()) + "\n-----END X509 CRL-----\n";
    } catch (OperatorCreationException | java.security.GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("ca: cannot make its CRL: " + e.getMessage(), e);
    }
  }

  public synchronized boolean isRevoked(BigInteger serial) {
    return revoked.contains(serial);
  }

  /** True when {@code cert} was issued by this CA, is within its validity, and not revoked. */
  public boolean trusts(X509Certificate cert) {
    try {
      cert.verify(certificate.getPublicKey(), Signatures.PROVIDER);
      cert.checkValidity();
      return !isRevoked(cert.getSerialNumber());
    } catch (Exception e) {
      return false;
    }
  }

  private X509Certificate issue(PublicKey subjectKey, String cn, Duration validity, KeyPurposeId purpose,
      List<GeneralName> sans, Map<String, String> extensions) {
    return issue(subjectKey, cn, validity, new KeyPurposeId[] {purpose}, sans, extensions);
  }

  private X509Certificate issue(PublicKey subjectKey, String cn, Duration validity, KeyPurposeId[] purposes,
      List<GeneralName> sans, Map<String, String> extensions) {
    // the counter in the high bits (never reused here), 64 random bits below: controllers of a cluster that
    // share this CA never give two certificates one serial
    BigInteger serial = nextSerial.shiftLeft(64).or(new BigInteger(64, SERIAL_RANDOM));
    nextSerial = nextSerial.add(BigInteger.ONE);
    if (nextSerial.compareTo(reservedUpTo) > 0) {
      reservedUpTo = nextSerial.add(BLOCK);
      saveState();
    }
    return build(certificate, key, serial, subjectKey, cn, validity, purposes, sans, extensions);
  }

  /** A certificate for {@code subjectKey} signed by {@code key}, the key of {@code issuer}. */
  private static X509Certificate build(X509Certificate issuer, PrivateKey key, BigInteger serial, PublicKey subjectKey,
      String cn, Duration validity, KeyPurposeId[] purposes, List<GeneralName> sans, Map<String, String> extensions) {
    try {
      Instant now = Instant.now();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial,
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, subjectKey);
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
      b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuer));
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      for (Map.Entry<String, String> e : extensions.entrySet()) {
        b.addExtension(new ASN1ObjectIdentifier(e.getKey()), false, new DERUTF8String(e.getValue()));
      }
      return sign(b, key);
    } catch (CertIOException | java.security.NoSuchAlgorithmException | CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A registration's crypto {@code rounds} times with a throwaway CA in memory (a CSR read and
   * checked, a client certificate issued for its key), so that the JIT has compiled it before the
   * first agents arrive: a controller's first burst otherwise runs the P-256 arithmetic in the
   * interpreter (docs/benchmarks.md). Returns the milliseconds it took.
   */
  public static long warmUp(int rounds) {
    long start = System.nanoTime();
    KeyPair kp = Keys.ec();
    X509Certificate issuer = selfSigned(kp, "warm-up");
    PrivateKey key = Signatures.signingKey(kp.getPrivate());
    String csr = Csrs.create(Keys.ec(), "warm-up", Map.of(), null);
    for (int i = 0; i < rounds; i++) {
      Csrs.Request r = Csrs.read(csr);
      build(issuer, key, BigInteger.valueOf(i + 2), r.publicKey(), r.commonName(), Duration.ofMinutes(10),
          new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, List.of(), r.extensions());
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(key)).setProvider(Signatures.PROVIDER)
              .build(key)));
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  private void saveState() {
    JsonArray rev = new JsonArray();
    revoked.forEach(s -> rev.add(s.toString(16)));
    try {
      AtomicFiles.write(dir.resolve("ca.state.json"),
          new JsonObject().put("next_serial", reservedUpTo.max(nextSerial).toString(16)).put("revoked", rev).encodePrettily(),
          false);
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "ca: cannot save its state: " + e.getMessage(), e);
    }
  }

  private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile(
      "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  /**
   * A server's name and alternative names are host names or addresses, nothing else: no wildcard
   * (one certificate would answer for every host of a domain), no path-like or empty name.
   *
   * @throws IllegalArgumentException naming the first name that is not
   */
  public static void checkHostNames(String cn, List<String> names) {
    List<String> all = new ArrayList<>();
    all.add(cn);
    all.addAll(names);
    for (String n : all) {
      if (n == null || n.length() > 253 || !(isAddress(n) || HOST_NAME.matcher(n).matches())) {
        throw new IllegalArgumentException("\"" + (n == null ? "" : n.length() > 80 ? n.substring(0, 80) + "..." : n)
            + "\" is not a host name or an address (letters, digits, '-' and '.' only; no wildcards)");
      }
    }
  }

  private static boolean isAddress(String s) {
    if (s.matches("^\\d{1,3}(\\.\\d{1,3}){3}$") || s.contains(":")) {
      try {
        InetAddress.getByName(s);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }
}
