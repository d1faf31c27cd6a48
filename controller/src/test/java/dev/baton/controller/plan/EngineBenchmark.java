package dev.baton.controller.plan;

import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.model.ResourceKind;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks.md: 5 customers x 60 instances (with volumes, Elastic IPs, DNS
 * records, security groups and IAM), all in one fake cloud. Measures cloud calls and wall time
 * of plan and audit per customer. Run with: bin/bench EngineBenchmark
 */
@Tag("benchmark")
class EngineBenchmark {
  static final int CUSTOMERS = 5;
  static final int INSTANCES = 60;

  static Path generate(Path root, int customer) throws IOException {
    Path dir = Files.createDirectories(root.resolve("customer-" + customer));
    Files.writeString(dir.resolve("platform.yaml"), "name: cms-" + customer + "\ncustomer: customer-" + customer
        + "\nprovider: local\nregion: local-1\ndomain: c" + customer + ".test\n");
    StringBuilder sb = new StringBuilder();
    java.util.function.Consumer<String> doc = s -> sb.append(s).append("uuid: ").append(UUID.randomUUID()).append("\n---\n");
    doc.accept("kind: vpc\nname: main\ncidr: 10.0.0.0/16\n");
    for (int s = 0; s < 4; s++) {
      doc.accept("kind: subnet\nname: net-" + s + "\nvpc: main\ncidr: 10.0." + s + ".0/24\naz: local-1" + (char) ('a' + s % 2)
          + "\npublic: " + (s < 2) + "\n");
    }
    String[] groups = {"bastion", "web", "app", "db", "cache", "mail"};
    for (String g : groups) {
      doc.accept("kind: security_group\nname: " + g + "\nvpc: main\ningress:\n  - {protocol: tcp, ports: 22, groups: [bastion]}\n"
          + "  - {protocol: tcp, ports: 443, cidrs: [10.0.0.0/16]}\n");
    }
    doc.accept("kind: iam_policy\nname: read\nstatements: [{actions: [\"ec2:Describe*\"], resources: [\"*\"]}]\n");
    doc.accept("kind: iam_policy\nname: ops\nstatements: [{actions: [\"ec2:RebootInstances\"], resources: [\"*\"]}]\n");
    doc.accept("kind: iam_group\nname: operators\npolicies: [read, ops]\n");
    for (int u = 0; u < 3; u++) {
      doc.accept("kind: iam_user\nname: op-" + u + "\ngroups: [operators]\n");
    }
    doc.accept("kind: iam_role\nname: node\npolicies: [read]\n");
    doc.accept("kind: instance_profile\nname: node\nrole: node\n");
    for (int i = 0; i < INSTANCES; i++) {
      int s = i % 4;
      String az = "local-1" + (char) ('a' + s % 2);
      doc.accept("kind: volume\nname: data-" + i + "\naz: " + az + "\nsize_gb: 50\n");
      if (i < 20) {
        doc.accept("kind: elastic_ip\nname: ip-" + i + "\n");
      }
      doc.accept("kind: instance\nname: node-" + i + "\nsubnet: net-" + s + "\ninstance_type: t3.small\nsecurity_groups: ["
          + groups[i % groups.length] + "]\ninstance_profile: node\n" + (i < 20 ? "elastic_ip: ip-" + i + "\n" : "")
          + "volumes: [{volume: data-" + i + ", device: /dev/sdf}]\nhandoff: {config_management: none}\n");
      doc.accept("kind: dns_record\nname: node-" + i + "\nzone: c" + customer + ".test\nrecord: node-" + i + "\ninstance: node-"
          + i + "\n");
    }
    Files.writeString(dir.resolve("resources.yaml"), sb.toString());
    return dir;
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  @Test
  void planAndAuditOfFiveCustomersOfSixtyInstances(@TempDir Path root) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      FakeCloudProvider cloud = new FakeCloudProvider(1).pageSize(1000);
      Retry retry = new Retry(vertx, Retry.Policy.defaults(), new Random(1), System::currentTimeMillis);
      List<Platform> platforms = new ArrayList<>();
      int resources = 0;
      long t0 = System.nanoTime();
      for (int c = 0; c < CUSTOMERS; c++) {
        Path dir = generate(root, c);
        platforms.add(DefinitionLoader.load(dir, dir.toString(), null));
        resources += platforms.get(c).resources().size();
      }
      long loadMs = (System.nanoTime() - t0) / 1_000_000;
      for (Platform p : platforms) {
        Planner planner = new Planner(cloud, retry);
        Engine.Report r = await(new Engine(cloud, retry, 10, new Engine.Listener() {}, System::currentTimeMillis, "b")
            .apply(await(planner.plan(p))));
        if (!r.ok()) {
          throw new AssertionError(r.outcomes().stream().filter(o -> o.status() == Engine.Status.FAILED)
              .map(o -> o.change().address() + ": " + o.message()).toList());
        }
      }
      System.out.printf("platforms: %d customers, %d resources in all (%d per customer), %d live in the fake cloud%n",
          CUSTOMERS, resources, resources / CUSTOMERS, cloud.all().size());
      System.out.printf("load + validate all definitions: %d ms%n", loadMs);
      // warm-up, then measure
      for (int i = 0; i < 20; i++) {
        await(new Planner(cloud, retry).plan(platforms.get(i % CUSTOMERS)));
      }
      int rounds = 50;
      long[] planNs = new long[rounds * CUSTOMERS];
      long calls = 0;
      int k = 0;
      for (int round = 0; round < rounds; round++) {
        for (Platform p : platforms) {
          long before = cloud.callCount();
          long s = System.nanoTime();
          Plan plan = await(new Planner(cloud, retry).plan(p));
          planNs[k++] = System.nanoTime() - s;
          calls = cloud.callCount() - before;
          if (plan.hasChanges()) {
            throw new AssertionError("converged platform has changes: " + plan.effective());
          }
        }
      }
      java.util.Arrays.sort(planNs);
      System.out.printf("plan of one customer (%d resources): %d cloud calls (%d kinds x 1 page); wall time p50 %.1f ms,"
          + " p90 %.1f ms, max %.1f ms over %d runs%n", resources / CUSTOMERS, calls, ResourceKind.values().length,
          planNs[planNs.length / 2] / 1e6, planNs[planNs.length * 9 / 10] / 1e6, planNs[planNs.length - 1] / 1e6,
          planNs.length);
      // audit = the same observation and diff, for all five customers one after the other
      long s = System.nanoTime();
      long before = cloud.callCount();
      for (Platform p : platforms) {
        await(new Planner(cloud, retry).plan(p));
      }
      System.out.printf("audit of all %d customers: %d cloud calls, %.1f ms%n", CUSTOMERS, cloud.callCount() - before,
          (System.nanoTime() - s) / 1e6);
      // a page of 25 (a cloud that pages small) multiplies listings only by pages
      FakeCloudProvider small = new FakeCloudProvider(1).pageSize(25);
      for (Platform p : platforms.subList(0, 1)) {
        await(new Engine(small, retry, 10, new Engine.Listener() {}, System::currentTimeMillis, "b")
            .apply(await(new Planner(small, retry).plan(p))));
        long b2 = small.callCount();
        await(new Planner(small, retry).plan(p));
        System.out.printf("plan with 25 resources per page (instances, volumes and records take 3 pages each): %d cloud calls%n", small.callCount() - b2);
      }
    } finally {
      vertx.close();
    }
  }
}
