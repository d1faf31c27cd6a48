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
import java.util.Set;
import java.util.function.Function;
import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import dev.baton.common.yaml.SafeYaml;
import dev.baton.common.yaml.YNode;

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

  /** A problem of one key of a hook: reported at that key's line. */
  private static final class Problem extends RuntimeException {
    final String key;

    Problem(String key, String message) {
      super(message, null, false, false);
      this.key = key;
    }
  }

  /**
   * Reads {@code file} (absent or empty: no hooks). Every problem is found, each at its line; a
   * file with any is refused whole ({@link BatonException} listing them, one per line).
   */
  public static Config load(Path file, Function<String, String> env) {
    if (!Files.exists(file)) {
      return new Config(List.of(), Retry.defaults());
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw BatonException.invalid(file + ": cannot read the hooks: " + e.getClass().getSimpleName());
    }
    Diagnostics diags = new Diagnostics();
    String name = file.toString();
    List<SafeYaml.Document> docs = SafeYaml.loadAll(name, text, diags);
    Config config = diags.isEmpty() ? parse(file, docs, env, diags) : null;
    if (!diags.isEmpty()) {
      throw BatonException.invalid(String.join("\n", diags.sorted().stream().map(Object::toString).toList()));
    }
    return config;
  }

  private static Config parse(Path file, List<SafeYaml.Document> docs, Function<String, String> env, Diagnostics diags) {
    if (docs.isEmpty()) {
      return new Config(List.of(), Retry.defaults());
    }
    if (docs.size() > 1 || !(docs.get(0).root() instanceof YNode.YMap root)) {
      diags.error(docs.get(0).pos(), "expected \"hooks:\" (a list) and optionally \"retry:\"");
      return null;
    }
    for (String k : root.keys().keySet()) {
      if (!k.equals("hooks") && !k.equals("retry")) {
        diags.error(root.keyPos(k), "unknown key \"" + k + "\"; the file has \"hooks:\" (a list) and \"retry:\"");
      }
    }
    List<Hook> hooks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    YNode list = root.get("hooks");
    if (list != null && !(list instanceof YNode.YSeq) && !(list instanceof YNode.YScalar sc && sc.isNull())) {
      diags.error(list.pos(), "\"hooks\" must be a list, not " + shape(list));
    } else if (list instanceof YNode.YSeq seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        YNode item = seq.items().get(i);
        if (!(item instanceof YNode.YMap h)) {
          diags.error(item.pos(), "a hook is a mapping (name, type, events ...), not " + shape(item));
          continue;
        }
        Hook hook = hook(file, h, i, names, env, diags);
        if (hook != null) {
          hooks.add(hook);
        }
      }
    }
    Retry d = Retry.defaults();
    YNode r = root.get("retry");
    if (r == null) {
      return new Config(List.copyOf(hooks), d);
    }
    if (!(r instanceof YNode.YMap rm)) {
      diags.error(r.pos(), "\"retry\" is a mapping (max_attempts, base_seconds, max_seconds), not " + shape(r));
      return null;
    }
    return new Config(List.copyOf(hooks), new Retry(number(rm, "max_attempts", d.maxAttempts(), diags),
        number(rm, "base_seconds", (int) d.baseSeconds(), diags), number(rm, "max_seconds", (int) d.maxSeconds(), diags)));
  }

  private static int number(YNode.YMap m, String key, int dflt, Diagnostics diags) {
    YNode n = m.get(key);
    if (n == null) {
      return dflt;
    }
    if (n instanceof YNode.YScalar s && s.plain() && s.text().matches("[1-9][0-9]{0,8}")) {
      return Integer.parseInt(s.text());
    }
    diags.error(n.pos(), "\"" + key + "\" must be a whole number of at least 1, not " + n.describe());
    return dflt;
  }

  /** What a misplaced value is, without its text (a hook's value may be its secret URL). */
  private static String shape(YNode n) {
    return n instanceof YNode.YScalar sc ? (sc.isNull() ? "an empty value" : "a text") : n.describe();
  }

  /** One hook, or null after its problems went to {@code diags}. */
  private static Hook hook(Path file, YNode.YMap h, int i, Set<String> names, Function<String, String> env,
      Diagnostics diags) {
    int before = diags.size();
    JsonObject o = (JsonObject) toJson(h);
    String name = o.getValue("name") instanceof String n ? n : null;
    String where = "hook " + (name == null ? "#" + (i + 1) : "\"" + name + "\"");
    if (name == null || !name.matches("^[a-z0-9][a-z0-9-]*$")) {
      diags.error(h.keyPos("name"), where + ": needs a name of lowercase letters, digits and '-'");
    } else if (!names.add(name)) {
      diags.error(h.keyPos("name"), where + ": the name is used twice");
    }
    Object type = o.getValue("type");
    if (!TYPES.contains(type)) {
      diags.error(h.keyPos("type"), where + ": type must be one of webhook, slack, email, command, not " + type);
    }
    List<String> events = strings(o, "events", h, where, diags);
    YNode eventsNode = h.get("events");
    for (int k = 0; k < events.size(); k++) {
      if (!Event.TYPES.contains(events.get(k))) {
        Pos at = eventsNode instanceof YNode.YSeq es ? es.items().get(k).pos() : h.keyPos("events");
        diags.error(at, where + ": unknown event \"" + events.get(k) + "\"; the events are " + Event.TYPES);
      }
    }
    List<String> platforms = strings(o, "platforms", h, where, diags);
    List<String> customers = strings(o, "customers", h, where, diags);
    Object template = o.getValue("template");
    if (template != null && !(template instanceof String)) {
      diags.error(h.keyPos("template"), where + ": the template is a text");
    }
    if (diags.size() > before) {
      return null;
    }
    try {
      JsonObject settings = resolveSecrets(file, o.copy(), where, env);
      COMMON.forEach(settings::remove);
      switch ((String) type) {
        case "webhook", "slack" -> {
          require(settings, "url", where);
          checkUrl(settings.getValue("url"), where, urlKey(o));
        }
        case "email" -> {
          require(settings, "to", where);
          Object smtp = settings.getValue("smtp");
          if (smtp != null && !(smtp instanceof JsonObject)) {
            throw new Problem("smtp", where + ": smtp is a mapping (host, port, starttls, username ...)");
          }
          try {
            settings.put("smtp", resolveSecrets(file, smtp == null ? new JsonObject() : (JsonObject) smtp, where
                + " smtp", env));
          } catch (Problem p) {
            YNode sm = h.get("smtp");
            diags.error(sm instanceof YNode.YMap m ? m.keyPos(p.key) : h.keyPos("smtp"), p.getMessage());
            return null;
          }
        }
        case "command" -> {
          if (!(settings.getValue("command") instanceof JsonArray c) || c.isEmpty()) {
            throw new Problem("command", where + ": needs \"command: [/path/to/program, args...]\"");
          }
        }
        default -> { }
      }
      return new Hook(name, (String) type, settings, events, platforms, customers, (String) template);
    } catch (Problem p) {
      diags.error(h.keyPos(p.key), p.getMessage());
      return null;
    }
  }

  /** Where the hook's url was written: url, url_env or url_file. */
  private static String urlKey(JsonObject hook) {
    return hook.containsKey("url_file") ? "url_file" : hook.containsKey("url_env") ? "url_env" : "url";
  }

  /** A list of texts (a single text is a list of one); null or absent: empty. */
  private static List<String> strings(JsonObject o, String key, YNode.YMap h, String where, Diagnostics diags) {
    Object v = o.getValue(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof JsonArray a && a.stream().allMatch(x -> x instanceof String)) {
      return a.stream().map(String.class::cast).toList();
    }
    diags.error(h.keyPos(key), where + ": \"" + key + "\" is a list of texts");
    return List.of();
  }

  /** Plain data for the hook's settings: whole numbers and true/false as such, everything else a text. */
  private static Object toJson(YNode n) {
    if (n instanceof YNode.YMap m) {
      JsonObject o = new JsonObject();
      m.values().forEach((k, v) -> o.put(k, toJson(v)));
      return o;
    }
    if (n instanceof YNode.YSeq s) {
      JsonArray a = new JsonArray();
      s.items().forEach(x -> a.add(toJson(x)));
      return a;
    }
    YNode.YScalar sc = (YNode.YScalar) n;
    if (sc.isNull()) {
      return null;
    }
    if (sc.plain() && sc.text().matches("-?[0-9]{1,9}")) {
      return Integer.parseInt(sc.text());
    }
    if (sc.plain() && (sc.text().equals("true") || sc.text().equals("false"))) {
      return Boolean.parseBoolean(sc.text());
    }
    return sc.text();
  }

  private static void require(JsonObject s, String key, String where) {
    if (s.getValue(key) == null) {
      throw new Problem(key, where + ": needs \"" + key + "\" (or \"" + key + "_env\" / \"" + key + "_file\")");
    }
  }

  /**
   * A hook's URL often is the secret (a Slack incoming webhook's path is its credential): the
   * error says what is wrong with it and never prints it.
   */
  private static void checkUrl(Object value, String where, String key) {
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
      throw new Problem(key, where + ": the url " + why + "; give the full address, for example"
          + " https://hooks.example.com/baton (its value is not shown here: it may be a secret)");
    }
  }

  /**
   * Replaces {@code X_env} and {@code X_file} keys by {@code X} with the value they point at. A
   * relative {@code X_file} is read relative to the hooks file and must stay within BATON_HOME.
   */
  private static JsonObject resolveSecrets(Path file, JsonObject o, String where, Function<String, String> env) {
    for (String key : new ArrayList<>(o.fieldNames())) {
      if ((key.endsWith("_env") || key.endsWith("_file")) && !(o.getValue(key) instanceof String)) {
        throw new Problem(key, where + ": " + key + " names " + (key.endsWith("_env") ? "an environment variable"
            : "a file") + " (a text)");
      }
      if (key.endsWith("_env")) {
        String var = o.getString(key);
        String value = env.apply(var);
        if (value == null || value.isEmpty()) {
          throw new Problem(key, where + ": the environment variable " + var + " (" + key + ") is not set");
        }
        o.remove(key);
        o.put(key.substring(0, key.length() - 4), value);
      } else if (key.endsWith("_file")) {
        Path p;
        try {
          p = dev.baton.common.yaml.ReferencedFiles.resolve(file, key, o.getString(key));
        } catch (IllegalArgumentException e) {
          throw new Problem(key, where + ": " + e.getMessage());
        }
        try {
          o.remove(key);
          o.put(key.substring(0, key.length() - 5), Files.readString(p).trim());
        } catch (IOException e) {
          throw new Problem(key, where + ": cannot read " + p + " (" + key + "): " + e.getClass().getSimpleName());
        }
      }
    }
    return o;
  }

}
