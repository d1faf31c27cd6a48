package dev.baton.controller.cli;

import dev.baton.common.text.NodeText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a command writes: standard output for results, standard error for problems and
 * progress. Colour only when writing to a terminal and NO_COLOR is unset, or when forced.
 */
public final class Terminal {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean color;
  private final boolean interactive;
  private final java.io.BufferedReader in;

  public Terminal(PrintWriter out, PrintWriter err, boolean color, boolean interactive, java.io.BufferedReader in) {
    this.out = out;
    this.err = err;
    this.color = color;
    this.interactive = interactive;
    this.in = in;
  }

  /** {@link NodeText#visible}: what a node sent, shown on a terminal and never acted on. */
  public static String safe(String text, int max) {
    return NodeText.visible(text, max);
  }

  /**
   * {@link #safe(String, int)} kept on several lines: a node's multi-line words (a hook's output)
   * read as lines, each indented by {@code indent}, every line as safe as one.
   */
  public static String safeLines(String text, int max, String indent) {
    if (text == null) {
      return null;
    }
    String bounded = text.length() > max ? text.substring(0, max) + "…" : text;
    List<String> lines = new ArrayList<>();
    for (String line : bounded.replace("\r\n", "\n").split("\n", -1)) {
      lines.add(safe(line, max));
    }
    return String.join("\n" + indent, lines);
  }

  /** {@link #safe(String, int)} with the length of a line of a table. */
  public static String safe(String text) {
    return safe(text, 600);
  }

  /** Asks a yes/no question on the terminal; true only for "y" or "yes". */
  public boolean confirm(String question) {
    err.print(question + " [y/N] ");
    err.flush();
    try {
      String answer = in.readLine();
      return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Colour decision for the real process streams. */
  public static boolean detectColor(String mode) {
    return switch (mode) {
      case "always" -> true;
      case "never" -> false;
      default -> System.console() != null && System.getenv("NO_COLOR") == null
          && !"dumb".equals(System.getenv("TERM"));
    };
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /** True when a person is at a terminal (progress bars, confirmation prompts). */
  public boolean interactive() {
    return interactive;
  }

  public boolean color() {
    return color;
  }

  public String red(String s) {
    return paint("31;1", s);
  }

  public String green(String s) {
    return paint("32", s);
  }

  public String yellow(String s) {
    return paint("33", s);
  }

  public String bold(String s) {
    return paint("1", s);
  }

  public String dim(String s) {
    return paint("2", s);
  }

  private String paint(String code, String s) {
    return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }
}
