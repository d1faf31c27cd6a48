package dev.baton.controller.attest;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** Looks an instance up in the cloud it runs in (DescribeInstances; the local cloud's files). */
public interface InstanceDirectory {
  Future<Optional<InstanceFacts>> describe(String instanceId);

  /**
   * The UUID of the autoscaling group the instance is in, as the cloud's autoscaling service says
   * (on AWS the Auto Scaling API, not a tag anyone allowed to tag instances could copy). By default
   * its {@code baton:group} tag, which only the local cloud itself writes.
   */
  default Future<Optional<String>> groupOf(InstanceFacts facts) {
    return Future.succeededFuture(Optional.ofNullable(facts.tags().get("baton:group")));
  }

  /**
   * Every instance this cloud runs (pending or running) for Baton's platforms, those that carry a
   * {@code baton:platform} tag: one paginated listing, never a call per instance.
   */
  default Future<List<InstanceFacts>> launched() {
    return Future.succeededFuture(List.of());
  }

  /** What the instance's boot says so far (console output, cloud-init's log); {@link BootLog#NONE} when nothing. */
  default Future<BootLog> bootLog(String instanceId) {
    return Future.succeededFuture(BootLog.NONE);
  }
}
