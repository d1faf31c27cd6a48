package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a value from the cloud becomes in a pull-request comment: nothing Markdown or HTML acts on. */
class PlanMarkdownTest {
  @ParameterizedTest
  @CsvSource(delimiter = '~', value = {
      "10.0.0.0/16~10.0.0.0/16",
      "security_group/web~security_group/web",
      "a|b~a&#124;b",
      "`code`~&#96;code&#96;",
      "<img src=x onerror=alert(1)>~&#60;img src=x onerror=alert(1)&#62;",
      "_emphasis_ **bold**~&#95;emphasis&#95; &#42;&#42;bold&#42;&#42;",
      "[link](http://x)~&#91;link&#93;(http://x)",
      "a\\|b~a&#92;&#124;b",
      "&amp;~&#38;amp;",
      "café~caf&#233;",
  })
  void escapesEverythingButPlainText(String value, String escaped) {
    assertEquals(escaped, PlanMarkdown.esc(value));
    assertFalse(PlanMarkdown.esc(value).contains("|"));
  }

  @org.junit.jupiter.api.Test
  void lineBreaksAndControlCharactersCannotEndARow() {
    assertEquals("a<br>b", PlanMarkdown.esc("a\r\nb"));
    assertEquals("a&#xFFFD;b", PlanMarkdown.esc("a" + (char) 7 + "b"));
    assertEquals("", PlanMarkdown.esc(null));
  }
}
