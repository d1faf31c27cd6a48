package dev.baton.controller.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.crypto.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A genuine identity document signed by AWS (public test data, ap-southeast-2, February 2026)
 * verified against AWS's real certificate for the region, and every way to get it refused.
 */
class AwsIdentityVerifierTest {
  static final Path DATA = Path.of("src/test/resources/aws-iid");
  static final Instant LAUNCH = Instant.parse("2026-02-16T00:38:27Z");
  static final AwsIdentityVerifier AWS = AwsIdentityVerifier.withAwsCertificates();

  static String signature() throws IOException {
    return Files.readString(DATA.resolve("rsa2048.b64"));
  }

  static AwsIdentityVerifier.Policy policy() {
    return AwsIdentityVerifier.Policy.of(Set.of("189292791360"), "ap-southeast-2");
  }

  @Test
  void aGenuineDocumentVerifiesAgainstTheRealCertificateOfItsRegion() throws IOException {
    AwsIdentityVerifier.Document d = AWS.verify(signature(), policy(), LAUNCH.plusSeconds(60));
    assertEquals("i-0c5541936caf78c12", d.instanceId());
    assertEquals("189292791360", d.accountId());
    assertEquals("ap-southeast-2a", d.availabilityZone());
    assertEquals(LAUNCH, d.pendingTime());
  }

  @Test
  void everyCertificateInTheTableIsAnAwsSelfSignedCertificate() {
    assertTrue(AWS.regions().size() >= 9, AWS.regions().toString());
    assertTrue(AWS.regions().contains("eu-west-1") && AWS.regions().contains("us-east-1"));
  }

  @Test
  void aDocumentSignedForAnotherRegionIsRefused() throws IOException {
    // the same signature checked with us-east-1's certificate standing in for ap-southeast-2
    AwsIdentityVerifier onlyOther = new AwsIdentityVerifier(Map.of("ap-southeast-2",
        certificateOf("us-east-1")));
    Refused r = assertThrows(Refused.class, () -> onlyOther.verify(signature(), policy(), LAUNCH));
    assertEquals("forged_document", r.reason());
  }

  @Test
  void aDocumentSignedByAnyoneElseIsRefused(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    // a PKCS#7 of the same content, but signed by a key we made: refused by the region's certificate
    CertificateAuthority ours = CertificateAuthority.openOrCreate(tmp, "impostor");
    byte[] content = Files.readAllBytes(DATA.resolve("document.json"));
    String forged = Pkcs7.sign(content, tmp.resolve("ca.key.pem"), ours.certificate());
    Refused r = assertThrows(Refused.class, () -> AWS.verify(forged, policy(), LAUNCH));
    assertEquals("forged_document", r.reason());
  }

  @Test
  void aTamperedSignatureIsRefused() throws IOException {
    byte[] der = Base64.getMimeDecoder().decode(signature());
    // flip one byte of the signed document text: "accountId" : "189292791360" -> "189292791361"
    String text = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("MTg5MjkyNzkxMzYw");
    byte[] tampered = der.clone();
    int i = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("189292791360");
    if (i < 0) {
      // the content is stored as raw bytes inside the PKCS#7
      i = text.indexOf("accountId");
    }
    assertTrue(i > 0 || at > 0, "found the content inside the signature");
    tampered[Math.max(i, at) + 20] ^= 1;
    String b64 = Base64.getEncoder().encodeToString(tampered);
    Refused r = assertThrows(Refused.class, () -> AWS.verify(b64, policy(), LAUNCH));
    assertEquals("forged_document", r.reason());
  }

  /** A small instance whose user data took its time installing Java and Puppet still attests. */
  @Test
  void aNodeThatTookMinutesToInstallItsAgentStillAttests() throws IOException {
    assertEquals("i-0c5541936caf78c12", AWS.verify(signature(), policy(), LAUNCH.plus(java.time.Duration.ofMinutes(19)))
        .instanceId());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "stale pendingTime, 189292791360, ap-southeast-2, 2026-02-16T00:59:00Z, stale_document",
      "pendingTime in the future, 189292791360, ap-southeast-2, 2026-02-16T00:30:00Z, stale_document",
      "another account, 111111111111, ap-southeast-2, 2026-02-16T00:39:00Z, wrong_account",
      "another region, 189292791360, eu-west-1, 2026-02-16T00:39:00Z, wrong_region"})
  void factsThatDoNotFitAreRefused(String what, String account, String region, String now, String reason)
      throws IOException {
    AwsIdentityVerifier.Policy p = AwsIdentityVerifier.Policy.of(Set.of(account), region);
    Refused r = assertThrows(Refused.class, () -> AWS.verify(signature(), p, Instant.parse(now)));
    assertEquals(reason, r.reason(), what + ": " + r.getMessage());
  }

  @Test
  void aRegionWithoutACertificateIsRefusedByName() throws IOException {
    AwsIdentityVerifier none = new AwsIdentityVerifier(Map.of("us-east-1", certificateOf("us-east-1")));
    Refused r = assertThrows(Refused.class, () -> none.verify(signature(), policy(), LAUNCH));
    assertEquals("unsupported_region", r.reason());
    assertTrue(r.getMessage().contains("ap-southeast-2"));
  }

  @Test
  void garbageIsRefused() {
    assertEquals("forged_document", assertThrows(Refused.class,
        () -> AWS.verify("bm90IGEgc2lnbmF0dXJl", policy(), LAUNCH)).reason());
  }

  static X509Certificate certificateOf(String region) throws IOException {
    for (String line : Files.readAllLines(Path.of("src/main/resources/dev/baton/controller/attest/aws-iid-rsa2048.txt"))) {
      if (line.startsWith(region + " ")) {
        return dev.baton.common.crypto.Pem.certificate(Base64.getDecoder().decode(line.split(" ")[1]));
      }
    }
    throw new AssertionError(region);
  }
}
