package dev.baton.controller.provider.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalInstancesIT {
  @Test
  void aProcessIsAnInstanceOnlyWhenItsCommandLineNamesExactlyThatInstance(@TempDir Path root) throws Exception {
    // a live process started for i-12 (its pid also recorded, as if reused, for i-1)
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 60", "-Dbaton.instance=i-12").start();
    try {
      for (String id : new String[] {"i-1", "i-12"}) {
        Path dir = root.resolve("instance-data").resolve(id);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pid"), Long.toString(p.pid()));
      }
      assertTrue(LocalInstances.alive(root, "i-12"));
      assertFalse(LocalInstances.alive(root, "i-1"), "a prefix of the instance named is another instance");
      assertFalse(LocalInstances.alive(root, "i-2"), "no pid file");
    } finally {
      p.destroyForcibly();
    }
    p.waitFor();
    assertFalse(LocalInstances.alive(root, "i-12"), "a process that exited is no instance");
  }
}
