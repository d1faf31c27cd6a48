package dev.baton.controller.cli;

import dev.baton.controller.plan.PlatformLock;
import dev.baton.controller.definition.Scope;
import java.nio.file.Path;

/** A second process that takes a platform's lock and holds it until killed. */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    PlatformLock lock = PlatformLock.acquire(Path.of(args[0]), new Scope(args[1], args[2], null), "provision");
    System.out.println("locked");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
    lock.close();
  }
}
