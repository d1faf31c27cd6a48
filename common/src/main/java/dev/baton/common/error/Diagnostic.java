package dev.baton.common.error;

/** One problem found in an input file, reported as {@code FILE:LINE:COLUMN: error: message}. */
public record Diagnostic(Pos pos, String message) implements Comparable<Diagnostic> {

  @Override
  public int compareTo(Diagnostic o) {
    int c = pos.compareTo(o.pos);
    return c != 0 ? c : message.compareTo(o.message);
  }

  @Override
  public String toString() {
    return pos + ": error: " + message;
  }
}
