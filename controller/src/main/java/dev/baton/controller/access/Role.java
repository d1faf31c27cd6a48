package dev.baton.controller.access;

import java.util.Locale;

/**
 * What an operator token may do. Each role includes the ones before it: {@code read} sees,
 * {@code operate} also changes platforms and nodes (provision, deploy, run, destroy), {@code admin}
 * also issues and revokes operator tokens and the Puppet masters' certificates.
 */
public enum Role {
  READ, OPERATE, ADMIN;

  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role a user wrote ({@code read}, {@code operate}, {@code admin}); an IllegalArgumentException says which exist. */
  public static Role parse(String s) {
    for (Role r : values()) {
      if (r.label().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException("no role \"" + s + "\"; the roles are read, operate and admin");
  }
}
