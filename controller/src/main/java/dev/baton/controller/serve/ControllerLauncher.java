package dev.baton.controller.serve;

import dev.baton.cloudinit.UserData;
import dev.baton.common.crypto.Fingerprints;
import dev.baton.common.msg.AgentConfig;
import dev.baton.common.msg.Registration;
import dev.baton.controller.provider.Scope;
import dev.baton.controller.provider.local.NodeLauncher;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Launches local instances the way a cloud would: the user data carries a join token the
 * controller issued for (and bound to) the new instance, the pinned CA and the endpoints.
 */
public final class ControllerLauncher implements NodeLauncher {
  private final ControllerClient client;
  private final Path agentJar;
  private String agentSha256;
  private JsonObject bootstrap;

  private final List<String> endpoints;

  public ControllerLauncher(ControllerClient client, Path agentJar) {
    this(client, agentJar, List.of());
  }

  /** @param endpoints the bridge endpoints cloud nodes are given (the platform's); empty: the controller's own */
  public ControllerLauncher(ControllerClient client, Path agentJar, List<String> endpoints) {
    this.client = client;
    this.agentJar = agentJar;
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public String userData(Scope scope, String uuid, String instanceId, String imageFamily) throws IOException {
    return render(scope, uuid, instanceId, imageFamily, Registration.EVIDENCE_LOCAL).cloudConfig();
  }

  @Override
  public byte[] cloudUserData(Scope scope, String uuid, String imageFamily) throws IOException {
    return render(scope, uuid, null, imageFamily, Registration.EVIDENCE_AWS).bytes();
  }

  @Override
  public byte[] cloudGroupUserData(Scope scope, String groupUuid, String imageFamily) throws IOException {
    return render(scope, groupUuid, null, imageFamily, Registration.EVIDENCE_AWS, true).bytes();
  }

  @Override
  public String groupUserData(Scope scope, String groupUuid, String imageFamily) throws IOException {
    return render(scope, groupUuid, null, imageFamily, Registration.EVIDENCE_LOCAL, true).cloudConfig();
  }

  private UserData.Rendered render(Scope scope, String uuid, String instanceId, String imageFamily, String evidence)
      throws IOException {
    return render(scope, uuid, instanceId, imageFamily, evidence, false);
  }

  private UserData.Rendered render(Scope scope, String uuid, String instanceId, String imageFamily, String evidence,
      boolean group) throws IOException {
    synchronized (this) {
      if (bootstrap == null) {
        bootstrap = client.get("/api/v1/bootstrap");
        agentSha256 = Fingerprints.sha256(Files.readAllBytes(agentJar));
      }
    }
    JsonObject ask = new JsonObject().put("customer", scope.customer()).put("platform", scope.platform())
        .put("env", scope.env()).put("uuid", uuid);
    if (instanceId != null) {
      ask.put("instance_id", instanceId);
    }
    if (group) {
      ask.put("group", true);
    }
    JsonObject t = client.post("/api/v1/tokens", ask);
    List<String> eps = new ArrayList<>();
    if (instanceId == null && !endpoints.isEmpty()) {
      eps.addAll(endpoints);
    } else {
      bootstrap.getJsonArray("endpoints").forEach(e -> eps.add(e.toString()));
    }
    AgentConfig cfg = new AgentConfig(eps, bootstrap.getString("ca_pem"), bootstrap.getString("ca_sha256"),
        t.getString("token"), evidence, instanceId, t.getString("name"), scope.platform(), null);
    String url = bootstrap.getString("agent_url", "https://127.0.0.1:7444/agent/baton-agent.jar");
    return UserData.render(new UserData.Input(cfg, UserData.Family.of(imageFamily), url, agentSha256));
  }

  @Override
  public void terminated(String instanceId) {
    try {
      client.post("/api/v1/nodes/" + instanceId + "/terminate", new JsonObject());
    } catch (RuntimeException e) {
      // the controller may not know it (never registered); the instance is gone either way
    }
  }
}
