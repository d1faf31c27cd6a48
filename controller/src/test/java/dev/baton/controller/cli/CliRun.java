package dev.baton.controller.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the controller CLI in-process and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ControllerMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false, false);
    return new CliRun(code, out.toString(), err.toString());
  }
}
