package dev.baton.controller.notify;

import dev.baton.common.error.BatonException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads {@code hooks.yaml} (docs/notifications.md). Secrets are never in the file: a key
 * {@code X_env} names an environment variable and {@code X_file} a file that holds the value of
 * {@code X} (secret, url, password). Problems name the file, the hook and what to do.
 */
public final class HookConfig {
  private static final Set<String> TYPES = Set.of("webhook", "slack", "email", "command");
  private static final Set<String> COMMON = Set.of("name", "type", "events", "platforms", "customers", "template");

  /** Retries: attempts in all, the first backoff and the largest, in seconds. */
  public record Retry(int maxAttempts, long baseSeconds, long maxSeconds) {
    public static Retry defaults() {
      return new Retry(8, 2, 600);
    }
  }

  public record Config(List<Hook> hooks, Retry retry) {}

  private HookConfig() {}

  public static Config load(Path file, Function<String, String> env) {
    if (!Files.exists(file)) {
      return new Config(List.of(), Retry.defaults());
    }
    Object root;
    try {
      LoaderOptions lo = new LoaderOptions();
      lo.setAllowDuplicateKeys(false);
      lo.setMaxAliasesForCollections(10);
      root = new Yaml(new SafeConstructor(lo)).load(Files.readString(file));
    } catch (IOException | YAMLException e) {
      throw BatonException.invalid(file + ": cannot read the hooks: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null) {
      return new Config(List.of(), Retry.defaults());
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw BatonException.invalid(file + ": expected \"hooks:\" (a list) and optionally \"retry:\"");
    }
    JsonObject o = new JsonObject(toStringKeys(m));
    List<Hook> hooks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    JsonArray list = o.getJsonArray("hooks", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject h = list.getJsonObject(i);
      String name = h.getString("name");
      String where = file + ": hook " + (name == null ? "#" + (i + 1) : "\"" + name + "\"");
      if (name == null || !name.matches("^[a-z0-9][a-z0-9-]*$")) {
        throw BatonException.invalid(where + ": needs a name of lowercase letters, digits and '-'");
      }
      if (!names.add(name)) {
        throw BatonException.invalid(where + ": the name is used twice");
      }
      String type = h.getString("type");
      if (!TYPES.contains(type)) {
        throw BatonException.invalid(where + ": type must be one of webhook, slack, email, command, not " + type);
      }
      List<String> events = strings(h.getJsonArray("events", new JsonArray()));
      for (String ev : events) {
        if (!Event.TYPES.contains(ev)) {
          throw BatonException.invalid(where + ": unknown event \"" + ev + "\"; the events are " + Event.TYPES);
        }
      }
      JsonObject settings = resolveSecrets(file, h.copy(), where, env);
      COMMON.forEach(settings::remove);
      switch (type) {
        case "webhook", "slack" -> {
          require(settings, "url", where);
          checkUrl(settings.getValue("url"), where);
        }
        case "email" -> {
          require(settings, "to", where);
          JsonObject smtp = settings.getJsonObject("smtp", new JsonObject());
          settings.put("smtp", resolveSecrets(file, smtp, where + " smtp", env));
        }
        case "command" -> {
          if (settings.getJsonArray("command", new JsonArray()).isEmpty()) {
            throw BatonException.invalid(where + ": needs \"command: [/path/to/program, args...]\"");
          }
        }
        default -> { }
      }
      hooks.add(new Hook(name, type, settings, events, strings(h.getJsonArray("platforms", new JsonArray())),
          strings(h.getJsonArray("customers", new JsonArray())), h.getString("template")));
    }
    JsonObject r = o.getJsonObject("retry", new JsonObject());
    Retry d = Retry.defaults();
    return new Config(List.copyOf(hooks), new Retry(r.getInteger("max_attempts", d.maxAttempts()),
        r.getLong("base_seconds", d.baseSeconds()), r.getLong("max_seconds", d.maxSeconds())));
  }

  private static void require(JsonObject s, String key, String where) {
    if (s.getValue(key) == null) {
      throw BatonException.invalid(where + ": needs \"" + key + "\" (or \"" + key + "_env\" / \"" + key + "_file\")");
    }
  }

  /**
   * A hook's URL often is the secret (a Slack incoming webhook's path is its credential): the
   * error says what is wrong with it and never prints it.
   */
  private static void checkUrl(Object value, String where) {
    String why = null;
    if (!(value instanceof String s)) {
      why = "is not a text";
    } else {
      try {
        java.net.URI u = new java.net.URI(s.strip());
        if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
          why = "does not start with https:// (or http://)";
        } else if (u.getHost() == null || u.getHost().isEmpty()) {
          why = "has no host name";
        }
      } catch (java.net.URISyntaxException e) {
        why = "is not a URL (" + e.getReason() + " at character " + (e.getIndex() + 1) + ")";
      }
    }
    if (why != null) {
      throw BatonException.invalid(where + ": the url " + why + "; give the full address, for example"
          + " https://hooks.example.com/baton (its value is not shown here: it may be a secret)");
    }
  }

  /**
   * Replaces {@code X_env} and {@code X_file} keys by {@code X} with the value they point at. A
   * relative {@code X_file} is read relative to the hooks file and must stay within BATON_HOME.
   */
  private static JsonObject resolveSecrets(Path file, JsonObject o, String where, Function<String, String> env) {
    for (String key : new ArrayList<>(o.fieldNames())) {
      if (key.endsWith("_env")) {
        String var = o.getString(key);
        String value = env.apply(var);
        if (value == null || value.isEmpty()) {
          throw BatonException.invalid(where + ": the environment variable " + var + " (" + key + ") is not set");
        }
        o.remove(key);
        o.put(key.substring(0, key.length() - 4), value);
      } else if (key.endsWith("_file")) {
        Path p;
        try {
          p = dev.baton.common.yaml.ReferencedFiles.resolve(file, key, o.getString(key));
        } catch (IllegalArgumentException e) {
          throw BatonException.invalid(where + ": " + e.getMessage());
        }
        try {
          o.remove(key);
          o.put(key.substring(0, key.length() - 5), Files.readString(p).trim());
        } catch (IOException e) {
          throw BatonException.invalid(where + ": cannot read " + p + " (" + key + "): " + e.getClass().getSimpleName());
        }
      }
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toStringKeys(Map<?, ?> m) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> mm ? toStringKeys(mm)
        : v instanceof List<?> l ? l.stream().map(x -> x instanceof Map<?, ?> xm ? toStringKeys(xm) : x).toList() : v));
    return out;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(String.valueOf(x)));
    return out;
  }
}
