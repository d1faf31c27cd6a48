package dev.baton.controller.attest;

import io.vertx.core.Future;
import java.util.Optional;

/** Looks an instance up in the cloud it runs in (DescribeInstances; the local cloud's files). */
public interface InstanceDirectory {
  Future<Optional<InstanceFacts>> describe(String instanceId);
}
