package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.attest.BootLog;
import dev.baton.controller.attest.InstanceFacts;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the controller asks EC2 to see nodes that never register: one listing, and a console per late node. */
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AwsLaunchWatchWireTest extends AwsWireFixture {
  AwsInstanceDirectory directory() {
    return new AwsInstanceDirectory(vertx, new JsonObject().put("provider", "aws").put("region", "eu-west-1")
        .put("endpoint_url", "http://127.0.0.1:" + server.getAddress().getPort()));
  }

  static String instance(String id, String state, String launched, Map<String, String> t) {
    return "<item><reservationId>r-" + id + "</reservationId><instancesSet><item><instanceId>" + id + "</instanceId>"
        + "<instanceState><code>16</code><name>" + state + "</name></instanceState><privateIpAddress>10.0.1.7"
        + "</privateIpAddress><launchTime>" + launched + "</launchTime>" + tags(t) + "</item></instancesSet></item>";
  }

  @Test
  void theLaunchedInstancesOfEveryPlatformAreOnePaginatedListing(VertxTestContext ctx) {
    Map<String, String> group = new LinkedHashMap<>(SCOPE.tags());
    group.put("baton:group", "u-group");
    answers = s -> s.action().equals("DescribeInstances") ? new Answer(200, ec2("DescribeInstances", s.params()
        .containsKey("NextToken") ? "<reservationSet>" + instance("i-0b", "pending", "2026-12-01T03:00:05.000Z", group)
        + "</reservationSet>" : "<reservationSet>" + instance("i-0a", "running", "2026-12-01T03:00:00.000Z",
        owned("u-1", "web-1-dev")) + "</reservationSet><nextToken>p2</nextToken>")) : ec2Error(400, "InvalidAction");
    directory().launched().onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertEquals(List.of("i-0a", "i-0b"), all.stream().map(InstanceFacts::instanceId).toList());
      assertEquals(Instant.parse("2026-12-01T03:00:00Z"), all.get(0).launched());
      assertEquals("u-group", all.get(1).groupTag());
      Seen first = seen.get(0);
      assertEquals("tag-key", first.params().get("Filter.1.Name"));
      assertEquals("baton:platform", first.params().get("Filter.1.Value.1"));
      assertEquals("instance-state-name", first.params().get("Filter.2.Name"));
      assertEquals("pending", first.params().get("Filter.2.Value.1"));
      assertEquals("running", first.params().get("Filter.2.Value.2"));
      assertEquals(2, seen.size(), "two pages, no call per instance");
      ctx.completeNow();
    })));
  }

  @Test
  void aLateNodesConsoleSaysWhichStepFailed(VertxTestContext ctx) {
    String console = "[   80.1] cloud-init[512]: baton: FAILED at step 2 (install-packages): apt-get could not install"
        + " openjdk-17-jre-headless\n[   80.2] cloud-init[512]: Cloud-init v. 24.1 finished at Tue, 01 Dec 2026\n";
    answers = s -> s.action().equals("GetConsoleOutput") ? new Answer(200, ec2("GetConsoleOutput", "<instanceId>i-0a"
        + "</instanceId><timestamp>2026-12-01T03:02:00.000Z</timestamp><output>" + Base64.getEncoder().encodeToString(
        console.getBytes(StandardCharsets.UTF_8)) + "</output>")) : ec2Error(400, "InvalidAction");
    directory().bootLog("i-0a").onComplete(ctx.succeeding((BootLog log) -> ctx.verify(() -> {
      assertEquals("the user data failed at step 2 (install-packages): apt-get could not install openjdk-17-jre-headless",
          log.failure());
      assertTrue(log.finished());
      assertEquals("i-0a", seen.get(0).params().get("InstanceId"));
      assertEquals("true", seen.get(0).params().get("Latest"), "the latest output, not the boot's first 64 KB");
      ctx.completeNow();
    })));
  }
}
