package dev.baton.controller.serve;

import dev.baton.cloudinit.UserData;
import dev.baton.common.msg.Registration;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.local.NodeLauncher;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Launches nodes the way a cloud would, through a running controller's API: the controller renders
 * each node's user data from its intent, with a join token issued for (and, locally, bound to) the
 * new instance.
 */
public final class ControllerLauncher implements NodeLauncher {
  private final ControllerClient client;
  private final Consumer<String> progress;

  public ControllerLauncher(ControllerClient client) {
    this(client, m -> { });
  }

  /** @param progress hears long work under way (a machine image being made) */
  public ControllerLauncher(ControllerClient client, Consumer<String> progress) {
    this.client = client;
    this.progress = progress;
  }

  @Override
  public UserData.Rendered userData(Scope scope, String uuid, String instanceId) throws IOException {
    return render(scope, uuid, instanceId, false, Registration.EVIDENCE_LOCAL);
  }

  @Override
  public UserData.Rendered groupUserData(Scope scope, String groupUuid) throws IOException {
    return render(scope, groupUuid, null, true, Registration.EVIDENCE_LOCAL);
  }

  @Override
  public byte[] cloudUserData(Scope scope, String uuid) throws IOException {
    return render(scope, uuid, null, false, Registration.EVIDENCE_AWS).bytes();
  }

  @Override
  public byte[] cloudGroupUserData(Scope scope, String groupUuid) throws IOException {
    return render(scope, groupUuid, null, true, Registration.EVIDENCE_AWS).bytes();
  }

  private UserData.Rendered render(Scope scope, String uuid, String instanceId, boolean group, String evidence) {
    JsonObject ask = new JsonObject().put("customer", scope.customer()).put("platform", scope.platform())
        .put("env", scope.env()).put("uuid", uuid).put("instance_id", instanceId).put("group", group)
        .put("evidence", evidence);
    return dev.baton.cloudinit.UserData.Rendered.fromJson(client.post("/api/v1/user-data", ask));
  }

  @Override
  public void terminated(String instanceId) {
    try {
      client.post("/api/v1/nodes/" + instanceId + "/terminate", new JsonObject());
    } catch (RuntimeException e) {
      // the controller may not know it (never registered); the instance is gone either way
    }
  }

  @Override
  public void progress(String message) {
    progress.accept(message);
  }
}
