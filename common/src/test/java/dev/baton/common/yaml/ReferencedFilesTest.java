package dev.baton.common.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReferencedFilesTest {
  private final Path home = Path.of("/srv/baton");
  private final Path inHome = home.resolve("controller/hooks.yaml");

  @Test
  void aRelativePathIsReadRelativeToItsFileAndMayGoAnywhereInTheHome() {
    assertEquals(home.resolve("controller/slack-url"), ReferencedFiles.resolve(inHome, "url_file", "slack-url", home));
    assertEquals(home.resolve("secrets/slack-url"), ReferencedFiles.resolve(inHome, "url_file", "../secrets/slack-url", home));
  }

  @Test
  void aRelativePathThatLeadsOutOfTheHomeIsRefusedWithTheKeyAndTheWayOut() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferencedFiles.resolve(inHome, "url_file", "../../../../etc/shadow", home));
    assertEquals("url_file \"../../../../etc/shadow\" leads out of /srv/baton; keep the file under /srv/baton"
        + " or write its absolute path", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ReferencedFiles.resolve(inHome, "k", "a/../../../b", home));
  }

  @Test
  void aFileOutsideTheHomeKeepsItsReferencesInItsOwnDirectory() {
    Path elsewhere = Path.of("/tmp/try/hooks.yaml");
    assertEquals(Path.of("/tmp/try/x/secret"), ReferencedFiles.resolve(elsewhere, "k", "x/./secret", home));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferencedFiles.resolve(elsewhere, "k", "../secret", home));
    assertTrue(e.getMessage().contains("leads out of /tmp/try"), e.getMessage());
  }

  @Test
  void noConfigurationReadsTheControllersOwnKeys() {
    IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
        () -> ReferencedFiles.resolve(inHome, "password_file", "ca/ca.key", home));
    assertEquals("password_file \"ca/ca.key\" names the controller's own controller/ca, which no configuration file"
        + " may read (a hook would send it elsewhere)", key.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ReferencedFiles.resolve(inHome, "secret_file", "/srv/baton/controller/operator-token", home));
    assertThrows(IllegalArgumentException.class,
        () -> ReferencedFiles.resolve(inHome, "url_file", "../controller/./puppet-ca/ca_key.pem", home));
  }

  @Test
  void anAbsolutePathIsTheOperatorsChoice() {
    assertEquals(Path.of("/etc/baton/slack-url"), ReferencedFiles.resolve(inHome, "url_file", "/etc/baton/./slack-url", home));
  }
}
