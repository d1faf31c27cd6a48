package dev.baton.common.yaml;

import java.nio.file.Path;

/**
 * Where a path written in a configuration file points. A relative path is read relative to the
 * file that names it and must stay inside the controller's home (or, for a file kept outside the
 * home, inside that file's own directory): a configuration that someone else could edit must not
 * become a way to read {@code /etc/shadow}. An absolute path is the operator's explicit choice and
 * is taken as written.
 */
public final class ReferencedFiles {
  private ReferencedFiles() {}

  /** The {@code baton.home} system property, else {@code BATON_HOME}, else {@code ~/.baton}. */
  public static Path home() {
    String set = dev.baton.common.settings.Settings.HOME.orNull();
    return set != null ? Path.of(set) : Path.of(System.getProperty("user.home"), ".baton");
  }

  /** {@link #resolve(Path, String, String, Path)} within {@link #home()}. */
  public static Path resolve(Path file, String key, String value) {
    return resolve(file, key, value, home());
  }

  /**
   * Resolves {@code value} written in {@code file}.
   *
   * @param home the controller's home (BATON_HOME)
   * @throws IllegalArgumentException naming the key and the directory it left; never the file's content
   */
  public static Path resolve(Path file, String key, String value, Path home) {
    Path written = Path.of(value);
    Path homeDir = home.toAbsolutePath().normalize();
    Path resolved;
    if (written.isAbsolute()) {
      resolved = written.normalize();
    } else {
      Path dir = file.toAbsolutePath().normalize().getParent();
      Path root = dir.startsWith(homeDir) ? homeDir : dir;
      resolved = dir.resolve(written).normalize();
      if (!resolved.startsWith(root)) {
        throw new IllegalArgumentException(key + " \"" + value + "\" leads out of " + root
            + "; keep the file under " + root + " or write its absolute path");
      }
    }
    for (String own : OWN_SECRETS) {
      if (resolved.startsWith(homeDir.resolve(own))) {
        throw new IllegalArgumentException(key + " \"" + value + "\" names the controller's own " + own
            + ", which no configuration file may read (a hook would send it elsewhere)");
      }
    }
    return resolved;
  }

  /** What a configuration file may never point at: the controller's keys, tokens and operator token. */
  private static final java.util.List<String> OWN_SECRETS = java.util.List.of("controller/ca", "controller/puppet-ca",
      "controller/operator-token", "controller/tokens.json", "controller/tokens.json.log", "controller/handoffs.json");
}
