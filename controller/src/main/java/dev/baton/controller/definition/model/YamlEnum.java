package dev.baton.controller.definition.model;

import java.util.Locale;

/** An enumeration written in YAML by {@link #yaml()}: lowercase constant name by default. */
public interface YamlEnum {
  default String yaml() {
    return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
  }
}
