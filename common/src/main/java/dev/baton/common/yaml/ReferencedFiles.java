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
    if (written.isAbsolute()) {
      return written.normalize();
    }
    Path dir = file.toAbsolutePath().normalize().getParent();
    Path homeDir = home.toAbsolutePath().normalize();
    Path root = dir.startsWith(homeDir) ? homeDir : dir;
    Path resolved = dir.resolve(written).normalize();
    if (!resolved.startsWith(root)) {
      throw new IllegalArgumentException(key + " \"" + value + "\" leads out of " + root
          + "; keep the file under " + root + " or write its absolute path");
    }
    return resolved;
  }
}
