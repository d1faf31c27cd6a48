package dev.baton.controller.cli;

import java.util.ArrayList;
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

  /** Whether the command line asked for {@code --output json} (it may not have parsed). */
  static boolean wantsJson(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--output=json") || args[i].equals("--output") && i + 1 < args.length
          && args[i + 1].equals("json")) {
        return true;
      }
    }
    return false;
  }

  /** The option closest to {@code typed} (long options for a long one, short for a short), or null. */
  static String nearest(String typed, List<String> names) {
    return dev.baton.controller.definition.Suggest.closest(typed, names.stream()
        .filter(n -> n.startsWith("--") == typed.startsWith("--")).toList()).orElse(null);
  }
}
