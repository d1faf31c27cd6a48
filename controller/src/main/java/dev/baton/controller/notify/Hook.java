package dev.baton.controller.notify;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One configured hook: where it delivers, which events it takes, and how it words them.
 *
 * @param settings the type's own keys (url, smtp, command ...), secrets already resolved
 * @param events event types it takes (empty: all)
 * @param platforms platforms it takes (empty: all)
 * @param customers customers it takes (empty: all)
 * @param template message text with {@code {{path}}} placeholders, or null for the default
 */
public record Hook(String name, String type, JsonObject settings, List<String> events, List<String> platforms,
    List<String> customers, String template) {

  public boolean accepts(Event e) {
    return (events.isEmpty() || events.contains(e.type()))
        && (platforms.isEmpty() || platforms.contains(e.platform()))
        && (customers.isEmpty() || customers.contains(e.customer()));
  }
}
