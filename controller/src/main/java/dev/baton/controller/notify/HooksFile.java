package dev.baton.controller.notify;

import dev.baton.common.error.BatonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * {@code hooks.yaml} as a running controller uses it: read at start (a file with errors stops the
 * start), then re-read whenever it changes, as {@code puppet-masters.yaml} is, once two checks in a
 * row see the same file (a write caught half-done is never read). A changed file with errors is
 * not used: the hooks in use stay as they were, and every error is logged at its line.
 */
public final class HooksFile {
  private static final Logger LOG = Logger.getLogger("baton.notify");
  private final Path file;
  private final Function<String, String> env;
  private volatile HookConfig.Config current;
  private volatile Consumer<HookConfig.Config> onChange = c -> { };
  private String seen;
  private String settling;

  /** @throws BatonException listing every error of the file, each with its line */
  public HooksFile(Path file, Function<String, String> env) {
    this.file = file;
    this.env = env;
    this.seen = stamp();
    this.current = HookConfig.load(file, env);
  }

  public HookConfig.Config current() {
    return current;
  }

  /** What to do with the hooks of a changed file, once it reads without error. */
  public void onChange(Consumer<HookConfig.Config> apply) {
    this.onChange = apply;
  }

  /** Re-reads the file if it changed since it was last read; true when new hooks are in use. Blocks: a worker's job. */
  public synchronized boolean check() {
    String now = stamp();
    if (now.equals(seen)) {
      return false;
    }
    if (!now.equals(settling)) {
      // a file is used once two checks see it the same: an editor's write caught half-done is not read
      settling = now;
      return false;
    }
    seen = now;
    HookConfig.Config next;
    try {
      next = HookConfig.load(file, env);
    } catch (BatonException e) {
      LOG.warning(file + " changed and has errors; the hooks in use stay as they were until it is fixed:\n"
          + e.getMessage());
      return false;
    }
    current = next;
    onChange.accept(next);
    LOG.info(() -> file + " changed: " + next.hooks().size() + " hook" + (next.hooks().size() == 1 ? "" : "s")
        + " in use" + (next.hooks().isEmpty() ? "" : " (" + String.join(", ", next.hooks().stream().map(Hook::name)
            .toList()) + ")"));
    return true;
  }

  /** When and how large the file was last written: a change of either is a change. */
  private String stamp() {
    try {
      return Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file) : "absent";
    } catch (IOException e) {
      return "unreadable";
    }
  }
}
