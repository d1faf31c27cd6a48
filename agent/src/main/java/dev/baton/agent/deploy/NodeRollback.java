package dev.baton.agent.deploy;

import dev.baton.agent.handoff.CommandRunner;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link NodeCommand.DeployRollback}: puts a node back on a release it still has, as the controller
 * asks when a deployment failed on another node: {@code block_traffic}, the running release's
 * {@code stop} (neither failure blocks the way back), the switch, {@code start}, {@code validate},
 * {@code allow_traffic}. No download: a release
 * the node no longer has is refused ("deploy it"). A null revision means the application had no
 * release before the deployment: it is stopped and {@code current} removed. Run by
 * {@link Deployer}, which keeps it from running beside another command of the application.
 */
final class NodeRollback {
  private final Path agentDir;
  private final CommandRunner runner;
  private final Hooks.Self self;

  NodeRollback(Path agentDir, CommandRunner runner, Hooks.Self self) {
    this.agentDir = agentDir;
    this.runner = runner;
    this.self = self;
  }

  CommandResult run(NodeCommand.DeployRollback r) throws ApplicationRoot.Refused, IOException {
    long t0 = System.currentTimeMillis();
    NodeCommand.Application app = r.application();
    Path root = ApplicationRoot.resolve(agentDir, app);
    Releases releases = new Releases(root, runner);
    String rev = r.revision();
    Path dir = rev == null ? null : Deployer.release(releases, rev);
    String runAs = Hooks.runAs(app, self, runner);
    String cur = releases.current().orElse(null);
    Hooks hooks = new Hooks(runner, app, root, cur, runAs);
    String label = "deploy_rollback " + app.name() + " to " + (rev == null ? "no release" : rev);
    if (rev == null) {
      return none(label, hooks, releases, cur, t0);
    }
    if (!Files.isDirectory(dir)) {
      throw new ApplicationRoot.Refused(label + ": release " + rev + " is not on this node; deploy it");
    }
    if (rev.equals(cur)) {
      Hooks.Outcome v = hooks.run("validate", rev);
      if (v != null && !v.ok()) {
        return Deployer.answer(v.result().exitCode(), label + ": " + rev + " is already current; " + v.what() + v.tail()
            + "\nnothing was changed", t0, rev);
      }
      return Deployer.answer(0, label + ": " + rev + " is already current on the node"
          + (v == null ? "" : "; validate passed") + "; nothing was changed", t0, rev);
    }
    String stopNote = stop(hooks, cur, rev);
    releases.activate(rev);
    hooks.note("switch to " + rev);
    for (String stage : new String[] {"start", "validate", "allow_traffic"}) {
      Hooks.Outcome o = hooks.run(stage, rev);
      if (o != null && !o.ok()) {
        // the controller asked for this release: it stays current, the controller decides what comes next
        return Deployer.answer(o.result().exitCode(), label + ": " + o.what() + o.tail() + stopNote + "\n" + rev
            + " is current on the node (was " + (cur == null ? "none" : cur) + ")" + Deployer.timings(hooks), t0, rev);
      }
    }
    return Deployer.answer(0, label + ": " + rev + " is current on the node (was " + (cur == null ? "none" : cur)
        + ") in " + Hooks.seconds(System.currentTimeMillis() - t0) + stopNote + Deployer.timings(hooks), t0, rev);
  }

  /** No release before the deployment: the one that runs is stopped and {@code current} removed. */
  private static CommandResult none(String label, Hooks hooks, Releases releases, String cur, long t0)
      throws IOException {
    if (cur == null) {
      return Deployer.answer(0, label + ": no release is current on the node; nothing was changed", t0, null);
    }
    String stopNote = stop(hooks, cur, cur);
    Files.deleteIfExists(releases.root().resolve("current"));
    hooks.note("current removed");
    return Deployer.answer(0, label + ": " + cur + " was stopped and is no longer current; the application has no"
        + " current release on the node" + stopNote + Deployer.timings(hooks), t0, null);
  }

  /**
   * Takes the node out of service and stops the running release; a failure of either is said ("" when
   * they worked) and never stops the rollback: the way back matters more than a clean exit.
   */
  private static String stop(Hooks hooks, String cur, String to) {
    if (cur == null) {
      return "";
    }
    StringBuilder said = new StringBuilder();
    for (String stage : new String[] {"block_traffic", "stop"}) {
      // as in a deployment, block_traffic is the target release's hook; stop is the running one's
      Hooks.Outcome o = hooks.run(stage, stage.equals("stop") ? cur : to);
      if (o != null && !o.ok()) {
        said.append("\n").append(o.what()).append(", the rollback went on").append(o.tail());
      }
    }
    return said.toString();
  }
}
