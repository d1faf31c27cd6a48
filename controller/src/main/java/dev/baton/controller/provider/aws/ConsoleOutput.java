package dev.baton.controller.provider.aws;

import dev.baton.controller.attest.BootLog;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads an instance's console output for what its boot says: the line Baton's user-data script
 * prints when a step fails ({@code baton: FAILED at step N (NAME): WHY}), and cloud-init's
 * {@code Cloud-init v. X finished at ...}. The kernel's and systemd's time stamps are cut off.
 */
final class ConsoleOutput {
  private static final Pattern STAMP = Pattern.compile("^\\[\\s*[0-9.]+\\]\\s*(cloud-init\\[\\d+\\]:\\s*)?");

  private ConsoleOutput() {}

  static BootLog read(String console) {
    List<String> lines = console.lines().map(l -> STAMP.matcher(l).replaceFirst("").stripTrailing())
        .filter(l -> !l.isBlank()).toList();
    String failure = null;
    boolean finished = false;
    for (String l : lines) {
      int at = l.indexOf("baton: FAILED at ");
      if (at >= 0) {
        failure = "the user data failed at " + l.substring(at + "baton: FAILED at ".length());
      }
      if (l.contains("Cloud-init v.") && l.contains(" finished at ")) {
        finished = true;
      }
    }
    return new BootLog(failure, finished, String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
  }
}
