package dev.baton.controller.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The two HTTP hooks: a signed JSON webhook, and a Slack-compatible incoming webhook. */
public final class HttpNotifiers {
  private HttpNotifiers() {}

  /** POSTs the event as JSON, signed (X-Baton-Signature over X-Baton-Timestamp and the body). */
  public static final class Webhook implements Notifier {
    private final HttpClient http;

    public Webhook(Vertx vertx) {
      this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    }

    @Override
    public Future<Void> deliver(Event e, Hook h) {
      JsonObject body = e.toJson();
      if (h.template() != null) {
        body.put("message", Templates.render(h.template(), e));
      }
      String text = body.encode();
      String ts = Long.toString(System.currentTimeMillis() / 1000);
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(h.settings().getString("url"))
          .setTimeout(10_000).putHeader("Content-Type", "application/json").putHeader("User-Agent", "baton")
          .putHeader("X-Baton-Event", e.type()).putHeader("X-Baton-Delivery", e.id()).putHeader("X-Baton-Timestamp", ts);
      String secret = h.settings().getString("secret");
      if (secret != null) {
        o.putHeader("X-Baton-Signature", Signatures.sign(secret, ts, text));
      }
      return post(http, o, text);
    }
  }

  /** Slack incoming webhook: a text line and blocks with the node, platform, state and timings or reason. */
  public static final class Slack implements Notifier {
    private final HttpClient http;

    public Slack(Vertx vertx) {
      this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    }

    @Override
    public Future<Void> deliver(Event e, Hook h) {
      String text = Templates.render(h.template(), e, Templates::slack);
      JsonArray fields = new JsonArray().add(field("Platform", Templates.slack(e.platform() + (e.env() == null ? ""
          : "/" + e.env())))).add(field("Event", Templates.slack(e.type())));
      if (e.data().getString("state") != null) {
        fields.add(field("State", Templates.slack(e.data().getString("state"))));
      }
      String detail = Templates.slack(e.data().getString("reason") != null ? e.data().getString("reason")
          : Templates.phases(e));
      JsonArray blocks = new JsonArray().add(new JsonObject().put("type", "section")
          .put("text", new JsonObject().put("type", "mrkdwn").put("text", text)).put("fields", fields));
      if (!detail.isEmpty()) {
        blocks.add(new JsonObject().put("type", "context").put("elements", new JsonArray()
            .add(new JsonObject().put("type", "mrkdwn").put("text", detail))));
      }
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(h.settings().getString("url"))
          .setTimeout(10_000).putHeader("Content-Type", "application/json");
      return post(http, o, new JsonObject().put("text", text).put("blocks", blocks).encode());
    }

    private static JsonObject field(String name, String value) {
      return new JsonObject().put("type", "mrkdwn").put("text", "*" + name + "*\n" + value);
    }
  }

  static Future<Void> post(HttpClient http, RequestOptions o, String body) {
    // the answer is read to its end: the exchange is over (and the connection free) when delivery is reported
    return http.request(o).compose(req -> req.send(Buffer.buffer(body))).compose(resp -> resp.body().compose(b -> {
      if (resp.statusCode() >= 200 && resp.statusCode() < 300) {
        return Future.<Void>succeededFuture();
      }
      return Future.<Void>failedFuture("HTTP " + resp.statusCode());
    }));
  }
}
