package dev.baton.controller.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the controller CLI in-process and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(String... args) {
    return withInput(null, args);
  }

  /** Runs as if on a terminal when {@code input} is given (what the user types), else as in a pipeline. */
  public static CliRun withInput(String input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.StringReader(input == null ? "" : input));
    int code = ControllerMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false, input != null, in);
    return new CliRun(code, out.toString(), err.toString());
  }
}
