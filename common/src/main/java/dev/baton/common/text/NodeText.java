package dev.baton.common.text;

/**
 * Text a node sent (its output, its console, a hook's reason) is data, not markup: before it is kept
 * as a reason it becomes one bounded line with no control characters, so that a terminal, a log
 * line or a chat message shows it and nothing else.
 */
public final class NodeText {
  /** The longest reason kept from a node's text. */
  public static final int MAX_REASON = 600;

  private NodeText() {}

  /**
   * One line of at most {@code max} characters: line breaks and tabs become " | " and spaces,
   * every other control character (escape sequences included) is dropped, and a cut is marked.
   */
  public static String oneLine(String text, int max) {
    if (text == null) {
      return null;
    }
    text = text.replace("\r\n", "\n").replace('\r', '\n');
    StringBuilder b = new StringBuilder(Math.min(text.length(), max + 8));
    for (int i = 0; i < text.length() && b.length() <= max; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c == 0x1b) {
        i = skipEscape(text, i); // a whole escape sequence goes, not only its ESC
        continue;
      }
      if (c == '\n') {
        while (b.length() > 0 && b.charAt(b.length() - 1) == ' ') {
          b.setLength(b.length() - 1);
        }
        if (b.length() > 0 && b.charAt(b.length() - 1) != '|') {
          b.append(" | ");
        } else if (b.length() > 0) {
          b.append(' ');
        }
      } else if (c == '\t') {
        b.append(' ');
      } else if (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT
          && Character.getType(c) != Character.UNASSIGNED) {
        b.appendCodePoint(c);
      }
    }
    String s = b.toString().strip().replaceAll(" {2,}", " ");
    if (s.endsWith("|")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s.length() > max ? s.substring(0, max) + "…" : s;
  }

  /** Where the escape sequence that starts after an ESC at {@code i - 1} ends: CSI to its final byte, OSC to BEL or ST. */
  private static int skipEscape(String t, int i) {
    if (i >= t.length()) {
      return i;
    }
    char k = t.charAt(i);
    if (k == '[') {
      int j = i + 1;
      while (j < t.length() && (t.charAt(j) < 0x40 || t.charAt(j) > 0x7e)) {
        j++;
      }
      return Math.min(t.length(), j + 1);
    }
    if (k == ']' || k == 'P' || k == '_' || k == '^') {
      int j = i + 1;
      while (j < t.length() && t.charAt(j) != 0x07 && !(t.charAt(j) == 0x1b && j + 1 < t.length() && t.charAt(j + 1) == '\\')) {
        j++;
      }
      return j < t.length() && t.charAt(j) == 0x1b ? j + 2 : Math.min(t.length(), j + 1);
    }
    return i + 1;
  }

  /**
   * Text a node sent (a reason, a command's output) as a terminal or a log may show it: control characters
   * (escape sequences included), bidi overrides and other invisible formatting shown as a backslash,
   * x or u and their hexadecimal code, never acted on; at most {@code max} characters.
   */
  public static String visible(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (b.length() > max) {
        return;
      }
      if (c == '\n' || c == '\t') {
        b.append(c == '\n' ? "\\n" : " ");
      } else if (Character.isISOControl(c)) {
        b.append(String.format("\\x%02x", c));
      } else if (Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.UNASSIGNED) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.length() > max ? b.substring(0, max) + "…" : b.toString();
  }
}
