package dev.baton.controller.attest;

import dev.baton.common.msg.Registration;
import io.vertx.core.Future;

/**
 * Evidence of the local provider: the join token, bound at launch to the instance ID the local
 * cloud gave the process, and the local cloud confirming that instance runs.
 */
public final class LocalAttestor implements Attestor {
  private final InstanceDirectory directory;

  public LocalAttestor(InstanceDirectory directory) {
    this.directory = directory;
  }

  @Override
  public String evidence() {
    return Registration.EVIDENCE_LOCAL;
  }

  @Override
  public Future<String> prove(Registration.Request request) {
    if (request.instanceId() == null || !request.instanceId().matches("^i-[0-9a-f]{8,17}$")) {
      return Future.failedFuture(new Refused("malformed_evidence", "local: no valid instance ID in the evidence"));
    }
    return Future.succeededFuture(request.instanceId());
  }

  @Override
  public Future<Void> confirm(String instanceId, TokenStore.Token token) {
    return CloudConfirmation.confirm(directory, instanceId, token);
  }
}
