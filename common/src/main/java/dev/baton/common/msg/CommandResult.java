package dev.baton.common.msg;

import io.vertx.core.json.JsonObject;

/**
 * A node's answer to a {@link NodeCommand}: how it ended and what it produced. Everything in it
 * came from the node, so the controller treats it as untrusted text (see {@code NodeText}).
 *
 * @param exitCode 0 when it worked; a command's or Puppet's own exit code otherwise
 * @param output the last lines printed
 * @param millis how long it took on the node
 * @param summary a Puppet run's {@code last_run_summary.yaml} (at most 16 KiB), or null
 * @param csrPem the certificate request the node made for the embedded CA, or null
 * @param facts the node's facts (the {@code facts} action), or null
 * @param release the application's current release on the node after a deploy command, or null (none)
 */
public record CommandResult(int exitCode, String output, long millis, String summary, String csrPem, JsonObject facts,
    String release) {
  public static final String TYPE = "result";

  public static CommandResult of(int exitCode, String output, long millis) {
    return new CommandResult(exitCode, output, millis, null, null, null, null);
  }

  public boolean ok() {
    return exitCode == 0;
  }

  public CommandResult withSummary(String s) {
    return new CommandResult(exitCode, output, millis, s, csrPem, facts, release);
  }

  public CommandResult withCsr(String csr) {
    return new CommandResult(exitCode, output, millis, summary, csr, facts, release);
  }

  public CommandResult withFacts(JsonObject f) {
    return new CommandResult(exitCode, output, millis, summary, csrPem, f, release);
  }

  public CommandResult withRelease(String r) {
    return new CommandResult(exitCode, output, millis, summary, csrPem, facts, r);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("type", TYPE).put("exit_code", exitCode).put("output", output).put("millis", millis);
    if (summary != null) {
      o.put("summary", summary);
    }
    if (csrPem != null) {
      o.put("csr_pem", csrPem);
    }
    if (facts != null) {
      o.put("facts", facts);
    }
    if (release != null) {
      o.put("release", release);
    }
    return o;
  }

  /** An answer as the node sent it; a missing exit code is a failure (-1), never a success. */
  public static CommandResult fromJson(JsonObject o) {
    Object code = o.getValue("exit_code");
    return new CommandResult(code instanceof Number n ? n.intValue() : -1, o.getValue("output") instanceof String s ? s : "",
        o.getValue("millis") instanceof Number m ? m.longValue() : 0L, o.getValue("summary") instanceof String s ? s : null,
        o.getValue("csr_pem") instanceof String s ? s : null, o.getValue("facts") instanceof JsonObject f ? f : null,
        o.getValue("release") instanceof String r ? r : null);
  }
}
