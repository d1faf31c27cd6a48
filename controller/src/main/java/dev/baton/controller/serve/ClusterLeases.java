package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.definition.Scope;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster-wide part of the provisioning lock, when this host's controller is a member of a
 * cluster: a lease in the cluster's lock map ({@code POST /api/v1/locks}), renewed every 10 s while
 * held, gone 30 s after its holder died. A run through another member is refused while it is held.
 */
public final class ClusterLeases implements PlatformLock.ClusterLock {
  private final Path home;

  private ClusterLeases(Path home) {
    this.home = home;
  }

  /** The leases of the controller that {@code home} says is running. */
  public static PlatformLock.ClusterLock of(Path home) {
    return new ClusterLeases(home);
  }

  @Override
  public PlatformLock.Lease take(Scope scope, JsonObject me) {
    var found = ControllerClient.find(ControllerHome.of(home));
    if (found.isEmpty() || found.get().health().getJsonObject("cluster") == null) {
      return null;
    }
    String key = scope.key();
    var answer = found.get().exchange("/api/v1/locks", new JsonObject().put("scope", key).put("holder", me)
        .put("ttl_seconds", 30));
    if (answer.getKey() == 409) {
      JsonObject held = answer.getValue().getJsonObject("holder", new JsonObject());
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "refused: " + PlatformLock.holder(held.encode(), scope)
          + (held.getString("member") == null ? "" : " through controller " + held.getString("member"))
          + "; wait for it to finish (one provisioning of a platform at a time, in the whole cluster)");
    }
    if (answer.getKey() >= 300) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "the cluster's lock could not be taken: "
          + answer.getValue().getString("error", String.valueOf(answer.getKey())));
    }
    return new Held(found.get(), new JsonObject().put("scope", key).put("lease", answer.getValue().getString("lease")));
  }

  private static final class Held implements PlatformLock.Lease {
    private final ControllerClient controller;
    private final JsonObject lease;
    private final ScheduledExecutorService renew;

    Held(ControllerClient controller, JsonObject lease) {
      this.controller = controller;
      this.lease = lease;
      this.renew = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "baton-lock-lease");
        t.setDaemon(true);
        return t;
      });
      renew.scheduleAtFixedRate(() -> {
        try {
          controller.exchange("/api/v1/locks/renew", lease);
        } catch (RuntimeException e) {
          // the next renewal tries again; the lease lasts 30 s
        }
      }, 10, 10, TimeUnit.SECONDS);
    }

    @Override
    public void release() {
      renew.shutdownNow();
      try {
        controller.exchange("/api/v1/locks/release", lease);
      } catch (RuntimeException e) {
        // it expires by itself
      }
    }
  }
}
