package dev.baton.controller.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the API answers when a handler fails: a body that is not JSON, or whose fields have the
 * wrong types, is the caller's mistake (400, saying what is wrong, one line in the log); anything
 * else is ours (500, one line naming the error; its stack trace at FINE).
 */
final class ApiFailures {
  private static final Logger LOG = Logger.getLogger("baton.api");
  private static final Pattern CAST = Pattern.compile("class (\\S+) cannot be cast to class (\\S+)");

  private ApiFailures() {}

  static void handle(RoutingContext ctx) {
    Throwable t = ctx.failure();
    String where = ctx.request().method() + " " + ctx.request().path();
    int status;
    String message;
    if (t == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      message = status == 413 ? "the body is larger than the API accepts (1 MiB)" : "the request failed (" + status + ")";
    } else if (t instanceof DecodeException) {
      status = 400;
      message = "the body is not a JSON object: " + firstLine(t.getMessage());
    } else if (t instanceof ClassCastException) {
      status = 400;
      message = "a field of the body has the wrong type" + types(t.getMessage());
    } else if (t instanceof IllegalArgumentException || t instanceof dev.baton.common.error.BatonException) {
      status = 400;
      message = firstLine(t.getMessage());
    } else {
      status = 500;
      message = "the controller failed on this request (" + t.getClass().getSimpleName() + "); its log says more";
      LOG.log(java.util.logging.Level.FINE, where, t);
    }
    // the message may quote the caller's body: the log gets it as visible text only
    String line = dev.baton.common.text.NodeText.visible(where + " -> " + status + ": " + (status == 500
        ? t.getClass().getName() + ": " + t.getMessage() : message), 1000);
    if (status >= 500) {
      LOG.warning(line);
    } else {
      LOG.info(line);
    }
    if (!ctx.response().headWritten()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", message).encode());
    } else if (!ctx.response().ended()) {
      ctx.response().end();
    }
  }

  /** ": expected a string, got a number" from a ClassCastException's message, or nothing. */
  static String types(String castMessage) {
    Matcher m = CAST.matcher(castMessage == null ? "" : castMessage);
    return m.find() ? ": expected " + json(m.group(2)) + ", got " + json(m.group(1)) : "";
  }

  private static String json(String javaClass) {
    String c = javaClass.substring(javaClass.lastIndexOf('.') + 1);
    return switch (c) {
      case "String", "CharSequence" -> "a string";
      case "Integer", "Long", "Double", "Float", "Number", "BigDecimal", "BigInteger", "Short", "Byte" -> "a number";
      case "Boolean" -> "true or false";
      case "JsonObject", "Map", "LinkedHashMap" -> "an object";
      case "JsonArray", "List", "ArrayList" -> "an array";
      default -> c;
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
