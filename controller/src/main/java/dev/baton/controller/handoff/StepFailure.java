package dev.baton.controller.handoff;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;

/**
 * A step's failure that says itself in full, its step named ({@code FINAL_RUN: puppet exited with
 * 6 (...)}), with what the node answered: a recovery decides on the exit code, never on the
 * message's text.
 */
public final class StepFailure extends BatonException {
  private static final long serialVersionUID = 1L;
  /** No exit code: the failure is not a command's. */
  public static final int NO_EXIT = Integer.MIN_VALUE;

  private final String step;
  private final int exitCode;

  public StepFailure(ErrorCode code, String step, String message, int exitCode) {
    super(code, message);
    this.step = step;
    this.exitCode = exitCode;
  }

  /** A command of the step ran on the node and ended with {@code exitCode}. */
  public static StepFailure exited(String step, String message, int exitCode) {
    return new StepFailure(ErrorCode.FAILED_PRECONDITION, step, message, exitCode);
  }

  public String step() {
    return step;
  }

  /** What the node's command exited with, or {@link #NO_EXIT}. */
  public int exitCode() {
    return exitCode;
  }
}
