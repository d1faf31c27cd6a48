package dev.baton.controller.plan;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.Scope;
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
 * who holds it, for the refusal message. Clustered controllers add a cluster-wide lease
 * ({@link ClusterLock}).
 */
public final class PlatformLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;
  private final String previousHolder;
  private Lease lease;

  private PlatformLock(FileChannel channel, FileLock lock, String previousHolder) {
    this.channel = channel;
    this.lock = lock;
    this.previousHolder = previousHolder;
  }

  /**
   * The cluster-wide part of the lock, when the controllers form a cluster (the cluster provides it:
   * {@code serve.ClusterLeases}); this package knows only this.
   */
  public interface ClusterLock {
    /** No cluster: the file lock is the whole lock. */
    ClusterLock NONE = (scope, holder) -> null;

    /**
     * Takes the scope's lease for {@code holder}, or throws FAILED_PRECONDITION naming who holds it.
     *
     * @return the lease, released when the lock is closed; null when there is no cluster
     */
    Lease take(Scope scope, JsonObject holder);
  }

  /** A lease of the cluster-wide lock. */
  public interface Lease {
    void release();
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
    return acquire(home, scope, command, ClusterLock.NONE);
  }

  /** {@link #acquire(Path, Scope, String)}, and the cluster's lease when the controllers form one. */
  public static PlatformLock acquire(Path home, Scope scope, String command, ClusterLock cluster) {
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
        taken.lease = cluster.take(scope, me);
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

  /** "provision of acme/shop/prod is held by pid 42 on ops-1 (user deploy) since ..." from a holder's JSON. */
  public static String holder(String content, Scope scope) {
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
