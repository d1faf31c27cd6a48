package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.baton.common.error.BatonException;
import dev.baton.controller.provider.CallStats;
import dev.baton.controller.definition.Scope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A local HTTP endpoint that answers the real SDK clients in AWS's own wire formats (EC2 and IAM
 * query XML, Route53 REST XML), recording every request: what wire tests of the AWS provider stand on.
 * A test is one chain of the provider's futures; an assertion failing in a step fails the chain, and
 * VertxTestContext fails the test with it.
 */
@ExtendWith(VertxExtension.class)
abstract class AwsWireFixture {
  static final String EC2 = "http://ec2.amazonaws.com/doc/2016-11-15/";
  static final Scope SCOPE = new Scope("shop", "acme", "dev");

  /** One request as the endpoint saw it: method, path, and its form parameters or body. */
  record Seen(String method, String path, Map<String, String> params, String body) {
    String action() {
      return params.getOrDefault("Action", "");
    }
  }

  record Answer(int status, String xml) {}

  HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  volatile Function<Seen, Answer> answers = s -> new Answer(500, "<Response/>");
  Vertx vertx;
  AwsCloudProvider provider;
  CallStats stats;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> params = new LinkedHashMap<>();
      String form = "POST".equals(ex.getRequestMethod()) && !body.startsWith("<") ? body : ex.getRequestURI().getRawQuery();
      if (form != null) {
        for (String kv : form.split("&")) {
          int i = kv.indexOf('=');
          if (i > 0) {
            params.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
                URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
          }
        }
      }
      Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), params, body);
      seen.add(s);
      Answer a = answers.apply(s);
      byte[] out = a.xml().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/xml");
      ex.sendResponseHeaders(a.status(), out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    this.vertx = vertx; // closed by VertxExtension after each test
    stats = new CallStats();
    AwsClients clients = new AwsClients("eu-west-1", null, "http://127.0.0.1:" + server.getAddress().getPort(), stats);
    provider = new AwsCloudProvider(vertx, clients, stats, (scope, uuid) -> "#cloud-config\n".getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    provider.close().eventually(() -> {
      server.stop(0);
      return Future.succeededFuture();
    }).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * The BatonException {@code f} failed with, as a succeeded future: a success, or another failure,
   * fails the chain (what {@code assertThrows(BatonException.class, ...)} checked of a blocking call).
   */
  static Future<BatonException> failure(Future<?> f) {
    return f.<BatonException>transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError("expected a BatonException, but it succeeded: " + ar.result()));
      }
      return ar.cause() instanceof BatonException e ? Future.succeededFuture(e)
          : Future.failedFuture(new AssertionError("expected a BatonException", ar.cause()));
    });
  }

  static String ec2(String action, String inner) {
    return "<" + action + "Response xmlns=\"" + EC2 + "\"><requestId>r-1</requestId>" + inner + "</" + action + "Response>";
  }

  static Answer ec2Error(int status, String code) {
    return new Answer(status, "<Response><Errors><Error><Code>" + code + "</Code><Message>" + code + " (test)</Message>"
        + "</Error></Errors><RequestID>r-1</RequestID></Response>");
  }

  static String tags(Map<String, String> t) {
    StringBuilder b = new StringBuilder("<tagSet>");
    t.forEach((k, v) -> b.append("<item><key>").append(k).append("</key><value>").append(v).append("</value></item>"));
    return b.append("</tagSet>").toString();
  }

  static Map<String, String> owned(String uuid, String name) {
    Map<String, String> t = new LinkedHashMap<>(SCOPE.tags());
    t.put("baton:uuid", uuid);
    t.put("Name", name);
    return t;
  }

  static String vpc(String id, String uuid) {
    return "<item><vpcId>" + id + "</vpcId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock>"
        + tags(owned(uuid, "main-dev")) + "</item>";
  }

}
