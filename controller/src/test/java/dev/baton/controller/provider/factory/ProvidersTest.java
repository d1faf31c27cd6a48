package dev.baton.controller.provider.factory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the controller finds the agent jar it serves, from where its own jar is. */
class ProvidersTest {
  @TempDir
  Path dir;

  @Test
  void anInstalledControllerServesTheAgentJarInItsOwnDirectory() throws Exception {
    Path share = Files.createDirectories(dir.resolve("usr/share/baton"));
    Path self = Files.writeString(share.resolve("baton-controller.jar"), "controller");
    Path agent = Files.writeString(share.resolve("baton-agent.jar"), "agent");
    assertEquals(agent, Providers.besideJar(self));
  }

  @Test
  void aCheckoutsControllerServesTheAgentBuiltBesideIt() throws Exception {
    Path self = Files.writeString(Files.createDirectories(dir.resolve("controller/target")).resolve("baton-controller.jar"),
        "controller");
    Path agent = Files.writeString(Files.createDirectories(dir.resolve("agent/target")).resolve("baton-agent.jar"), "agent");
    assertEquals(agent, Providers.besideJar(self));
  }

  @Test
  void noAgentJarNearTheControllerIsNone() throws Exception {
    Path self = Files.writeString(Files.createDirectories(dir.resolve("a/b")).resolve("baton-controller.jar"), "c");
    assertNull(Providers.besideJar(self));
    assertNull(Providers.besideJar(null), "running from classes (tests)");
  }
}
