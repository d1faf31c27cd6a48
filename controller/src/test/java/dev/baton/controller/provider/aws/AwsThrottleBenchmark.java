package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.Planner;
import dev.baton.controller.plan.Retry;
import dev.baton.controller.provider.CloudProvider;
import dev.baton.controller.provider.factory.Providers;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks.md: provisioning 60 instances against EC2's request limits. A local
 * endpoint in front of {@code AWS_ENDPOINT_URL} (an AWS-compatible emulator) meters every EC2 action
 * with EC2's token buckets (docs/aws.md) and answers {@code RequestLimitExceeded} when one is empty;
 * the floor those buckets set is computed from the calls actually made. Run:
 * {@code AWS_ENDPOINT_URL=http://127.0.0.1:5000 bin/bench AwsThrottleBenchmark}.
 */
@Tag("benchmark")
class AwsThrottleBenchmark {
  static final int INSTANCES = 60;

  /** EC2's bucket of an action: capacity and refill per second. */
  static double[] bucketOf(String action) {
    return switch (action) {
      case "RunInstances" -> new double[] {5, 2};
      case "RunInstances#instances" -> new double[] {1000, 2};
      case "CreateTags" -> new double[] {100, 10};
      default -> action.startsWith("Describe") || action.startsWith("Get") ? new double[] {100, 20} : new double[] {50, 5};
    };
  }

  static final class Bucket {
    final double capacity;
    final double rate;
    double tokens;
    long last = System.nanoTime();

    Bucket(double[] b) {
      capacity = b[0];
      rate = b[1];
      tokens = b[0];
    }

    synchronized boolean take(int n) {
      long now = System.nanoTime();
      tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
      last = now;
      if (tokens < n) {
        return false;
      }
      tokens -= n;
      return true;
    }
  }

  @Test
  void sixtyInstancesAgainstEc2sBuckets(@TempDir Path dir) throws Exception {
    String upstream = System.getenv("AWS_ENDPOINT_URL");
    assumeTrue(upstream != null, "AWS_ENDPOINT_URL: an AWS-compatible endpoint to put the metered endpoint in front of");
    Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> throttled = new ConcurrentHashMap<>();
    HttpClient http = HttpClient.newHttpClient();
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(32));
    proxy.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      String form = new String(body, StandardCharsets.UTF_8);
      Map<String, String> params = new TreeMap<>();
      for (String kv : form.split("&")) {
        int i = kv.indexOf('=');
        if (i > 0) {
          params.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(i + 1),
              StandardCharsets.UTF_8));
        }
      }
      String action = params.getOrDefault("Action", "");
      boolean ec2 = "2016-11-15".equals(params.get("Version"));
      if (ec2) {
        boolean ok = buckets.computeIfAbsent(action, a -> new Bucket(bucketOf(a))).take(1);
        if (ok && action.equals("RunInstances")) {
          int n = Integer.parseInt(params.getOrDefault("MaxCount", "1"));
          ok = buckets.computeIfAbsent("RunInstances#instances", a -> new Bucket(bucketOf(a))).take(n);
        }
        if (!ok) {
          throttled.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
          byte[] out = ("<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
              + "</Message></Error></Errors><RequestID>r</RequestID></Response>").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(503, out.length);
          ex.getResponseBody().write(out);
          ex.close();
          return;
        }
        calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
      }
      HttpRequest.Builder f = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()))
          .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      ex.getRequestHeaders().forEach((k, v) -> {
        if (!Set.of("host", "content-length", "connection", "expect").contains(k.toLowerCase())) {
          v.forEach(x -> f.header(k, x));
        }
      });
      try {
        HttpResponse<byte[]> r = http.send(f.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().firstValue("content-type").ifPresent(ct -> ex.getResponseHeaders().add("Content-Type", ct));
        ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
        if (r.body().length > 0) {
          ex.getResponseBody().write(r.body());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ex.sendResponseHeaders(500, -1);
      }
      ex.close();
    });
    proxy.start();
    String endpoint = "http://127.0.0.1:" + proxy.getAddress().getPort();
    Vertx vertx = Vertx.vertx(dev.baton.common.settings.VertxDefaults.options());
    try {
      String ami;
      try (var ec2 = software.amazon.awssdk.services.ec2.Ec2Client.builder().region(software.amazon.awssdk.regions.Region.EU_WEST_1)
          .endpointOverride(URI.create(upstream)).build()) {
        ami = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
      }
      Files.writeString(dir.resolve("platform.yaml"), "name: fleet60\ncustomer: bench\nprovider: aws\nregion: eu-west-1\n"
          + "domain: bench.internal\ncontroller: {endpoints: [10.0.0.5:7443]}\n");
      StringBuilder y = new StringBuilder("""
          kind: vpc
          name: main
          uuid: 6b1f0000-0000-4000-8000-000000000001
          cidr: 10.60.0.0/16
          ---
          kind: subnet
          name: a
          uuid: 6b1f0000-0000-4000-8000-000000000002
          vpc: main
          cidr: 10.60.0.0/20
          az: eu-west-1a
          ---
          kind: security_group
          name: web
          uuid: 6b1f0000-0000-4000-8000-000000000003
          vpc: main
          ingress: [{protocol: tcp, ports: 443, cidrs: [0.0.0.0/0]}]
          """);
      for (int i = 0; i < INSTANCES; i++) {
        y.append("---\nkind: instance\nname: web-").append(i).append("\nuuid: 6b1f0000-0000-4000-8000-1000000000")
            .append(String.format("%02d", i)).append("\nsubnet: a\ninstance_type: t3.micro\nami: ").append(ami)
            .append("\nsecurity_groups: [web]\nhandoff: {config_management: none}\n");
      }
      Files.writeString(dir.resolve("nodes.yaml"), y.toString());
      Platform platform = DefinitionLoader.load(dir, dir.toString(), null);
      CloudProvider provider = Providers.create(vertx, platform, dir.resolve("home"), endpoint, null);
      Retry retry = new Retry(vertx, Retry.Policy.defaults(), new SecureRandom(), System::currentTimeMillis);
      Plan plan = provider.check(platform).compose(d -> new Planner(provider, retry).plan(platform)).toCompletionStage()
          .toCompletableFuture().get(5, TimeUnit.MINUTES);
      calls.clear();
      throttled.clear();
      buckets.clear(); // the apply meets full buckets, as a first provision would
      long t0 = System.nanoTime();
      Engine.Report report = new Engine(provider, retry, 10, new Engine.Listener() {}, System::currentTimeMillis, "bench")
          .apply(plan).toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
      double wall = (System.nanoTime() - t0) / 1e9;
      double floor = 0;
      String bound = "";
      Map<String, Integer> sorted = new TreeMap<>();
      calls.forEach((a, n) -> sorted.put(a, n.get()));
      for (Map.Entry<String, Integer> e : sorted.entrySet()) {
        double[] b = bucketOf(e.getKey());
        double f = Math.max(0, e.getValue() - b[0]) / b[1];
        if (e.getKey().equals("RunInstances")) {
          f = Math.max(f, Math.max(0, e.getValue() - 1000) / 2.0); // one instance per call: the instances' bucket
        }
        if (f > floor) {
          floor = f;
          bound = e.getKey();
        }
      }
      System.out.printf("provision of %d instances (+ VPC, subnet, group): %s in %.1f s, parallelism 10%n", INSTANCES,
          report.ok() ? "done" : "FAILED " + report.outcomes().stream().filter(o -> o.status() != Engine.Status.DONE)
              .findFirst().map(o -> o.message()).orElse(""), wall);
      System.out.printf("EC2 calls: %s%n", sorted);
      System.out.printf("throttled by the endpoint: %s%n", throttled);
      System.out.printf("floor set by the buckets: %.1f s (%s); wall / floor = %.2f%n", floor, bound, wall / floor);
      CloudProvider cleanup = provider;
      Plan d = new Planner(cleanup, retry).destroy(Planner.scopeOf(platform), true).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.MINUTES);
      new Engine(cleanup, retry, 10, new Engine.Listener() {}, System::currentTimeMillis, "bench-destroy").apply(d)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      proxy.stop(0);
    }
  }
}
