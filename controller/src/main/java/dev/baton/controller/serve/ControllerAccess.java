package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.plan.PlatformLock;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one place the CLI's commands get their controller from: the controller of this host's
 * BATON_HOME (started in the background when a command needs one and none runs), or, with
 * {@code --controller}, a remote one, which is then the only controller any command talks to and
 * none is ever started here. Connects once per command.
 */
public final class ControllerAccess {
  private final ControllerHome home;
  private final RemoteController remote;
  private final Consumer<String> notice;
  /** The operator token for this host's controller; null: its built-in admin token, read from its home. */
  private final String localToken;
  private ControllerClient connected;

  private ControllerAccess(ControllerHome home, RemoteController remote, Consumer<String> notice, String localToken) {
    this.home = home;
    this.remote = remote;
    this.notice = notice;
    this.localToken = localToken;
  }

  /** This host's controller, the one of {@code home}, with its built-in admin token. */
  public static ControllerAccess local(ControllerHome home) {
    return new ControllerAccess(home, null, m -> { }, null);
  }

  /** This host's controller with a named operator token (BATON_TOKEN, a token file): the history names its user. */
  public static ControllerAccess local(ControllerHome home, String operatorToken) {
    return new ControllerAccess(home, null, m -> { }, operatorToken);
  }

  /** @param notice told when the remote controller's CA is pinned */
  public static ControllerAccess remote(ControllerHome home, RemoteController remote, Consumer<String> notice) {
    return new ControllerAccess(home, remote, notice, null);
  }

  /** True when a named operator token was given for this host's controller (not its built-in admin). */
  public boolean namedToken() {
    return remote == null && localToken != null;
  }

  public boolean isRemote() {
    return remote != null;
  }

  /** The remote controller's URL; null for this host's. */
  public String remoteUrl() {
    return remote == null ? null : remote.url();
  }

  /**
   * The controller if one answers: this host's if it runs; the remote one always (a refused pin
   * or an unreachable remote controller is an error, never "no controller").
   */
  public synchronized Optional<ControllerClient> find() {
    if (connected == null) {
      connected = remote != null ? remote.connect(notice) : ControllerClient.find(home).map(this::asLocalUser)
          .orElse(null);
    }
    return Optional.ofNullable(connected);
  }

  /** The controller, or UNAVAILABLE saying how to start this host's. */
  public ControllerClient require() {
    return find().orElseThrow(() -> new BatonException(ErrorCode.UNAVAILABLE, "no controller is running for "
        + home.dir().getParent() + " (start one with \"controller serve\", or run \"controller provision\"; or"
        + " reach one elsewhere with --controller https://HOST:PORT)"));
  }

  /** The controller, this host's started in the background if none runs (never when it is remote). */
  public synchronized ControllerClient ensureRunning(Path jar, Runnable onStart) {
    if (remote != null) {
      return require();
    }
    if (connected == null) {
      connected = asLocalUser(ControllerClient.ensureRunning(home, jar, onStart));
    }
    return connected;
  }

  private ControllerClient asLocalUser(ControllerClient c) {
    return localToken == null ? c : c.withToken(localToken);
  }

  /** The link to the dashboard, the operator token in its fragment (browsers never send it to a server). */
  public String dashboardUrl() throws java.io.IOException {
    if (remote != null) {
      return require().base() + "/dashboard#token=" + remote.token();
    }
    var rt = home.running().orElseThrow(() -> new BatonException(ErrorCode.UNAVAILABLE,
        "no controller is running (start one with \"controller serve\")"));
    return rt.getString("api_scheme", "http") + "://" + rt.getString("api_host", "127.0.0.1") + ":"
        + rt.getInteger("api_port") + "/dashboard#token=" + (localToken != null ? localToken : home.operatorToken());
  }

  /**
   * True when runs from elsewhere can reach the controller (remote, or this host's with its API
   * off loopback): the provisioning lock is then also a lease on the controller, so that a run here
   * and one from another host exclude each other.
   */
  boolean sharedLock() {
    return remote != null || home.running().map(rt -> "https".equals(rt.getString("api_scheme"))).orElse(false);
  }

  /** The controller's part of the provisioning lock (see {@link ClusterLeases}). */
  public PlatformLock.ClusterLock leases() {
    return ClusterLeases.of(this);
  }
}
