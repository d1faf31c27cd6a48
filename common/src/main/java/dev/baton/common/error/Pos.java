package dev.baton.common.error;

/** A place in a source file: 1-based line and column. */
public record Pos(String file, int line, int column) implements Comparable<Pos> {

  /** A whole file or directory, with no line: printed as just its path. */
  public static Pos ofFile(String file) {
    return new Pos(file, 0, 0);
  }

  @Override
  public int compareTo(Pos o) {
    int c = file.compareTo(o.file);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(line, o.line);
    return c != 0 ? c : Integer.compare(column, o.column);
  }

  @Override
  public String toString() {
    return line == 0 ? file : file + ":" + line + ":" + column;
  }
}
