package dev.baton.controller.attest;

import dev.baton.common.msg.Registration;
import io.vertx.core.Future;

/**
 * Checks one kind of evidence an agent presents (SPIRE's node attestor, controller side).
 * The registrar calls {@link #prove} before the join token is used (so the instance ID it
 * binds is one the evidence proves), and {@link #confirm} after.
 */
public interface Attestor {
  /** The evidence type handled: {@code local}, {@code aws}. */
  String evidence();

  /** The instance ID the evidence proves, or a failed future with {@link Refused}. */
  Future<String> prove(Registration.Request request);

  /** Confirms with the cloud that the instance runs and is the one the token was issued for. */
  Future<InstanceFacts> confirm(String instanceId, TokenStore.Token token);
}
