package dev.baton.controller.attest;

import java.util.Map;

/** What the cloud says of an instance, to confirm an attestation. */
public record InstanceFacts(String instanceId, String state, Map<String, String> tags, String privateIp) {
  public InstanceFacts(String instanceId, String state, Map<String, String> tags) {
    this(instanceId, state, tags, null);
  }

  public String uuid() {
    return tags.get("baton:uuid");
  }

  public boolean running() {
    return "running".equals(state);
  }
}
