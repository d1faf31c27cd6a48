package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.definition.Scope;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The controller's part of the provisioning lock: a lease in its lock map ({@code POST
 * /api/v1/locks}; the cluster's, when it is a member of one), renewed every 10 s while held, gone
 * 30 s after its holder died. Taken when the controller is a cluster member, when it is remote, or
 * when its API can be reached from elsewhere (runs from several hosts must exclude each other; the
 * file lock only covers this host). A run through another member or host is refused while it is held.
 */
public final class ClusterLeases implements PlatformLock.ClusterLock {
  private final ControllerAccess access;

  private ClusterLeases(ControllerAccess access) {
    this.access = access;
  }

  /** The leases of the controller {@code access} reaches. */
  static PlatformLock.ClusterLock of(ControllerAccess access) {
    return new ClusterLeases(access);
  }

  @Override
  public PlatformLock.Lease take(Scope scope, JsonObject me) {
    var found = access.find();
    if (found.isEmpty() || !access.sharedLock() && found.get().health().getJsonObject("cluster") == null) {
      return null;
    }
    String key = scope.key();
    var answer = found.get().exchange("/api/v1/locks", new JsonObject().put("scope", key).put("holder", me)
        .put("ttl_seconds", 30));
    if (answer.getKey() == 409) {
      JsonObject held = answer.getValue().getJsonObject("holder", new JsonObject());
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "refused: " + PlatformLock.holder(held.encode(), scope)
          // an unclustered controller calls itself "this controller": no member to name
          + (held.getString("member") == null || held.getString("member").equals("this controller") ? ""
              : " through controller " + held.getString("member"))
          + (access.isRemote() ? " (lock of the controller at " + access.remoteUrl() + ")" : "")
          + "; wait for it to finish (one provisioning of a platform at a time, in the whole cluster and from every host)");
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
