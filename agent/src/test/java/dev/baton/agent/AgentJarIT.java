package dev.baton.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The agent runs on every node: its jar must stay small and carry no controller-side library. */
class AgentJarIT {
  static final Path JAR = Path.of("target/baton-agent.jar");

  @Test
  void agentJarCarriesNeitherHazelcastNorTheAwsSdk() throws IOException {
    assertTrue(Files.exists(JAR), "run after mvn package");
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> forbidden = jar.stream().map(e -> e.getName())
          .filter(n -> n.startsWith("com/hazelcast/") || n.startsWith("software/amazon/")
              || n.startsWith("io/vertx/spi/cluster/") || n.startsWith("picocli/"))
          .limit(5).toList();
      assertEquals(List.of(), forbidden, "classes that do not belong in the agent");
      assertEquals("dev.baton.agent.AgentMain", jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  void agentJarIsSmall() throws IOException {
    long size = Files.size(JAR);
    assertTrue(size < 15 * 1024 * 1024, "agent jar is " + size + " bytes");
  }
}
