package dev.baton.controller.cli;

/** Exit codes of the controller CLI, documented in docs/cli.md. */
public final class ExitCodes {
  /** Success; for plan and audit: nothing to change, no drift. */
  public static final int OK = 0;
  /** The command failed: invalid definitions, a failed apply, an error. */
  public static final int FAILED = 1;
  /** plan: there are changes; audit: there is drift. */
  public static final int CHANGES = 2;
  /** The command line itself is wrong (unknown option, missing argument). */
  public static final int USAGE = 64;

  private ExitCodes() {}
}
