package dev.baton.controller.fleet;

import dev.baton.cloudinit.UserData;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.Registration;
import dev.baton.controller.attest.TokenStore;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.local.NodeLauncher;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * This controller as the local cloud's launcher (a group's launch template, a terminated node):
 * user data rendered in-process, tokens issued in-process (never through the controller's own
 * API) and stored before an instance can present them.
 */
public final class SelfLauncher implements NodeLauncher {
  private final NodeUserData userData;
  private final TokenStore tokens;
  private final NodeRegistry registry;

  public SelfLauncher(NodeUserData userData, TokenStore tokens, NodeRegistry registry) {
    this.userData = userData;
    this.tokens = tokens;
    this.registry = registry;
  }

  @Override
  public UserData.Rendered userData(Scope scope, String uuid, String instanceId) {
    return stored(userData.render(ask(scope, uuid, instanceId, false)));
  }

  @Override
  public UserData.Rendered groupUserData(Scope scope, String groupUuid) {
    return stored(userData.render(ask(scope, groupUuid, null, true)));
  }

  private static NodeUserData.Ask ask(Scope scope, String uuid, String instanceId, boolean group) {
    return new NodeUserData.Ask(scope.customer(), scope.platform(), scope.env(), uuid, instanceId, group,
        Registration.EVIDENCE_LOCAL, group ? Duration.ofDays(365) : TokenStore.DEFAULT_TTL);
  }

  /** The token is on disk before the instance can present it (the local cloud calls this from a worker thread). */
  private UserData.Rendered stored(UserData.Rendered r) {
    try {
      Future.all(tokens.sync(), registry.sync()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "the join token could not be stored: " + e.getMessage(), e);
    }
    return r;
  }

  @Override
  public void terminated(String instanceId) {
    registry.get(instanceId).filter(n -> n.state() != NodeState.TERMINATED).ifPresent(n -> registry.advance(instanceId,
        NodeState.TERMINATED, "terminated", "instance " + instanceId + " was terminated"));
  }

  @Override
  public void progress(String message) {
    Logger.getLogger("baton.machines").info(message);
  }
}
