package dev.baton.agent.deploy;

import dev.baton.agent.handoff.CommandRunner;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import dev.baton.common.settings.Settings;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The node's side of a deployment ({@link NodeCommand.Deploy}): the release fetched unless the
 * node has it, its SHA-256 checked before anything changes, then the stages in order:
 * {@code block_traffic}, the running release's {@code stop} (reported, never blocking),
 * {@code before_install}, the switch of {@code current}, {@code after_install}, {@code start},
 * {@code validate}, {@code allow_traffic}. A failure before the switch leaves the running release
 * current (started again if it was stopped); one after it goes back to that release here, with no
 * download, so that a node is never left on a release that failed. Every answer names the release
 * current at the end ({@link CommandResult#release}). One command per application at a time: a
 * second is answered at once, never run beside the first. {@link NodeRollback} does
 * {@link NodeCommand.DeployRollback}. Blocking: called on a worker.
 */
public final class Deployer {
  /** Exit code of a command refused before anything changed (a bad path, revision or user). */
  public static final int REFUSED = 2;
  /** Exit code of a command that arrived while another of the same application ran (sysexits' EX_TEMPFAIL). */
  public static final int BUSY = 75;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  /** The answer's output is read by operators and stored by the controller: bounded. */
  private static final int MAX_OUTPUT = 16 * 1024;

  private final Path agentDir;
  private final CommandRunner runner;
  private final ArtifactFetch fetch;
  private final Hooks.Self self;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  /** @param caPem the controller CA the agent pins: the only one trusted for downloads */
  public Deployer(Path agentDir, String caPem, CommandRunner runner) {
    this(agentDir, runner, new ArtifactFetch(caPem, Settings.AGENT_ARTIFACT_MAX_BYTES.get()), Hooks.Self.current());
  }

  Deployer(Path agentDir, CommandRunner runner, ArtifactFetch fetch, Hooks.Self self) {
    this.agentDir = agentDir;
    this.runner = runner;
    this.fetch = fetch;
    this.self = self;
  }

  public CommandResult deploy(NodeCommand.Deploy d) {
    return exclusive(d.application(), () -> deployNow(d));
  }

  public CommandResult rollback(NodeCommand.DeployRollback r) {
    return exclusive(r.application(), () -> new NodeRollback(agentDir, runner, self).run(r));
  }

  private interface Work {
    CommandResult run() throws ApplicationRoot.Refused, IOException;
  }

  /** Runs {@code work} unless a command of the same application runs; a refusal or an error is an answer too. */
  private CommandResult exclusive(NodeCommand.Application app, Work work) {
    long t0 = System.currentTimeMillis();
    String name = app == null || app.name() == null ? "" : app.name();
    if (app == null) {
      return CommandResult.of(REFUSED, "deploy: the command names no application", 0);
    }
    if (!running.add(name)) {
      return answer(BUSY, "deploy: a deployment of " + name + " is already running on this node; this command was"
          + " not started (nothing was changed)", t0, currentOrNull(app));
    }
    try {
      CommandResult r = work.run();
      return new CommandResult(r.exitCode(), r.output(), System.currentTimeMillis() - t0, null, null, null, r.release());
    } catch (ApplicationRoot.Refused e) {
      return answer(REFUSED, e.getMessage(), t0, currentOrNull(app));
    } catch (IOException | RuntimeException e) {
      return answer(1, e.getMessage() == null ? e.toString() : e.getMessage(), t0, currentOrNull(app));
    } finally {
      running.remove(name);
    }
  }

  /** What is current for {@code app}, for an answer that changed nothing; null when unknown. */
  private String currentOrNull(NodeCommand.Application app) {
    try {
      return new Releases(ApplicationRoot.resolve(agentDir, app), runner).current().orElse(null);
    } catch (ApplicationRoot.Refused | IOException | RuntimeException e) {
      return null;
    }
  }

  private CommandResult deployNow(NodeCommand.Deploy d) throws ApplicationRoot.Refused, IOException {
    long t0 = System.currentTimeMillis();
    NodeCommand.Application app = d.application();
    Path root = ApplicationRoot.resolve(agentDir, app);
    Releases releases = new Releases(root, runner);
    String rev = d.revision();
    Path dir = release(releases, rev);
    String runAs = Hooks.runAs(app, self, runner);
    String cur = releases.current().orElse(null);
    Hooks hooks = new Hooks(runner, app, root, cur, runAs);
    String label = "deploy " + app.name() + " " + rev;
    if (rev.equals(cur)) {
      // a deployment resumed after the controller lost its answer: this node is done, it is not restarted
      Hooks.Outcome v = hooks.run("validate", rev);
      if (v != null && !v.ok()) {
        return answer(v.result().exitCode(), label + ": " + rev + " is already current; " + v.what() + v.tail()
            + "\nnothing was changed", t0, rev);
      }
      return answer(0, label + ": " + rev + " is already current on the node" + (v == null ? "" : "; validate passed")
          + "; nothing was changed", t0, rev);
    }
    if (Files.isDirectory(dir)) {
      hooks.note("no download (" + rev + " is on the node)");
    } else {
      if (d.artifactSha256() == null || !SHA256.matcher(d.artifactSha256()).matches()) {
        throw new ApplicationRoot.Refused(label + ": the command has no SHA-256 (64 hex digits) for the artifact;"
            + " nothing was changed");
      }
      try {
        download(d, releases, hooks);
      } catch (IOException e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        throw new IOException(label + ": " + (why.startsWith("deploy: ") ? why.substring(8) : why), e);
      }
    }
    hooks.chown(dir);
    return stages(label, hooks, releases, rev, cur, app.keep(), t0);
  }

  /** Fetches and unpacks {@code d}'s archive; the file is removed whatever happens. */
  private void download(NodeCommand.Deploy d, Releases releases, Hooks hooks) throws IOException {
    Path incoming = releases.root().resolve(".incoming");
    long t = System.currentTimeMillis();
    Path file = null;
    try {
      file = fetch.fetch(d.artifactUrl(), d.artifactToken(), incoming, d.revision(), d.timeoutSeconds());
      long size = Files.size(file);
      hooks.note("download " + size + " bytes " + Hooks.seconds(System.currentTimeMillis() - t));
      t = System.currentTimeMillis();
      releases.unpack(d.revision(), file, d.artifactSha256());
      hooks.note("unpack " + Hooks.seconds(System.currentTimeMillis() - t));
    } finally {
      if (file != null) {
        Files.deleteIfExists(file);
      }
      try {
        Files.deleteIfExists(incoming);
      } catch (DirectoryNotEmptyException e) {
        // another revision's download that crashed: left for its next attempt, which starts by removing it
      }
    }
  }

  /** The hooks and the switch, from block_traffic to allow_traffic, with the way back when one fails. */
  private CommandResult stages(String label, Hooks hooks, Releases releases, String rev, String cur, int keep,
      long t0) {
    List<String> notes = new ArrayList<>();
    Hooks.Outcome block = hooks.run("block_traffic", rev);
    if (block != null && !block.ok()) {
      String allow = said(hooks.run("allow_traffic", cur != null ? cur : rev));
      return answer(block.result().exitCode(), label + ": " + block.what() + block.tail() + "\nnothing was changed ("
          + (cur == null ? "no release was current" : cur + " is still current") + ")" + (allow == null ? "" : "; "
          + allow) + timings(hooks), t0, cur);
    }
    boolean stopped = false;
    if (cur != null) {
      Hooks.Outcome stop = hooks.run("stop", cur);
      stopped = stop != null;
      if (stop != null && !stop.ok()) {
        notes.add(stop.what() + ", the deployment went on" + stop.tail());
      }
    }
    Hooks.Outcome before = hooks.run("before_install", rev);
    if (before != null && !before.ok()) {
      return keepRunning(label, before, hooks, rev, cur, stopped, notes, t0);
    }
    try {
      releases.activate(rev);
      hooks.note("switch to " + rev);
    } catch (IOException e) {
      return keepRunning(label, new Hooks.Outcome("the switch", rev, CommandResult.of(1, e.getMessage(), 0)), hooks, rev,
          cur, stopped, notes, t0);
    }
    for (String stage : List.of("after_install", "start", "validate")) {
      Hooks.Outcome o = hooks.run(stage, rev);
      if (o != null && !o.ok()) {
        return goBack(label, o, hooks, releases, rev, cur, notes, t0);
      }
    }
    Hooks.Outcome allow = hooks.run("allow_traffic", rev);
    if (allow != null && !allow.ok()) {
      notes.add(rev + " is current and validated, but the node may still be out of service");
      return answer(allow.result().exitCode(), label + ": " + allow.what() + allow.tail() + lines(notes)
          + timings(hooks), t0, rev);
    }
    try {
      List<String> removed = releases.prune(Math.max(1, keep));
      if (!removed.isEmpty()) {
        hooks.note("pruned " + String.join(" ", removed));
      }
    } catch (IOException e) {
      notes.add("old releases were not pruned: " + e.getMessage());
    }
    return answer(0, label + ": " + rev + " is current on the node (was " + (cur == null ? "none" : cur) + ") in "
        + Hooks.seconds(System.currentTimeMillis() - t0) + lines(notes) + timings(hooks), t0, rev);
  }

  /** A failure before the switch: the release that ran stays current, started again if it was stopped. */
  private static CommandResult keepRunning(String label, Hooks.Outcome failed, Hooks hooks, String rev, String cur,
      boolean stopped, List<String> notes, long t0) {
    List<String> done = new ArrayList<>();
    done.add(cur == null ? "no release was current and none is" : cur + " is still current on the node");
    String start = stopped ? said(hooks.run("start", cur)) : null;
    done.add(start == null ? null : start + " again");
    done.add(said(hooks.run("allow_traffic", cur != null ? cur : rev)));
    return answer(failed.result().exitCode(), label + ": " + failed.what() + failed.tail() + lines(notes) + "\n"
        + join(done) + timings(hooks), t0, cur);
  }

  /**
   * A failure after the switch: back to the release that ran, here, with no download: the failed
   * release's stop (which never blocks the way back), {@code current} pointed at the previous
   * release again (removed when there was none), its start and validate, allow_traffic.
   */
  private static CommandResult goBack(String label, Hooks.Outcome failed, Hooks hooks, Releases releases, String rev,
      String cur, List<String> notes, long t0) {
    Hooks.Outcome stop = hooks.run("stop", rev);
    if (stop != null && !stop.ok()) {
      notes.add(stop.what() + ", the rollback went on" + stop.tail());
    }
    String back;
    try {
      if (cur != null) {
        back = releases.rollback();
      } else {
        Files.deleteIfExists(releases.root().resolve("current"));
        back = null;
      }
      hooks.note(back == null ? "current removed" : "switch back to " + back);
    } catch (IOException e) {
      String now = currentOf(releases);
      return answer(failed.result().exitCode(), label + ": " + failed.what() + failed.tail() + lines(notes)
          + "\ncould not go back on the node: " + e.getMessage() + "; " + (now == null ? "no release" : now)
          + " is current" + timings(hooks), t0, now);
    }
    List<String> done = new ArrayList<>();
    done.add(back == null ? "rolled back on the node: no release is current (there was none before)"
        : "rolled back to " + back + " on the node");
    if (back != null) {
      done.add(said(hooks.run("start", back)));
      done.add(said(hooks.run("validate", back)));
    }
    done.add(said(hooks.run("allow_traffic", back)));
    return answer(failed.result().exitCode(), label + ": " + failed.what() + failed.tail() + lines(notes) + "\n"
        + join(done) + timings(hooks), t0, back);
  }

  /** "start of v2 ran" or "start of v2 exited with 1" and its last lines; null when there is no such hook. */
  static String said(Hooks.Outcome o) {
    if (o == null) {
      return null;
    }
    return o.ok() ? o.stage() + (o.revision() == null ? "" : " of " + o.revision()) + " ran" : o.what() + o.tail();
  }

  /** The parts that are not null, with "; " between. */
  static String join(List<String> parts) {
    return String.join("; ", parts.stream().filter(p -> p != null).toList());
  }

  static String lines(List<String> notes) {
    return notes.isEmpty() ? "" : "\n" + String.join("\n", notes);
  }

  static String timings(Hooks hooks) {
    String t = hooks.timings();
    return t.isEmpty() ? "" : "\nstages: " + t;
  }

  /** The directory of {@code revision}, refused (before anything changes) when it names a path. */
  static Path release(Releases releases, String revision) throws ApplicationRoot.Refused {
    try {
      return releases.release(revision);
    } catch (IllegalArgumentException e) {
      throw new ApplicationRoot.Refused(e.getMessage());
    }
  }

  private static String currentOf(Releases releases) {
    try {
      return releases.current().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  static CommandResult answer(int exit, String output, long t0, String release) {
    String out = output.length() > MAX_OUTPUT ? output.substring(0, MAX_OUTPUT) + "\n..." : output;
    return CommandResult.of(exit, out, System.currentTimeMillis() - t0).withRelease(release);
  }
}
