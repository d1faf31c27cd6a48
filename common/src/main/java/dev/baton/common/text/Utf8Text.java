package dev.baton.common.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding that says where a file stops being UTF-8: the line and column of its
 * first bad byte, counted as SnakeYAML counts its marks (code points, the byte order mark not
 * a column, a line broken by LF, CR, CR LF, NEL, LS or PS), so that the place reads like any other
 * position in a definition.
 */
public final class Utf8Text {
  private Utf8Text() {}

  /** The first byte that is not part of a UTF-8 character: 1-based line and column. */
  public static final class NotUtf8Exception extends CharacterCodingException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final int value;
    private final int offset;

    NotUtf8Exception(int line, int column, int value, int offset) {
      this.line = line;
      this.column = column;
      this.value = value;
      this.offset = offset;
    }

    public int line() {
      return line;
    }

    public int column() {
      return column;
    }

    /** The bad byte, 0-255. */
    public int value() {
      return value;
    }

    /** Its offset in the file, from 0. */
    public int offset() {
      return offset;
    }

    /** The byte as people write it: {@code 0xE9}. */
    public String hex() {
      return String.format("0x%02X", value);
    }

    @Override
    public String getMessage() {
      return "not UTF-8: byte " + hex() + " at line " + line + ", column " + column;
    }
  }

  /**
   * The text of {@code bytes}, which must be UTF-8 throughout.
   *
   * @throws NotUtf8Exception at the first byte that is not (an invalid or truncated sequence)
   */
  public static String decode(byte[] bytes) throws NotUtf8Exception {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int offset = in.position(); // the decoder stops in front of the sequence it refuses
      out.flip();
      throw at(out, bytes[offset] & 0xff, offset);
    }
    return out.flip().toString();
  }

  private static NotUtf8Exception at(CharSequence before, int value, int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < before.length(); ) {
      int c = Character.codePointAt(before, i);
      i += Character.charCount(c);
      boolean crlf = c == '\r' && i < before.length() && before.charAt(i) == '\n';
      if (c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029 || (c == '\r' && !crlf)) {
        line++;
        column = 1;
      } else if (c != 0xFEFF && !crlf) {
        column++;
      }
    }
    return new NotUtf8Exception(line, column, value, offset);
  }
}
