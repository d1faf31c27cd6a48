package dev.baton.controller.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;

/**
 * What a wrong command line is told. A mistyped option is the mistake: picocli also lists the
 * words after it that no longer fit ({@code --evn dev DIR} makes {@code dev} the directory and
 * {@code DIR} one too many), which only confuses; so an unknown option is reported alone, with the
 * nearest option the command has.
 */
final class UsageErrors {
  private UsageErrors() {}

  /** "unknown option '--evn'; did you mean --env?", or null when no unknown option is the problem. */
  static String unknownOption(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException u)) {
      return null;
    }
    List<String> options = new ArrayList<>();
    for (String arg : u.getUnmatched()) {
      if (arg.startsWith("-") && arg.length() > 1) {
        options.add(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg);
      }
    }
    if (options.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder(options.size() == 1 ? "unknown option " : "unknown options ");
    out.append(String.join(", ", options.stream().map(o -> "'" + o + "'").toList()));
    List<String> names = new ArrayList<>();
    ex.getCommandLine().getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
    String nearest = nearest(options.get(0), names);
    if (nearest != null) {
      out.append("; did you mean ").append(nearest).append('?');
    }
    return out.toString();
  }

  /** The option closest to {@code typed} (at most 2 edits, or its prefix), or null. */
  static String nearest(String typed, List<String> names) {
    return names.stream().filter(n -> n.startsWith("--") == typed.startsWith("--"))
        .map(n -> new Object[] {n, n.startsWith(typed) && typed.length() > 2 ? 1 : distance(typed, n)})
        .filter(p -> (int) p[1] <= 2).min(Comparator.comparingInt(p -> (int) p[1])).map(p -> (String) p[0])
        .orElse(null);
  }

  /** Levenshtein distance, with a swap of two neighbours counted as one edit (--evn for --env). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
