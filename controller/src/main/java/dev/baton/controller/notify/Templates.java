package dev.baton.controller.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Message templates: {@code {{data.name}}} is replaced by that field of the event's JSON. */
public final class Templates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9_.]+)\\s*}}");

  private Templates() {}

  public static String defaultFor(String type) {
    return switch (type) {
      case Event.NODE_READY -> "Node {{data.name}} ({{data.id}}) of {{platform}} is READY: {{phases}}";
      case Event.NODE_FAILED -> "Node {{data.name}} ({{data.id}}) of {{platform}} FAILED: {{data.reason}}";
      case Event.NODE_REGISTERED -> "Node {{data.name}} ({{data.id}}) of {{platform}} registered";
      case Event.NODE_TERMINATED -> "Node {{data.name}} ({{data.id}}) of {{platform}} was terminated";
      case Event.PLATFORM_PROVISIONED -> "Platform {{platform}} provisioned: {{data.summary}}";
      case Event.PLATFORM_DRIFT -> "Platform {{platform}} has drifted: {{data.summary}}";
      case Event.PLATFORM_STOPPED -> "Platform {{platform}} stopped for off-hours: {{data.summary}}";
      case Event.PLATFORM_STARTED -> "Platform {{platform}} started after off-hours: {{data.summary}}";
      case Event.SCHEDULE_FAILED -> "Platform {{platform}}: scheduled {{data.action}} failed: {{data.summary}}";
      case Event.DEPLOY_STARTED -> "Deploying {{data.application}} {{data.revision}} on {{platform}} ({{data.by}})";
      case Event.DEPLOY_SUCCEEDED -> "{{data.application}} {{data.revision}} runs on {{data.nodes_ok}} node(s) of {{platform}}";
      case Event.DEPLOY_FAILED -> "Deploying {{data.application}} {{data.revision}} on {{platform}} FAILED: {{data.reason}}";
      case Event.DEPLOY_ROLLED_BACK -> "{{data.application}} {{data.revision}} on {{platform}} was rolled back: {{data.reason}}";
      default -> "{{type}} for {{platform}}";
    };
  }

  public static String render(String template, Event e) {
    return render(template, e, v -> v);
  }

  /**
   * The template with each placeholder replaced by its value as {@code escape} makes it fit where
   * the message goes: what a node sent (a reason, a name it chose) is data there, never markup.
   */
  public static String render(String template, Event e, java.util.function.UnaryOperator<String> escape) {
    JsonObject json = e.toJson().put("phases", phases(e));
    Matcher m = PLACEHOLDER.matcher(template == null ? defaultFor(e.type()) : template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      Object v = json;
      for (String part : m.group(1).split("\\.")) {
        v = v instanceof JsonObject o ? o.getValue(part) : null;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : escape.apply(String.valueOf(v))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * A value for Slack's mrkdwn: one bounded line without control characters, and {@code &}, {@code <}
   * and {@code >} as entities, so that {@code <!channel>}, {@code <@U123>} and disguised links
   * ({@code <https://evil|docs>}) arrive as text.
   */
  public static String slack(String v) {
    String line = dev.baton.common.text.NodeText.oneLine(v, dev.baton.common.text.NodeText.MAX_REASON);
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A value for a mail's subject or text: one bounded line without control characters (no header can be added). */
  public static String plain(String v) {
    return dev.baton.common.text.NodeText.oneLine(v, dev.baton.common.text.NodeText.MAX_REASON);
  }

  /** "bootstrap_run 1.2s, final_run 3.4s" from a node record's timeline. */
  static String phases(Event e) {
    JsonArray t = e.data().getJsonArray("timeline", new JsonArray());
    StringBuilder sb = new StringBuilder();
    for (Object o : t) {
      JsonObject p = (JsonObject) o;
      Long ms = p.getLong("millis");
      if (ms != null && p.getValue("end") != null && !p.getString("phase").equals("READY")) {
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append(p.getString("phase").toLowerCase()).append(' ').append(ms < 1000 ? ms + " ms"
            : String.format("%.1fs", ms / 1000.0));
      }
    }
    return sb.toString();
  }
}
