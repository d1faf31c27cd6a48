package dev.baton.common.settings;

import java.util.function.Function;

/**
 * One runtime setting: a {@code baton.*} system property (or, for some, an environment variable),
 * its meaning and its default. Read when used, so a test or an operator may change it.
 *
 * @param env the environment variable read when the property is not set, or null
 * @param dflt the default as documented (null: none, or one the caller works out)
 */
public record Setting<T>(String name, String env, String dflt, String description, Function<String, T> parse) {

  public static Setting<Long> ofLong(String name, long dflt, String description) {
    return new Setting<>(name, null, Long.toString(dflt), description, Long::parseLong);
  }

  public static Setting<Integer> ofInt(String name, int dflt, String description) {
    return new Setting<>(name, null, Integer.toString(dflt), description, Integer::parseInt);
  }

  public static Setting<Boolean> ofFlag(String name, String description) {
    return new Setting<>(name, null, "false", description, Boolean::parseBoolean);
  }

  /** A text (a path, an instant) with no fixed default. */
  public static Setting<String> ofText(String name, String env, String description) {
    return new Setting<>(name, env, null, description, s -> s);
  }

  /** The value set, else the default. */
  public T get() {
    T v = orNull();
    return v != null ? v : dflt == null ? null : parse.apply(dflt);
  }

  /** The value set (the property, else the environment variable), or null when neither is. */
  public T orNull() {
    String v = System.getProperty(name);
    if ((v == null || v.isBlank()) && env != null) {
      v = System.getenv(env);
    }
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return parse.apply(v.strip());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the setting " + name + " is \"" + v + "\", which is not "
          + (dflt == null ? "valid" : "like its default " + dflt) + ": " + description, e);
    }
  }
}
