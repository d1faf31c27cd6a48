package dev.baton.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Utf8TextTest {

  private static byte[] bytes(String utf8Before, int... after) {
    byte[] head = utf8Before.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + after.length];
    System.arraycopy(head, 0, all, 0, head.length);
    for (int i = 0; i < after.length; i++) {
      all[head.length + i] = (byte) after[i];
    }
    return all;
  }

  @Test
  void utf8TextIsReturnedWhole() throws Exception {
    assertEquals("café 🏔\n", Utf8Text.decode("café 🏔\n".getBytes(StandardCharsets.UTF_8)));
  }

  /** Lines and columns as SnakeYAML counts them: code points, the BOM not a column, CR alone a break. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a Latin-1 e acute on line 2     | a: 1\\nb: caf         | 2 | 7",
      "after two-byte characters        | x: ÀÉÎ              | 1 | 7",
      "after an emoji (two UTF-16 units)| x: 🏔🏔              | 1 | 6",
      "CR LF is one break               | a: 1\\r\\nb: 2\\r\\nc: | 3 | 3",
      "CR alone is a break              | a: 1\\rb:               | 2 | 3",
      "NEL, LS and PS are breaks        | a\u0085b\u2028c\u2029d  | 4 | 2",
      "the byte order mark is no column | \uFEFFa:               | 1 | 3",
      "the very first byte              | ''                    | 1 | 1"})
  void theFirstBadByteIsPlaced(String why, String before, int line, int column) {
    String text = before.replace("\\n", "\n").replace("\\r", "\r");
    Utf8Text.NotUtf8Exception e = assertThrows(Utf8Text.NotUtf8Exception.class,
        () -> Utf8Text.decode(bytes(text, 0xE9, 'x')), why);
    assertEquals(line, e.line(), why + ": line");
    assertEquals(column, e.column(), why + ": column");
    assertEquals("0xE9", e.hex());
    assertEquals(text.getBytes(StandardCharsets.UTF_8).length, e.offset());
  }

  @Test
  void aSequenceCutAtTheEndOfTheFileIsPlacedAtItsFirstByte() {
    Utf8Text.NotUtf8Exception e = assertThrows(Utf8Text.NotUtf8Exception.class,
        () -> Utf8Text.decode(bytes("a: b", 0xC3)));
    assertEquals(1, e.line());
    assertEquals(5, e.column());
    assertEquals("0xC3", e.hex());
  }

  @Test
  void anEncodedSurrogateIsNotUtf8() {
    Utf8Text.NotUtf8Exception e = assertThrows(Utf8Text.NotUtf8Exception.class,
        () -> Utf8Text.decode(bytes("ab", 0xED, 0xA0, 0x80)));
    assertEquals(3, e.column());
    assertEquals("0xED", e.hex());
  }
}
