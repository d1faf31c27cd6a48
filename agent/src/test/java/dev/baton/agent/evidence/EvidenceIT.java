package dev.baton.agent.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.baton.common.msg.AgentConfig;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's evidence, read the way EC2 serves it: IMDSv2 (a session token first) and the local cloud's document. */
class EvidenceIT {
  static final String DOC = "{\"accountId\":\"123456789012\",\"instanceId\":\"i-0abc123def4567890\",\"region\":\"eu-west-1\"}";
  static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  HttpServer imds;
  Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    imds = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // like EC2 with IMDSv1 disabled: no session token, no answer
    imds.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      int status;
      String body;
      if (path.equals("/latest/api/token") && ex.getRequestMethod().equals("PUT")
          && ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null) {
        status = 200;
        body = "session-token";
      } else if (!"session-token".equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
        status = 401;
        body = "";
      } else if (path.equals("/latest/dynamic/instance-identity/document")) {
        status = 200;
        body = DOC;
      } else if (path.equals("/latest/dynamic/instance-identity/rsa2048")) {
        status = 200;
        body = "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwGggCSABIIB";
      } else {
        status = 404;
        body = "";
      }
      byte[] out = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
      ex.close();
    });
    imds.start();
  }

  @AfterEach
  void stop() throws Exception {
    imds.stop(0);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  AgentConfig config(String evidence, String identityFile, String imdsUrl) {
    return new AgentConfig(List.of("10.0.0.5:7443"), CA, null, "t", evidence, identityFile, "web-1", "shop", imdsUrl);
  }

  Evidence.Proof collect(AgentConfig c) throws Exception {
    return Evidence.collect(vertx, c).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  String failure(AgentConfig c) throws Exception {
    try {
      collect(c);
      throw new AssertionError("no failure");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause().getMessage();
    }
  }

  @Test
  void theIdentityDocumentIsReadThroughImdsV2() throws Exception {
    Evidence.Proof p = collect(config("aws", null, "http://127.0.0.1:" + imds.getAddress().getPort()));
    assertEquals("i-0abc123def4567890", p.instanceId());
    assertEquals(DOC, p.document());
    assertTrue(p.signature().startsWith("MIAGCSqGSIb3"));
  }

  @Test
  void aMetadataServiceThatDoesNotAnswerIsSaidInOneLineNamingIt() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String why = failure(config("aws", null, "http://127.0.0.1:" + closed));
    assertTrue(why.startsWith("instance metadata http://127.0.0.1:" + closed + ": "), why);
    assertEquals(1, why.lines().count(), why);
  }

  @Test
  void withoutAnAddressTheAgentAsksEc2sOwn() {
    assertEquals("http://169.254.169.254", config("aws", null, null).imds());
  }

  @Test
  void localEvidenceIsTheDocumentTheLocalCloudGave(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("identity.json");
    Files.writeString(doc, "{\"instance_id\":\"i-0123456789abcdef\",\"secret\":\"s3cr3t\"}\n");
    Evidence.Proof p = collect(config("local", doc.toString(), null));
    assertEquals("i-0123456789abcdef", p.instanceId());
    assertEquals("{\"instance_id\":\"i-0123456789abcdef\",\"secret\":\"s3cr3t\"}", p.document());
    String why = failure(config("local", dir.resolve("missing.json").toString(), null));
    assertTrue(why.contains("local identity document " + dir.resolve("missing.json") + " is not there"), why);
  }
}
