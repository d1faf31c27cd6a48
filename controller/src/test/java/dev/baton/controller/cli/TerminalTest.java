package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class TerminalTest {
  @Test
  void aNodesLinesStayLinesEachIndentedAndNoneCanDriveTheTerminal() {
    String shown = Terminal.safeLines("validate exited with 1\r\n  | \u001b[2Jcleared\u0007\nlast", 600, "    ");
    assertEquals("validate exited with 1\n      | \\x1b[2Jcleared\\x07\n    last", shown);
    assertFalse(shown.chars().anyMatch(c -> c < 0x20 && c != '\n'), "no control character but the line breaks");
  }

  @Test
  void aLongReasonIsCutAndMarked() {
    assertEquals("abc…", Terminal.safeLines("abcdef", 3, ""));
  }
}
