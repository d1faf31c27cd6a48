package dev.baton.common.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.common.text.NodeText;
import org.junit.jupiter.api.Test;

class NodeTextTest {
  @Test
  void aNodesTextBecomesOneBoundedLineWithoutControlCharacters() {
    assertEquals("line one | line two", NodeText.oneLine("line one\r\nline two\n", 100));
    assertEquals("red bell", NodeText.oneLine("\u001b[31mred\u001b[0m bell\u0007 \u001b]0;title\u0007", 100));
    assertEquals("abcdefghij…", NodeText.oneLine("abcdefghijklmnop", 10));
    assertEquals("evil.com/txt.exe", NodeText.oneLine("evil.com/\u202Eexe.txt".replace("exe.txt", "txt.exe"), 100),
        "bidi overrides, which disguise what is shown, are dropped");
    assertEquals("a b", NodeText.oneLine("a\u001bP1;2q\u001b\\ b", 100), "a device control string goes whole");
  }
}
