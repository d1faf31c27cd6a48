package dev.baton.controller.handoff.puppet;

import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Pem;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Puppet 7 master's certificate authority, through its HTTP API
 * ({@code /puppet-ca/v1}), authenticated with a client certificate that the CA allows to
 * administer it (one generated with {@code puppetserver ca generate --ca-client}). The server's
 * certificate is checked against the CA's own chain and its host name.
 *
 * <p>{@link #signAttested} is the one decision of consequence: a request is signed only when
 * its subject is the node's name, its signature is valid, and the instance ID it carries
 * ({@code pp_instance_id}) is the one the controller attested.
 */
public final class PuppetCa {
  /** Puppet's registered OIDs for the CSR extensions a node carries. */
  public static final String PP_UUID = "1.3.6.1.4.1.34380.1.1.1";
  public static final String PP_INSTANCE_ID = "1.3.6.1.4.1.34380.1.1.2";

  private static final String JSON = "application/json";

  private final URI base;
  private final HttpClient http;

  /**
   * @param base the master, e.g. {@code https://puppet-eu-1.example.net:8140}
   * @param caPem the Puppet CA's certificates (the chain in {@code ca_crt.pem})
   * @param certPem, keyPem the administering client's certificate and key
   */
  public PuppetCa(URI base, String caPem, String certPem, String keyPem) {
    this.base = base;
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : Pem.certificates(caPem)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      char[] none = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", Pem.privateKey(keyPem), none,
          Pem.certificates(certPem).toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, none);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    } catch (GeneralSecurityException | IOException e) {
      throw BatonException.invalid("puppet: cannot use the CA client certificate: " + e.getMessage());
    }
  }

  /** The certificate requests waiting to be signed: each status as the CA gives it. */
  public List<JsonObject> requested() {
    JsonArray a = new JsonArray(call("GET", "/puppet-ca/v1/certificate_statuses/any_key?state=requested", null, 200));
    List<JsonObject> out = new ArrayList<>();
    a.forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** The state of {@code name}'s certificate ("requested", "signed", "revoked"), if the CA knows it. */
  public Optional<String> state(String name) {
    HttpResponse<String> r = send("GET", "/puppet-ca/v1/certificate_status/" + enc(name), null, JSON);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    expect(r, 200, "certificate_status/" + name);
    return Optional.ofNullable(new JsonObject(r.body()).getString("state"));
  }

  /** The pending certificate request of {@code name}, PEM. */
  public String request(String name) {
    HttpResponse<String> r = send("GET", "/puppet-ca/v1/certificate_request/" + enc(name), null, "text/plain");
    expect(r, 200, "certificate_request/" + name);
    return r.body();
  }

  /** What a node's request must carry to be signed: all of it known to the controller, none of it from the node. */
  public record Expected(String certname, String instanceId, String uuid, String challenge) {}

  /**
   * Signs {@code e.certname}'s pending request if it is the attested node's: subject the
   * certname, a valid signature, {@code pp_instance_id} the attested instance, and (when given)
   * {@code pp_uuid} the node's resource UUID and the challengePassword the nonce of this
   * hand-off. Anything else is refused (PERMISSION_DENIED) and the request is left unsigned.
   */
  public void signAttested(Expected e) {
    check(Csrs.read(request(e.certname())), e);
    String name = e.certname();
    call("PUT", "/puppet-ca/v1/certificate_status/" + enc(name), new JsonObject().put("desired_state", "signed").encode(), 204);
  }

  /** Signs {@code name}'s request if it is for {@code name} and carries {@code pp_instance_id} = {@code instanceId}. */
  public void signAttested(String name, String instanceId) {
    signAttested(new Expected(name, instanceId, null, null));
  }

  /** Files a certificate request as a node's agent does ({@code PUT certificate_request}); for tests and benchmarks. */
  void submitRequest(String name, String csrPem) {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/puppet-ca/v1/certificate_request/" + enc(name)))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "text/plain")
        .PUT(HttpRequest.BodyPublishers.ofString(csrPem)).build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      expect(r, 200, "certificate_request/" + name);
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "puppet CA " + base + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.UNAVAILABLE, "interrupted", e);
    }
  }

  /** Signs {@code name}'s request with no check at all: the CA's own signing, for benchmarks. */
  void signUnchecked(String name) {
    call("PUT", "/puppet-ca/v1/certificate_status/" + enc(name), new JsonObject().put("desired_state", "signed").encode(), 204);
  }

  /**
   * Refuses (PERMISSION_DENIED) a request that is not the attested node's: its subject must be
   * the certname, {@code pp_instance_id} the attested instance, and (when expected) {@code pp_uuid}
   * the node's UUID and the challengePassword this hand-off's nonce. Its signature was checked
   * when it was read.
   */
  public static void check(Csrs.Request csr, Expected e) {
    String name = e.certname();
    if (!csr.commonName().equals(name)) {
      throw BatonException.denied("puppet: the request filed under " + name + " is for " + csr.commonName());
    }
    String claimed = csr.extensions().get(PP_INSTANCE_ID);
    if (!e.instanceId().equals(claimed)) {
      throw BatonException.denied("puppet: the request of " + name + " names instance "
          + (claimed == null ? "none" : claimed) + ", the attested instance is " + e.instanceId());
    }
    if (e.uuid() != null && !e.uuid().equals(csr.extensions().get(PP_UUID))) {
      String u = csr.extensions().get(PP_UUID);
      throw BatonException.denied("puppet: the request of " + name + " names resource "
          + (u == null ? "none" : u) + ", the node is " + e.uuid());
    }
    if (e.challenge() != null) {
      String c = csr.challengePassword();
      if (c == null) {
        throw BatonException.denied("puppet: the request of " + name + " carries no challengePassword (this hand-off's nonce)");
      }
      if (!java.security.MessageDigest.isEqual(c.getBytes(StandardCharsets.UTF_8), e.challenge().getBytes(StandardCharsets.UTF_8))) {
        throw BatonException.denied("puppet: the request of " + name + " carries a challengePassword that is not this hand-off's nonce");
      }
    }
  }

  /** Deletes {@code name}'s certificate or pending request from the CA's inventory (revoke first with {@link #clean}). */
  public void delete(String name) {
    HttpResponse<String> r = send("DELETE", "/puppet-ca/v1/certificate_status/" + enc(name), null, JSON);
    if (r.statusCode() != 404) {
      expect(r, 204, "certificate_status/" + name);
    }
  }

  /** The CA's certificate revocation lists (PEM; the whole chain's), which a node needs before its first run. */
  public String crl() {
    HttpResponse<String> r = send("GET", "/puppet-ca/v1/certificate_revocation_list/ca", null, "text/plain");
    expect(r, 200, "certificate_revocation_list/ca");
    return r.body();
  }

  /** The master's simple status: "running" when it serves. */
  public String status() {
    HttpResponse<String> r = send("GET", "/status/v1/simple", null, "text/plain");
    expect(r, 200, "status/v1/simple");
    return r.body();
  }

  /** Revokes and deletes every certificate and request of these names (unknown names are fine). */
  public void clean(Collection<String> names) {
    call("PUT", "/puppet-ca/v1/clean", new JsonObject().put("certnames", new JsonArray(new ArrayList<>(names))).encode(), 200);
  }

  private String call(String method, String path, String json, int expected) {
    HttpResponse<String> r = send(method, path, json, JSON);
    expect(r, expected, path);
    return r.body();
  }

  private void expect(HttpResponse<String> r, int expected, String what) {
    if (r.statusCode() != expected) {
      ErrorCode code = switch (r.statusCode()) {
        case 403 -> ErrorCode.PERMISSION_DENIED;
        case 404 -> ErrorCode.NOT_FOUND;
        case 409 -> ErrorCode.FAILED_PRECONDITION;
        default -> r.statusCode() >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INVALID_ARGUMENT;
      };
      String body = r.body() == null ? "" : r.body().strip();
      throw new BatonException(code, "puppet CA " + base + ": " + what + ": HTTP " + r.statusCode()
          + (body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body)));
    }
  }

  private HttpResponse<String> send(String method, String path, String json, String accept) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
        .header("Accept", accept);
    if (json != null) {
      b.header("Content-Type", JSON).method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "puppet CA " + base + " unreachable: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.UNAVAILABLE, "puppet CA " + base + ": interrupted", e);
    }
  }

  private static String enc(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
