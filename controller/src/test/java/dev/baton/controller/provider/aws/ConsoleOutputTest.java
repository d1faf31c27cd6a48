package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.attest.BootLog;
import org.junit.jupiter.api.Test;

/** What an EC2 console says of a boot, as GetConsoleOutput returns it (kernel and cloud-init stamps included). */
class ConsoleOutputTest {
  static final String FAILED = """
      [    4.120881] cloud-init[512]: Cloud-init v. 22.4.2 running 'modules:final' at Tue, 01 Dec 2026 03:00:12 +0000.
      [    4.201221] cloud-init[512]: baton: step 1/6 detect-release at 2026-12-01T03:00:12Z
      [   19.511033] cloud-init[512]: baton: step 4/6 download-agent at 2026-12-01T03:00:27Z
      [   80.110021] cloud-init[512]: curl: (7) Failed to connect to 10.0.0.5 port 7444 after 3 ms: Couldn't connect to server
      [   80.110402] cloud-init[512]: baton: FAILED at step 4 (download-agent): could not download the agent from https://10.0.0.5:7444/agent/baton-agent.jar (curl exit 7): is the controller reachable from this node?
      [   80.131577] cloud-init[512]: Cloud-init v. 22.4.2 finished at Tue, 01 Dec 2026 03:01:20 +0000. Datasource DataSourceEc2Local.  Up 80.13 seconds
      """;

  @Test
  void theFailedStepIsTheReason() {
    BootLog log = ConsoleOutput.read(FAILED);
    assertEquals("the user data failed at step 4 (download-agent): could not download the agent from"
        + " https://10.0.0.5:7444/agent/baton-agent.jar (curl exit 7): is the controller reachable from this node?",
        log.failure());
    assertTrue(log.finished());
    assertTrue(log.tail().startsWith("Cloud-init v. 22.4.2 running 'modules:final'"), "stamps cut: " + log.tail());
  }

  @Test
  void aBootUnderWaySaysNothingYet() {
    BootLog log = ConsoleOutput.read("[    1.0] Linux version 6.1\n[    4.2] cloud-init[512]: baton: step 2/6 install-packages at"
        + " 2026-12-01T03:00:12Z\n");
    assertNull(log.failure());
    assertFalse(log.finished());
    assertEquals("Linux version 6.1\nbaton: step 2/6 install-packages at 2026-12-01T03:00:12Z", log.tail());
  }
}
