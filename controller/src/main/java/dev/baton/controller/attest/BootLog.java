package dev.baton.controller.attest;

/**
 * What an instance's boot says, for a node that has not registered: on AWS its console output, on
 * a local machine cloud-init's output, for a local process the agent's log. All of it is the
 * node's text: untrusted, shown only once neutralised.
 *
 * @param failure the line Baton's user-data script left when a step failed (or the process ended), else null
 * @param finished whether cloud-init says it finished
 * @param tail the last lines of the output, for a reason
 */
public record BootLog(String failure, boolean finished, String tail) {
  /** Nothing to read (yet). */
  public static final BootLog NONE = new BootLog(null, false, "");
}
