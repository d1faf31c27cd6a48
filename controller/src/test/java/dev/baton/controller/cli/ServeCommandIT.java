package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code controller serve} started as a user starts it, where it cannot listen. */
class ServeCommandIT {
  @Test
  void serveOnAPortInUseSaysWhichAndWhatToDo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
    System.setProperty("baton.home", home.toString());
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliRun run = CliRun.of("serve", "--api-port", "0", "--download-port", "0", "--bridge-port",
          String.valueOf(taken.getLocalPort()));
      assertEquals(ExitCodes.FAILED, run.exitCode(), run.err());
      assertTrue(run.err().contains("the bridge port 127.0.0.1:" + taken.getLocalPort() + " cannot be used (Address"
          + " already in use)"), run.err());
      assertTrue(run.err().contains("choose another port with --bridge-port"), run.err());
      assertFalse(run.err().contains("internal error"), run.err());
    } finally {
      System.clearProperty("baton.home");
    }
  }
}
