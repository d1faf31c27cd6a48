package dev.baton.controller.groups;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.text.NodeText;
import dev.baton.controller.provider.AutoscalingGroups;
import dev.baton.controller.provider.LiveResource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Replaces, a batch at a time, every instance of a group launched from a launch-template version
 * other than the current one (update-launch-template --roll). A batch first grows the group by its
 * size (up to max), waits until the new nodes are READY, then removes as many old ones; at max it
 * replaces in place, never below min. A new node that FAILS, or is not READY in time, stops the
 * roll: what was replaced stays replaced. The clock and the pause between looks are injected, so
 * the roll is tested without waiting.
 */
public final class RollingReplacement {
  /** The group as the cloud has it now. */
  public interface Group {
    LiveResource live() throws Exception;
  }

  /** The controller's node records of the group's instances, by instance ID. */
  public interface Nodes {
    Map<String, JsonObject> byInstance();
  }

  /** Waits between two looks at the group (a real sleep in production). */
  public interface Pause {
    void pause(long millis) throws InterruptedException;
  }

  /** What a roll did. */
  public record Outcome(List<String> replaced, int batches) {}

  private final AutoscalingGroups groups;
  private final String groupName;
  private final Group group;
  private final Nodes nodes;
  private final Consumer<String> progress;
  private final int batchSize;
  private final Duration healthWait;
  private final LongSupplier clock;
  private final Pause pause;

  public RollingReplacement(AutoscalingGroups groups, String groupName, Group group, Nodes nodes, Consumer<String> progress,
      int batchSize, Duration healthWait, LongSupplier clock, Pause pause) {
    this.groups = groups;
    this.groupName = groupName;
    this.group = group;
    this.nodes = nodes;
    this.progress = progress;
    this.batchSize = batchSize;
    this.healthWait = healthWait;
    this.clock = clock;
    this.pause = pause;
  }

  /** Instances on their way out (not counted, not acted on). */
  public static boolean leaving(AutoscalingGroups.GroupInstance i) {
    return i.lifecycle() != null && i.lifecycle().leaving();
  }

  /** Rolls until every instance runs {@code current}. */
  public Outcome roll(String current) throws Exception {
    List<String> replaced = new ArrayList<>();
    int batch = 0;
    while (true) {
      LiveResource live = group.live();
      List<AutoscalingGroups.GroupInstance> all = await(groups.groupInstances(live)).stream().filter(i -> !leaving(i))
          .toList();
      List<String> outdated = all.stream().filter(i -> !current.equals(i.templateVersion()))
          .map(AutoscalingGroups.GroupInstance::id).toList();
      if (outdated.isEmpty()) {
        return new Outcome(List.copyOf(replaced), batch);
      }
      int min = number(live.attributes().get("min"));
      int max = number(live.attributes().get("max"));
      int desired = live.attributes().get("desired") != null ? number(live.attributes().get("desired")) : min;
      int n = Math.min(batchSize, outdated.size());
      int surge = Math.min(n, max - desired);
      batch++;
      Set<String> known = new HashSet<>(all.stream().map(AutoscalingGroups.GroupInstance::id).toList());
      List<String> old = outdated.subList(0, surge > 0 ? surge : Math.min(n, desired - min));
      if (old.isEmpty()) {
        throw new BatonException(ErrorCode.FAILED_PRECONDITION, "group " + groupName + " is at its max (" + max
            + ") and its min (" + min + "): it can neither grow nor shrink to replace an instance; raise max or lower min");
      }
      long t0 = clock.getAsLong();
      if (surge > 0) {
        progress.accept("batch " + batch + ": launching " + surge + " (desired " + desired + " -> " + (desired + surge)
            + ")");
        await(groups.setCapacity(live, null, desired + surge));
        List<String> fresh = waitReady(known, current, surge);
        progress.accept("batch " + batch + ": " + String.join(", ", fresh) + " READY in " + seconds(clock.getAsLong() - t0)
            + "; terminating " + String.join(", ", old));
        for (String id : old) {
          await(groups.terminateInGroup(live, id, true));
        }
      } else {
        progress.accept("batch " + batch + ": at max " + max + "; terminating " + String.join(", ", old)
            + " for replacements");
        for (String id : old) {
          await(groups.terminateInGroup(live, id, false));
        }
        List<String> fresh = waitReady(known, current, old.size());
        progress.accept("batch " + batch + ": " + String.join(", ", fresh) + " READY in " + seconds(clock.getAsLong() - t0));
      }
      replaced.addAll(old);
    }
  }

  /** Waits for {@code count} new instances of {@code current} whose nodes are READY; fails on a FAILED one. */
  private List<String> waitReady(Set<String> known, String current, int count) throws Exception {
    long deadline = clock.getAsLong() + healthWait.toMillis();
    while (true) {
      LiveResource live = group.live();
      List<String> fresh = await(groups.groupInstances(live)).stream().filter(i -> !known.contains(i.id())
          && !leaving(i) && current.equals(i.templateVersion())).map(AutoscalingGroups.GroupInstance::id).toList();
      Map<String, JsonObject> byInstance = nodes.byInstance();
      List<String> ready = new ArrayList<>();
      for (String id : fresh) {
        JsonObject node = byInstance.get(id);
        if (node != null && "FAILED".equals(node.getString("state"))) {
          throw new BatonException(ErrorCode.FAILED_PRECONDITION, "new instance " + id + " (" + node.getString("name")
              + ") FAILED: " + NodeText.visible(node.getString("reason"), 500)
              + "; the roll stopped (instances replaced so far stay replaced)");
        }
        if (node != null && "READY".equals(node.getString("state"))) {
          ready.add(id);
        }
      }
      if (ready.size() >= count) {
        return ready.subList(0, count);
      }
      if (clock.getAsLong() > deadline) {
        throw new BatonException(ErrorCode.DEADLINE_EXCEEDED, count + " new node" + (count == 1 ? " was" : "s were")
            + " not READY within " + healthWait.toSeconds() + " s (" + ready.size() + " READY of " + fresh.size()
            + " launched); the roll stopped");
      }
      pause.pause(1000);
    }
  }

  private static String seconds(long millis) {
    return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private static int number(Object o) {
    return o instanceof Number n ? n.intValue() : 0;
  }
}
