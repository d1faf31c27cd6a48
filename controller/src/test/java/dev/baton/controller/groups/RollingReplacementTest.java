package dev.baton.controller.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rolling replacement against a group that behaves as EC2 Auto Scaling does (grows to its
 * desired count from the current template version, terminates what it is told), with the clock in
 * the test's hands: no test here waits.
 */
class RollingReplacementTest {
  /** A group of the cloud: its counts, its instances, the version it launches. */
  static final class GroupCloud implements AutoscalingGroups {
    final Map<String, Object> attributes = new LinkedHashMap<>();
    final Map<String, String> versionOf = new LinkedHashMap<>();
    String launches = "2";
    int launched;
    final List<String> calls = new ArrayList<>();

    GroupCloud(int min, int max, int desired, int old) {
      attributes.put("min", min);
      attributes.put("max", max);
      attributes.put("desired", desired);
      for (int i = 0; i < old; i++) {
        versionOf.put("i-old" + i, "1");
      }
    }

    LiveResource live() {
      return new LiveResource(ResourceKind.AUTOSCALING_GROUP, "g", new CloudId("asg-1"), Map.copyOf(attributes), Map.of(),
          "active");
    }

    @Override
    public Future<List<GroupInstance>> groupInstances(LiveResource group) {
      List<GroupInstance> out = new ArrayList<>();
      versionOf.forEach((id, v) -> out.add(new GroupInstance(id, "InService", Lifecycle.IN_SERVICE, "Healthy", v, "a")));
      return Future.succeededFuture(out);
    }

    @Override
    public Future<Void> setCapacity(LiveResource group, Integer min, int desired) {
      calls.add("desired " + desired);
      attributes.put("desired", desired);
      while (versionOf.size() < desired) {
        versionOf.put("i-new" + launched++, launches);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> terminateInGroup(LiveResource group, String id, boolean decrement) {
      calls.add("terminate " + id + (decrement ? "" : " (replace)"));
      versionOf.remove(id);
      if (decrement) {
        attributes.put("desired", (int) attributes.get("desired") - 1);
      } else {
        versionOf.put("i-new" + launched++, launches);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<String> templateVersion(LiveResource group) {
      return Future.succeededFuture(launches);
    }

    @Override
    public Future<Void> completeLifecycle(LiveResource group, String instanceId) {
      throw new UnsupportedOperationException();
    }
  }

  final long[] now = {0};
  final List<String> progress = new ArrayList<>();

  RollingReplacement roll(GroupCloud cloud, int batch, RollingReplacement.Nodes nodes) {
    return new RollingReplacement(cloud, "web", cloud::live, nodes, progress::add, batch, Duration.ofSeconds(60),
        () -> now[0], ms -> now[0] += ms);
  }

  /** Every new instance's node is READY once the controller has looked {@code looks} times. */
  static RollingReplacement.Nodes readyAfter(GroupCloud cloud, int looks) {
    int[] seen = {0};
    return () -> {
      seen[0]++;
      Map<String, JsonObject> out = new LinkedHashMap<>();
      cloud.versionOf.keySet().forEach(id -> out.put(id, new JsonObject().put("name", id)
          .put("state", seen[0] > looks || id.startsWith("i-old") ? "READY" : "ATTESTED")));
      return out;
    };
  }

  @Test
  void growsByABatchWaitsForReadyThenRemovesAsManyOld() throws Exception {
    GroupCloud cloud = new GroupCloud(2, 5, 3, 3);
    RollingReplacement.Outcome done = roll(cloud, 2, readyAfter(cloud, 2)).roll("2");
    assertEquals(List.of("i-old0", "i-old1", "i-old2"), done.replaced());
    assertEquals(2, done.batches());
    assertTrue(cloud.versionOf.values().stream().allMatch("2"::equals), cloud.versionOf.toString());
    assertEquals(3, cloud.attributes.get("desired"), "back to its count");
    assertEquals(List.of("desired 5", "terminate i-old0", "terminate i-old1", "desired 4", "terminate i-old2"),
        cloud.calls);
    assertEquals(2000, now[0], "two pauses of the first batch, on the test's clock: no time passed");
  }

  @Test
  void atItsMaxAGroupReplacesInPlaceNeverBelowItsMin() throws Exception {
    GroupCloud cloud = new GroupCloud(1, 2, 2, 2);
    RollingReplacement.Outcome done = roll(cloud, 1, readyAfter(cloud, 0)).roll("2");
    assertEquals(2, done.replaced().size());
    assertEquals(List.of("terminate i-old0 (replace)", "terminate i-old1 (replace)"), cloud.calls);
  }

  @Test
  void aNewNodeThatFailsStopsTheRollAndWhatWasReplacedStays() throws Exception {
    GroupCloud cloud = new GroupCloud(1, 4, 2, 2);
    RollingReplacement.Nodes failing = () -> {
      Map<String, JsonObject> out = new LinkedHashMap<>();
      cloud.versionOf.keySet().forEach(id -> out.put(id, id.startsWith("i-old") ? new JsonObject().put("state", "READY")
          : new JsonObject().put("name", id).put("state", "FAILED").put("reason", "bootstrap failed\u001b[31m")));
      return out;
    };
    BatonException e = assertThrows(BatonException.class, () -> roll(cloud, 1, failing).roll("2"));
    assertEquals("new instance i-new0 (i-new0) FAILED: bootstrap failed\\x1b[31m; the roll stopped (instances replaced"
        + " so far stay replaced)", e.getMessage());
    assertTrue(cloud.versionOf.containsKey("i-old0"), "nothing old was removed for a node that failed");
  }

  @Test
  void aNodeNotReadyInTimeStopsTheRollAtItsDeadline() {
    GroupCloud cloud = new GroupCloud(1, 4, 1, 1);
    BatonException e = assertThrows(BatonException.class, () -> roll(cloud, 1, readyAfter(cloud, 1_000_000)).roll("2"));
    assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code());
    assertEquals("1 new node was not READY within 60 s (0 READY of 1 launched); the roll stopped", e.getMessage());
    assertEquals(61_000, now[0]);
  }

  @Test
  void aGroupThatCanNeitherGrowNorShrinkSaysWhatToChange() {
    GroupCloud cloud = new GroupCloud(2, 2, 2, 2);
    BatonException e = assertThrows(BatonException.class, () -> roll(cloud, 1, readyAfter(cloud, 0)).roll("2"));
    assertTrue(e.getMessage().startsWith("group web is at its max (2) and its min (2)"), e.getMessage());
  }
}
