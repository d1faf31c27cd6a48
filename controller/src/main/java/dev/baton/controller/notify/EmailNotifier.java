package dev.baton.controller.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Email through SMTP (Vert.x Mail): STARTTLS and authentication as configured; a readable subject and body. */
public final class EmailNotifier implements Notifier {
  private final Vertx vertx;
  private final Map<String, MailClient> clients = new ConcurrentHashMap<>();

  public EmailNotifier(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Void> deliver(Event e, Hook h) {
    JsonObject s = h.settings();
    JsonObject smtp = s.getJsonObject("smtp", new JsonObject());
    MailClient client = clients.computeIfAbsent(h.name(), k -> {
      MailConfig c = new MailConfig().setHostname(smtp.getString("host", "localhost")).setPort(smtp.getInteger("port", 25))
          .setStarttls(StartTLSOptions.valueOf(smtp.getString("starttls", "optional").toUpperCase()))
          .setTrustAll(false);
      // the server's certificate is checked: against "trust" (PEM) when given, else the system's CAs
      c.setHostnameVerificationAlgorithm("HTTPS");
      if (smtp.getString("trust") != null) {
        c.setTrustOptions(new io.vertx.core.net.PemTrustOptions()
            .addCertValue(io.vertx.core.buffer.Buffer.buffer(smtp.getString("trust"))));
      }
      if (smtp.getString("username") != null) {
        c.setLogin(LoginOption.REQUIRED).setUsername(smtp.getString("username")).setPassword(smtp.getString("password"));
      } else {
        c.setLogin(LoginOption.DISABLED);
      }
      return MailClient.create(vertx, c);
    });
    List<String> to = new ArrayList<>();
    s.getJsonArray("to", new JsonArray()).forEach(x -> to.add(x.toString()));
    String subject = "[Baton] " + Templates.render(s.getString("subject", null) == null ? null : s.getString("subject"), e,
        Templates::plain);
    StringBuilder body = new StringBuilder(Templates.render(h.template(), e, Templates::plain)).append("\n\n");
    body.append("Event:    ").append(e.type()).append('\n');
    body.append("Platform: ").append(e.platform()).append(e.env() == null ? "" : "/" + e.env())
        .append(" (customer ").append(e.customer()).append(")\n");
    body.append("Time:     ").append(e.time()).append('\n');
    String phases = Templates.phases(e);
    if (!phases.isEmpty()) {
      body.append("Phases:   ").append(phases).append('\n');
    }
    if (e.data().getString("reason") != null) {
      body.append("Reason:   ").append(e.data().getString("reason")).append('\n');
    }
    body.append("Event ID: ").append(e.id()).append('\n');
    MailMessage m = new MailMessage().setFrom(s.getString("from", "baton@localhost")).setTo(to)
        .setSubject(subject.length() > 200 ? subject.substring(0, 200) : subject).setText(body.toString());
    return client.sendMail(m).mapEmpty();
  }
}
