package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import dev.baton.common.store.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The controllers this user's CLI has met, like SSH's known_hosts: one line per controller URL,
 * {@code https://HOST:PORT SHA256:FINGERPRINT}, the fingerprint of the CA its API's chain
 * presented when it was first pinned. Blank lines and lines starting with # are ignored. A line
 * is only ever appended; the operator removes one when a controller's CA was replaced on purpose.
 */
public final class KnownControllers {
  /** One kept controller, with its line in the file (for "remove line N"). */
  public record Entry(String url, String fingerprint, int line) {}

  private final Path file;

  public KnownControllers(Path file) {
    this.file = file;
  }

  /**
   * The file: {@code BATON_KNOWN_CONTROLLERS}, else {@code $XDG_CONFIG_HOME/baton/known_controllers},
   * else {@code ~/.config/baton/known_controllers}. The user's, not BATON_HOME's: the pins are of the
   * operator, whatever home a command runs with.
   */
  public static KnownControllers standard() {
    String set = System.getenv("BATON_KNOWN_CONTROLLERS");
    if (set != null && !set.isBlank()) {
      return new KnownControllers(Path.of(set));
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return new KnownControllers(config.resolve("baton").resolve("known_controllers"));
  }

  public Path file() {
    return file;
  }

  /**
   * {@code https://host:port} of {@code url} (lowercase host, port always written), the form lines
   * are kept in; INVALID_ARGUMENT naming {@code where} for anything but an https URL without a path.
   */
  public static String normalize(String url, String where) {
    URI u;
    try {
      u = new URI(url.strip());
    } catch (java.net.URISyntaxException e) {
      throw BatonException.invalid(where + ": \"" + url + "\" is not a URL; expected https://HOST:PORT");
    }
    if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw BatonException.invalid(where + ": \"" + url + "\" must be https://HOST:PORT (a remote controller is"
          + " reached over TLS only; serve it with --api-bind)");
    }
    if ((u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) || u.getQuery() != null
        || u.getFragment() != null || u.getUserInfo() != null) {
      throw BatonException.invalid(where + ": \"" + url + "\" must be https://HOST:PORT, without a path, user or query");
    }
    return "https://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + (u.getPort() == -1 ? 443 : u.getPort());
  }

  /** Every line kept, in order; INVALID_ARGUMENT naming the file and line of one that is not a controller's. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw BatonException.invalid("cannot read " + file + ": " + e.getMessage());
    }
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1);
      String[] parts = l.split("\\s+");
      if (parts.length != 2) {
        throw BatonException.invalid(where + ": expected \"https://HOST:PORT SHA256:FINGERPRINT\"; fix or remove"
            + " the line");
      }
      out.add(new Entry(normalize(parts[0], where), CaPin.parse(parts[1], where), i + 1));
    }
    return out;
  }

  /** The kept CA of {@code url} (normalized), if any. */
  public Optional<Entry> find(String url) {
    return entries().stream().filter(e -> e.url().equals(url)).findFirst();
  }

  /**
   * Keeps {@code fingerprint} for {@code url}, appended as a new line (the file and its directory
   * made if missing). FAILED_PRECONDITION when the URL already has a line: a pin is never changed
   * here, only by the operator removing its line.
   */
  public Entry add(String url, String fingerprint) {
    Optional<Entry> kept = find(url);
    if (kept.isPresent()) {
      if (kept.get().fingerprint().equals(fingerprint)) {
        return kept.get();
      }
      throw new BatonException(dev.baton.common.error.ErrorCode.FAILED_PRECONDITION, url + " is already kept with"
          + " another CA at " + file + ":" + kept.get().line() + "; remove that line if its CA was replaced");
    }
    try {
      String before = Files.exists(file) ? Files.readString(file) : "";
      if (!before.isEmpty() && !before.endsWith("\n")) {
        before += "\n";
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.write(file, before + url + " " + CaPin.format(fingerprint) + "\n", false);
      return new Entry(url, fingerprint, (int) (before + url).lines().count());
    } catch (IOException e) {
      throw BatonException.invalid("cannot write " + file + ": " + e.getMessage());
    }
  }
}
