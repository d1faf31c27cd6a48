package dev.baton.controller.handoff.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PuppetCa} against a real Debian puppetserver, with real {@code puppet} agents filing
 * their requests: the attested node's request is signed and the agent then runs its catalog; a
 * request naming another instance, or filed under another name, is refused and stays unsigned;
 * clean revokes and deletes.
 */
class PuppetCaIT {
  @TempDir
  static Path dir;
  static PuppetServerFixture server;
  static PuppetCa ca;

  @BeforeAll
  static void start() throws Exception {
    PuppetServerFixture.requireInstalled();
    server = new PuppetServerFixture(dir.resolve("master"));
    ca = server.ca();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theAttestedNodesRequestIsSignedAndItsAgentRunsItsCatalog() throws Exception {
    Path agent = server.agent("web-1.demo", "i-0aaaaaaaaaaaaaaa1");
    assertEquals(0, server.puppet(agent, "ssl", "submit_request"), "the agent files its request");
    assertTrue(ca.requested().stream().anyMatch(s -> "web-1.demo".equals(s.getString("name"))), "listed as requested");

    ca.signAttested("web-1.demo", "i-0aaaaaaaaaaaaaaa1");
    assertEquals(Optional.of("signed"), ca.state("web-1.demo"));

    int run = server.puppet(agent, "agent", "--test", "--detailed-exitcodes");
    assertEquals(2, run, () -> "the first run applies the catalog (exit 2: changes):\n" + server.log());
    assertEquals("instance i-0aaaaaaaaaaaaaaa1\n",
        Files.readString(server.dir.resolve("agents/web-1.demo.managed")), "the catalog saw the signed instance ID");
  }

  @Test
  void aRequestNamingAnotherInstanceIsRefusedAndStaysUnsigned() throws Exception {
    Path agent = server.agent("web-2.demo", "i-0bbbbbbbbbbbbbbb2");
    assertEquals(0, server.puppet(agent, "ssl", "submit_request"));
    BatonException e = assertThrows(BatonException.class, () -> ca.signAttested("web-2.demo", "i-0ccccccccccccccc3"));
    assertEquals(ErrorCode.PERMISSION_DENIED, e.code());
    assertTrue(e.getMessage().contains("names instance i-0bbbbbbbbbbbbbbb2, the attested instance is i-0ccccccccccccccc3"),
        e.getMessage());
    assertEquals(Optional.of("requested"), ca.state("web-2.demo"));
  }

  @Test
  void aRequestUnderAnotherNameIsNotSignedForThisNode() throws Exception {
    Path agent = server.agent("db-9.demo", "i-0ddddddddddddddd4");
    assertEquals(0, server.puppet(agent, "ssl", "submit_request"));
    // the attested node db-1 has filed nothing: db-9's request is not signed in its place
    BatonException e = assertThrows(BatonException.class, () -> ca.signAttested("db-1.demo", "i-0ddddddddddddddd4"));
    assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
    assertEquals(Optional.of("requested"), ca.state("db-9.demo"));
  }

  @Test
  void cleanRevokesAndDeletesEveryCertificateOfTheNames() throws Exception {
    Path agent = server.agent("old-1.demo", "i-0eeeeeeeeeeeeeee5");
    assertEquals(0, server.puppet(agent, "ssl", "submit_request"));
    ca.signAttested("old-1.demo", "i-0eeeeeeeeeeeeeee5");
    ca.clean(List.of("old-1.demo", "never-existed.demo"));
    assertEquals(Optional.empty(), ca.state("old-1.demo"));
  }
}
