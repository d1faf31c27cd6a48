package dev.baton.controller.attest;

import java.time.Instant;
import java.util.Map;

/**
 * What the cloud says of an instance: to confirm an attestation, and to see the nodes it launched.
 *
 * @param launched when the cloud launched it, or null when it does not say
 */
public record InstanceFacts(String instanceId, String state, Map<String, String> tags, String privateIp,
    Instant launched) {
  public InstanceFacts(String instanceId, String state, Map<String, String> tags) {
    this(instanceId, state, tags, null, null);
  }

  public InstanceFacts(String instanceId, String state, Map<String, String> tags, String privateIp) {
    this(instanceId, state, tags, privateIp, null);
  }

  public String uuid() {
    return tags.get("baton:uuid");
  }

  /** The UUID of the group that launched it, by its tag (membership itself is the cloud's group API's word). */
  public String groupTag() {
    return tags.get("baton:group");
  }

  public boolean running() {
    return "running".equals(state);
  }
}
