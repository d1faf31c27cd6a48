package dev.baton.controller.attest;

import dev.baton.common.crypto.Pem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Verifies an EC2 instance identity document by its {@code rsa2048} signature: a PKCS#7
 * SignedData (SHA-256, RSA-2048) over the document, signed by AWS's certificate for the
 * document's region. The certificate is chosen from a table of regions; a document of a region
 * not in the table, a signature by any other key, or content that does not parse is refused.
 * Then the facts: the account is allowed, the region is the platform's, and the instance
 * launched ({@code pendingTime}) recently, so an old document cannot be replayed.
 */
public final class AwsIdentityVerifier {
  private static final String TABLE = "/dev/baton/controller/attest/aws-iid-rsa2048.txt";

  /** What a verified document says. */
  public record Document(String accountId, String region, String availabilityZone, String instanceId,
      String imageId, String instanceType, String privateIp, Instant pendingTime) {}

  /**
   * @param accounts allowed account IDs (empty: any)
   * @param region the region the platform lives in (null: any)
   * @param maxAge how long after launch a document is accepted (first attestation only)
   * @param futureSkew how far in the future pendingTime may be (clock skew)
   */
  public record Policy(Set<String> accounts, String region, Duration maxAge, Duration futureSkew) {
    /**
     * How long after launch a node may first attest. Its user data installs Java (and Puppet) before
     * the agent starts: 10-15 s on the machines of docs/benchmarks.md, minutes on a small instance
     * with a slow mirror. The window is the registration deadline (15 min) with margin, so a node is
     * never refused as stale before it would be failed as late; replays are stopped by the token,
     * single-use and bound to the instance, not by this window.
     */
    public static final Duration FIRST_ATTESTATION_WINDOW = Duration.ofMinutes(20);

    public static Policy of(Set<String> accounts, String region) {
      return new Policy(accounts, region, FIRST_ATTESTATION_WINDOW, Duration.ofMinutes(1));
    }
  }

  private final Map<String, X509Certificate> certificates;

  public AwsIdentityVerifier(Map<String, X509Certificate> certificates) {
    this.certificates = Map.copyOf(certificates);
  }

  /** The verifier with AWS's published certificates. */
  public static AwsIdentityVerifier withAwsCertificates() {
    Map<String, X509Certificate> table = new LinkedHashMap<>();
    try (InputStream in = AwsIdentityVerifier.class.getResourceAsStream(TABLE);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        line = line.trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+");
        table.put(parts[0], Pem.certificate(Base64.getDecoder().decode(parts[1])));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + TABLE, e);
    }
    return new AwsIdentityVerifier(table);
  }

  public Set<String> regions() {
    return certificates.keySet();
  }

  /**
   * Verifies {@code rsa2048} (base64, line breaks allowed) and returns the document it signs.
   *
   * @throws Refused with reason {@code forged_document}, {@code unsupported_region},
   *     {@code wrong_account}, {@code wrong_region} or {@code stale_document}
   */
  public Document verify(String rsa2048, Policy policy, Instant now) {
    CMSSignedData signed;
    byte[] content;
    try {
      signed = new CMSSignedData(Base64.getMimeDecoder().decode(rsa2048.trim()));
      content = (byte[]) signed.getSignedContent().getContent();
    } catch (CMSException | IllegalArgumentException | NullPointerException | ClassCastException e) {
      throw new Refused("forged_document", "aws_iid: the signature is not a PKCS#7 signed document");
    }
    JsonObject doc;
    try {
      doc = new JsonObject(new String(content, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new Refused("forged_document", "aws_iid: the signed content is not an identity document");
    }
    String region = doc.getString("region", "");
    X509Certificate cert = certificates.get(region);
    if (cert == null) {
      throw new Refused("unsupported_region", "aws_iid: no AWS certificate for region \"" + region
          + "\" in this controller; supported: " + String.join(", ", new java.util.TreeSet<>(certificates.keySet())));
    }
    if (!signedBy(signed, cert)) {
      throw new Refused("forged_document", "aws_iid: the document is not signed by AWS's certificate for " + region);
    }
    Document d;
    try {
      d = new Document(doc.getString("accountId"), region, doc.getString("availabilityZone"),
          doc.getString("instanceId"), doc.getString("imageId"), doc.getString("instanceType"),
          doc.getString("privateIp"), Instant.parse(doc.getString("pendingTime")));
    } catch (DateTimeParseException | NullPointerException | ClassCastException e) {
      throw new Refused("forged_document", "aws_iid: the document lacks its instance or launch time");
    }
    if (!policy.accounts().isEmpty() && !policy.accounts().contains(d.accountId())) {
      throw new Refused("wrong_account", "aws_iid: instance " + d.instanceId() + " is in account " + d.accountId()
          + ", not one of " + policy.accounts());
    }
    if (policy.region() != null && !policy.region().equals(region)) {
      throw new Refused("wrong_region", "aws_iid: instance " + d.instanceId() + " is in " + region + ", the platform in "
          + policy.region());
    }
    if (d.pendingTime().isAfter(now.plus(policy.futureSkew()))) {
      throw new Refused("stale_document", "aws_iid: pendingTime " + d.pendingTime() + " is in the future");
    }
    if (d.pendingTime().isBefore(now.minus(policy.maxAge()))) {
      throw new Refused("stale_document", "aws_iid: instance " + d.instanceId() + " launched at " + d.pendingTime()
          + ", more than " + policy.maxAge().toMinutes() + " minutes ago; a restarted node re-attests with its key");
    }
    return d;
  }

  private static boolean signedBy(CMSSignedData signed, X509Certificate cert) {
    Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
    if (signers.isEmpty()) {
      return false;
    }
    try {
      for (SignerInformation si : signers) {
        if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert))) {
          return false;
        }
      }
      return true;
    } catch (CMSException | OperatorCreationException | RuntimeException e) {
      return false;
    }
  }
}
