package dev.baton.agent.deploy;

import dev.baton.agent.handoff.CommandRunner;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs the stage hooks of one deploy command on the node: {@code sh -c HOOK} in the directory of
 * the release it is for, with the application's hook timeout, as the application's user when it
 * has one (the agent runs as root: {@code runuser}), and with these in its environment:
 * <ul>
 *   <li>{@code BATON_APPLICATION}: the application's name;
 *   <li>{@code BATON_REVISION}, {@code BATON_RELEASE_DIR}: the release the hook is for, which is
 *       its working directory (the new release's, but the running one's for its {@code stop}, and
 *       the one gone back to for a rollback's {@code start} and {@code validate});
 *   <li>{@code BATON_APP_ROOT}: the application's directory ({@code current} is under it);
 *   <li>{@code BATON_PREVIOUS_REVISION}: the release that was current when the command began, empty if none.
 * </ul>
 * Keeps how long each stage took, and how it ended, for the command's answer.
 */
final class Hooks {
  /** A user name as useradd takes it. */
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

  /** Who the agent runs as. */
  record Self(boolean root, String user) {
    static Self current() {
      try {
        // the owner of /proc/self is the process's effective user
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return new Self(Integer.valueOf(0).equals(uid), System.getProperty("user.name"));
      } catch (IOException | RuntimeException e) {
        return new Self("root".equals(System.getProperty("user.name")), System.getProperty("user.name"));
      }
    }
  }

  /** How one hook ended. */
  record Outcome(String stage, String revision, CommandResult result) {
    boolean ok() {
      return result.ok();
    }

    /** "validate of v3 exited with 1", or "... timed out after 2 s (exit 124)". */
    String what() {
      boolean timedOut = result.exitCode() == 124 && result.output().startsWith("timed out after");
      return stage + (revision == null ? "" : " of " + revision) + (timedOut ? " " + result.output() + " (exit 124)"
          : " exited with " + result.exitCode());
    }

    /** The last lines it printed, indented, or "" when it printed nothing. */
    String tail() {
      if (result.output().isBlank() || result.exitCode() == 124 && result.output().startsWith("timed out after")) {
        return "";
      }
      StringBuilder b = new StringBuilder();
      result.output().lines().forEach(l -> b.append("\n  | ").append(l));
      return b.toString();
    }
  }

  private final CommandRunner runner;
  private final NodeCommand.Application app;
  private final Path root;
  private final String before;
  private final String runAs;
  private final List<String> timings = new ArrayList<>();

  /**
   * @param before the release current when the command began, or null
   * @param runAs the user to run the hooks as with {@code runuser}, or null for the agent's own
   */
  Hooks(CommandRunner runner, NodeCommand.Application app, Path root, String before, String runAs) {
    this.runner = runner;
    this.app = app;
    this.root = root;
    this.before = before;
    this.runAs = runAs;
  }

  /**
   * The user to hand to {@code runuser}, or null to run hooks as the agent does.
   *
   * @throws ApplicationRoot.Refused when the agent cannot run them as the application's user
   */
  static String runAs(NodeCommand.Application app, Self self, CommandRunner runner) throws ApplicationRoot.Refused {
    String user = app.user();
    if (user == null || user.isBlank()) {
      return null;
    }
    if (!USER.matcher(user).matches()) {
      throw new ApplicationRoot.Refused("deploy: " + app.name() + ": refused user name \"" + shorten(user) + "\"");
    }
    if (!self.root()) {
      if (user.equals(self.user())) {
        return null;
      }
      throw new ApplicationRoot.Refused("deploy: " + app.name() + " runs as " + user + ", but the agent runs as "
          + self.user() + ", not root, and cannot run its hooks as another user; nothing was changed");
    }
    if ("root".equals(user)) {
      return null;
    }
    if (!runner.run(List.of("id", "-u", user), 10).ok()) {
      throw new ApplicationRoot.Refused("deploy: " + app.name() + " runs as " + user + ", a user this node does not have;"
          + " nothing was changed");
    }
    return user;
  }

  /** Gives a release to the application's user (after unpacking: tar wrote it as the agent). */
  void chown(Path release) throws IOException {
    if (runAs == null) {
      return;
    }
    CommandResult r = runner.run(List.of("chown", "-R", "--", runAs + ":", release.toString()), 600);
    if (!r.ok()) {
      throw new IOException("deploy: could not give " + release.getFileName() + " to " + runAs + " (chown exited with "
          + r.exitCode() + "): " + r.output().lines().reduce((a, b) -> b).orElse(""));
    }
  }

  Path dir(String revision) {
    return root.resolve("releases").resolve(revision);
  }

  /**
   * Runs {@code stage}'s hook for {@code revision} (null: none, in the application's directory);
   * returns how it ended, or null when the application has no such hook.
   */
  Outcome run(String stage, String revision) {
    String command = app.hook(stage);
    if (command == null) {
      return null;
    }
    Path cwd = revision == null ? root : dir(revision);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BATON_APPLICATION", app.name());
    env.put("BATON_REVISION", revision == null ? "" : revision);
    env.put("BATON_RELEASE_DIR", revision == null ? "" : cwd.toString());
    env.put("BATON_APP_ROOT", root.toString());
    env.put("BATON_PREVIOUS_REVISION", before == null ? "" : before);
    List<String> argv = runAs == null ? List.of("sh", "-c", command)
        : List.of("runuser", "-u", runAs, "--", "sh", "-c", command);
    CommandResult r = runner.run(argv, cwd, env, Math.max(1, app.hookTimeoutSeconds()));
    Outcome o = new Outcome(stage, revision, r);
    note(stage + (revision == null ? "" : "(" + revision + ")") + " " + seconds(r.millis())
        + (r.ok() ? "" : r.exitCode() == 124 ? " TIMED OUT" : " FAILED (exit " + r.exitCode() + ")"));
    return o;
  }

  /** A step of the agent's own (download, unpack, switch) in the timings. */
  void note(String line) {
    timings.add(line);
  }

  /** "block_traffic 0.0 s, stop(v1) 0.1 s, ..." */
  String timings() {
    return String.join(", ", timings);
  }

  static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String shorten(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }
}
