package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's text reaches the operator's terminal as text: escape sequences shown, never acted on. */
class NodeTextIT {
  static final String HOSTILE = "failed \u001b]0;owned\u0007\u001b[2J\u001b[31mred\u001b[0m \u202Egnp.exe";

  @Test
  void aReasonWithEscapeSequencesIsShownNotActedOn(@TempDir Path home) {
    System.setProperty("baton.home", home.toString());
    // the record names an instance no cloud has: reconciliation would (rightly) terminate it mid-test
    System.setProperty("baton.reconcile-delay-ms", "600000");
    try (ControllerFixture c = new ControllerFixture(home, BridgeServer.Limits.defaults())) {
      Instant now = Instant.now();
      c.server.registry().put(new NodeRecord("i-0123456789abcdef0", "web-1", "00000000-0000-4000-8000-000000000001",
          "shop", "acme", null, NodeState.FAILED, HOSTILE, List.of(new NodeRecord.Phase("FAILED", now, now, "failed")),
          null, now));
      for (String[] args : new String[][] {{"nodes"}, {"nodes", "web-1"}}) {
        CliRun run = CliRun.of(args);
        String shown = run.out() + run.err();
        assertFalse(shown.contains("\u001b") || shown.contains("\u0007") || shown.contains("\u202E"),
            String.join(" ", args) + " printed a control character: " + shown);
        assertTrue(shown.contains("failed \\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\x1b[0m \\u202egnp.exe"), shown);
      }
    } finally {
      System.clearProperty("baton.home");
      System.clearProperty("baton.reconcile-delay-ms");
    }
  }
}
