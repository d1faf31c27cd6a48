package dev.baton.controller.attest;

import dev.baton.common.msg.LocalIdentity;
import dev.baton.common.msg.Registration;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Evidence of the local provider: the identity document the local cloud gave the instance (its ID
 * and a secret only it was given, checked against the hash the local cloud kept), then the local
 * cloud confirming that instance runs and is the token's. An agent that only names an instance
 * proves nothing and is refused.
 */
public final class LocalAttestor implements Attestor {
  private final InstanceDirectory directory;
  private final Function<LocalIdentity, Future<Boolean>> identities;

  /** @param identities whether a document is the one the local cloud gave the instance it names */
  public LocalAttestor(InstanceDirectory directory, Function<LocalIdentity, Future<Boolean>> identities) {
    this.directory = directory;
    this.identities = identities;
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
    LocalIdentity doc;
    try {
      doc = request.document() == null ? null : LocalIdentity.fromJson(new JsonObject(request.document()));
    } catch (RuntimeException e) {
      doc = null;
    }
    if (doc == null || doc.secret() == null) {
      return Future.failedFuture(new Refused("unproven_instance", "local: instance " + request.instanceId()
          + " is named but not proven (no identity document)"));
    }
    if (!request.instanceId().equals(doc.instanceId())) {
      return Future.failedFuture(new Refused("forged_document", "local: the agent claims " + request.instanceId()
          + " but its identity document is of " + doc.instanceId()));
    }
    return identities.apply(doc).compose(ok -> ok ? Future.succeededFuture(request.instanceId())
        : Future.failedFuture(new Refused("unproven_instance", "local: the identity document of " + request.instanceId()
            + " is not the one the local cloud gave it")));
  }

  @Override
  public Future<InstanceFacts> confirm(String instanceId, TokenStore.Token token) {
    return CloudConfirmation.confirm(directory, instanceId, token);
  }
}
