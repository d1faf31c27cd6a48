package dev.baton.controller.fleet;

import dev.baton.common.text.NodeText;
import dev.baton.controller.attest.BootLog;
import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.attest.InstanceFacts;
import dev.baton.controller.groups.NodeNames;
import dev.baton.controller.intent.CloudIntent;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.intent.NodeIntent;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Makes nodes that never register visible. Every instance a cloud launched for a node of a
 * platform (its {@code baton:uuid} or {@code baton:group} tag names an intent) is a node record
 * from launch: {@code LAUNCHED}, with the time since. A LAUNCHED node whose boot says it failed
 * (Baton's script stopped at a step, cloud-init finished with errors, a local agent process
 * ended) is FAILED with that line at once; one that has not registered by the deadline (15 minutes
 * unless told) is FAILED with the tail of its boot output. FAILED is announced like any failure. A
 * node that registers after all goes on from there.
 *
 * <p>One listing per cloud (account and region, or the local cloud) per pass, and a boot log read
 * only for nodes still LAUNCHED, at most once a minute each.
 */
public final class LaunchWatch {
  private static final Logger LOG = Logger.getLogger("baton.launch");
  /** Before this, a boot that says nothing is not looked at. */
  static final Duration FIRST_LOOK = Duration.ofSeconds(20);
  static final Duration LOOK_EVERY = Duration.ofSeconds(60);

  private final NodeRegistry registry;
  private final IntentStore intents;
  private final Function<CloudIntent, InstanceDirectory> directories;
  private final Supplier<Instant> clock;
  private final Duration deadline;
  private final Map<String, Instant> lastLook = new ConcurrentHashMap<>();

  /**
   * @param directories the cloud of an intent's {@code cloud} (null: the local cloud)
   * @param deadline how long a launched node has to register
   */
  public LaunchWatch(NodeRegistry registry, IntentStore intents, Function<CloudIntent, InstanceDirectory> directories,
      Supplier<Instant> clock, Duration deadline) {
    this.registry = registry;
    this.intents = intents;
    this.directories = directories;
    this.clock = clock;
    this.deadline = deadline;
  }

  public Duration deadline() {
    return deadline;
  }

  /** One pass: new launches recorded, boots read, deadlines applied. Never fails (a cloud that does not answer waits). */
  public Future<Void> run() {
    // each cloud once (records are equal when their fields are); the local cloud is null
    java.util.Set<CloudIntent> clouds = new java.util.LinkedHashSet<>();
    Map<String, NodeIntent> byKey = intents.all();
    byKey.values().forEach(intent -> clouds.add(intent.cloud()));
    List<Future<Void>> all = new ArrayList<>();
    for (CloudIntent cloud : clouds) {
      InstanceDirectory dir = directories.apply(cloud);
      all.add(dir.launched().map(list -> {
        list.forEach(i -> record(i, byKey));
        return (Void) null;
      }).recover(err -> {
        LOG.fine(() -> "listing instances: " + err.getMessage());
        return Future.succeededFuture();
      }));
    }
    return Future.join(all).transform(ar -> checkLaunched());
  }

  /** An instance of a platform that has no node yet: recorded LAUNCHED at its launch time. */
  private void record(InstanceFacts i, Map<String, NodeIntent> byKey) {
    if (registry.get(i.instanceId()).isPresent()) {
      return;
    }
    Map<String, String> t = i.tags();
    String uuid = i.uuid() != null ? i.uuid() : i.groupTag();
    if (uuid == null) {
      return;
    }
    String customer = t.get("baton:customer");
    String platform = t.get("baton:platform");
    String env = t.get("baton:env");
    NodeIntent intent = byKey.get(IntentStore.key(customer, platform, env, uuid));
    if (intent == null) {
      return; // not a node Baton was told of
    }
    boolean group = intent.isGroup();
    if (group != (i.uuid() == null)) {
      return;
    }
    String name = group ? NodeNames.ofGroupNode(intent, platform, env, i.instanceId()) : (intent.name() == null ? uuid : intent.name());
    Instant at = i.launched() != null && i.launched().isBefore(clock.get()) ? i.launched() : clock.get();
    registry.put(new NodeRecord(i.instanceId(), name, uuid, platform, customer, env, NodeState.LAUNCHED, null,
        List.of(new NodeRecord.Phase(NodeState.LAUNCHED.name(), at, null, null)), null, clock.get()));
    LOG.info(() -> "node=" + i.instanceId() + " (" + name + ") launched at " + at + ": LAUNCHED");
  }

  private Future<Void> checkLaunched() {
    Instant now = clock.get();
    List<Future<Void>> all = new ArrayList<>();
    for (NodeRecord n : registry.all()) {
      if (n.state() != NodeState.LAUNCHED) {
        lastLook.remove(n.id());
        continue;
      }
      Instant since = launchedAt(n);
      Duration age = Duration.between(since, now);
      Instant looked = lastLook.get(n.id());
      boolean late = age.compareTo(deadline) >= 0;
      if (!late && (age.compareTo(FIRST_LOOK) < 0 || looked != null && Duration.between(looked, now).compareTo(LOOK_EVERY) < 0)) {
        continue;
      }
      lastLook.put(n.id(), now);
      InstanceDirectory dir = directories.apply(cloudOf(n).orElse(null));
      all.add(dir.bootLog(n.id()).recover(err -> Future.succeededFuture(BootLog.NONE)).map(log -> {
        String why = reason(log, late, age);
        if (why != null) {
          fail(n.id(), why);
        }
        return (Void) null;
      }));
    }
    return Future.join(all).mapEmpty();
  }

  /** Why a LAUNCHED node is FAILED now, or null while it may still register. */
  String reason(BootLog log, boolean late, Duration age) {
    if (log.failure() != null) {
      return NodeText.oneLine(log.failure(), NodeText.MAX_REASON);
    }
    if (!late) {
      return null;
    }
    String tail = log.tail() == null || log.tail().isBlank() ? "no boot output to read"
        : "its boot output ends: " + log.tail().lines().reduce((a, b) -> b).orElse("");
    return NodeText.oneLine("did not register within " + minutes(deadline) + " of its launch (" + minutes(age)
        + " ago); " + tail, NodeText.MAX_REASON);
  }

  private void fail(String id, String why) {
    registry.get(id).filter(n -> n.state() == NodeState.LAUNCHED).ifPresent(n -> {
      registry.advance(id, NodeState.FAILED, "failed", why);
      LOG.warning(() -> "node=" + id + " (" + n.name() + ") state=FAILED reason=" + why);
    });
  }

  private Optional<CloudIntent> cloudOf(NodeRecord n) {
    return intents.get(n.scope(), n.uuid()).map(NodeIntent::cloud);
  }

  private static Instant launchedAt(NodeRecord n) {
    return n.timeline().stream().filter(p -> p.name().equals(NodeState.LAUNCHED.name())).map(NodeRecord.Phase::start)
        .reduce((a, b) -> b).orElse(n.updated());
  }

  private static String minutes(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + " s" : (s / 60) + " min";
  }
}
