package dev.baton.controller.plan;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.provider.Scope;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One provisioning or destruction of a platform (in one environment) at a time on this
 * machine. An operating-system lock on a file under the Baton home: the kernel releases it
 * when its holder dies, even by kill -9, so a stale lock is simply taken over. The file says
 * who holds it, for the refusal message. (Clustered controllers use a cluster-wide lock.)
 */
public final class PlatformLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;
  private final String previousHolder;
  private ClusterLease lease;

  private PlatformLock(FileChannel channel, FileLock lock, String previousHolder) {
    this.channel = channel;
    this.lock = lock;
    this.previousHolder = previousHolder;
  }

  /**
   * The cluster-wide part of the lock, when this host's controller is a member of a cluster: a
   * lease in the cluster's lock map, renewed every 10 s while held, gone 30 s after its holder
   * died. A run through another member is refused while it is held.
   */
  static final class ClusterLease {
    private final dev.baton.controller.serve.ControllerClient controller;
    private final JsonObject lease;
    private final java.util.concurrent.ScheduledExecutorService renew;

    private ClusterLease(dev.baton.controller.serve.ControllerClient controller, JsonObject lease) {
      this.controller = controller;
      this.lease = lease;
      this.renew = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
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
      }, 10, 10, java.util.concurrent.TimeUnit.SECONDS);
    }

    static ClusterLease take(Path home, Scope scope, JsonObject me) {
      var found = dev.baton.controller.serve.ControllerClient.find(dev.baton.controller.serve.ControllerHome.of(home));
      if (found.isEmpty() || found.get().health().getJsonObject("cluster") == null) {
        return null;
      }
      String key = scope.customer() + "/" + scope.platform() + "/" + (scope.env() == null ? "-" : scope.env());
      var answer = found.get().exchange("/api/v1/locks", new JsonObject().put("scope", key).put("holder", me)
          .put("ttl_seconds", 30));
      if (answer.getKey() == 409) {
        JsonObject held = answer.getValue().getJsonObject("holder", new JsonObject());
        throw new BatonException(ErrorCode.FAILED_PRECONDITION, "refused: " + holder(held.encode(), scope)
            + (held.getString("member") == null ? "" : " through controller " + held.getString("member"))
            + "; wait for it to finish (one provisioning of a platform at a time, in the whole cluster)");
      }
      if (answer.getKey() >= 300) {
        throw new BatonException(ErrorCode.UNAVAILABLE, "the cluster's lock could not be taken: "
            + answer.getValue().getString("error", String.valueOf(answer.getKey())));
      }
      return new ClusterLease(found.get(), new JsonObject().put("scope", key).put("lease", answer.getValue()
          .getString("lease")));
    }

    void release() {
      renew.shutdownNow();
      try {
        controller.exchange("/api/v1/locks/release", lease);
      } catch (RuntimeException e) {
        // it expires by itself
      }
    }
  }

  /** Description of a dead holder whose lock was taken over, or null. */
  public String previousHolder() {
    return previousHolder;
  }

  public static Path file(Path home, Scope scope) {
    String name = scope.customer() + "--" + scope.platform() + (scope.env() == null ? "" : "--" + scope.env());
    return home.resolve("locks").resolve(name + ".lock");
  }

  /**
   * Takes the lock for {@code scope}, or throws FAILED_PRECONDITION naming the holder.
   *
   * @param command what the holder does ("provision", "destroy"), for the message others see
   */
  public static PlatformLock acquire(Path home, Scope scope, String command) {
    Path file = file(home, scope);
    try {
      Files.createDirectories(file.getParent());
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      String content = read(ch);
      if (lock == null) {
        ch.close();
        throw new BatonException(ErrorCode.FAILED_PRECONDITION, "refused: " + holder(content, scope)
            + "; wait for it to finish (one provisioning of a platform at a time)");
      }
      String previous = content.isBlank() ? null : holder(content, scope);
      JsonObject me = new JsonObject().put("command", command).put("pid", ProcessHandle.current().pid())
          .put("host", host()).put("user", System.getProperty("user.name")).put("since", Instant.now().toString());
      PlatformLock taken = new PlatformLock(ch, lock, previous);
      try {
        taken.lease = ClusterLease.take(home, scope, me);
      } catch (RuntimeException e) {
        lock.release();
        ch.close();
        throw e;
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(me.encode().getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(true);
      return taken;
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "cannot take the lock " + file + ": " + e.getMessage(), e);
    }
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
    ch.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  private static String holder(String content, Scope scope) {
    try {
      JsonObject o = new JsonObject(content);
      return o.getString("command", "a run") + " of " + scope + " is held by pid " + o.getValue("pid") + " on "
          + o.getString("host") + " (user " + o.getString("user") + ") since " + o.getString("since");
    } catch (RuntimeException e) {
      return "another run holds the lock of " + scope;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.release();
    }
    try {
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the kernel releases the lock when the channel or the process goes away
    }
  }
}
