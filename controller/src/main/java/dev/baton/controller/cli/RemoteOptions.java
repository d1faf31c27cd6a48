package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.controller.provider.factory.Providers;
import dev.baton.controller.serve.CaPin;
import dev.baton.controller.serve.ControllerAccess;
import dev.baton.controller.serve.ControllerHome;
import dev.baton.controller.serve.KnownControllers;
import dev.baton.controller.serve.RemoteController;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The global options and environment variables that send the CLI to a remote controller
 * ({@code --controller}, {@code --token-file}, {@code --ca-fingerprint}, BATON_CONTROLLER,
 * BATON_TOKEN, BATON_TOKEN_FILE, BATON_CA_FINGERPRINT), checked before anything is sent.
 */
final class RemoteOptions {
  private RemoteOptions() {}

  /** The remote controller's URL as given (option, else BATON_CONTROLLER), or null for this host's. */
  static String url(ControllerMain m) {
    String u = m.controller != null ? m.controller : m.env.apply("BATON_CONTROLLER");
    return u == null || u.isBlank() ? null : u;
  }

  static ControllerAccess access(ControllerMain m) {
    ControllerHome home = ControllerHome.of(Providers.home());
    String given = url(m);
    if (given == null) {
      if (m.caFingerprint != null) {
        throw BatonException.invalid("--ca-fingerprint is for a remote controller; give it with"
            + " --controller https://HOST:PORT (or BATON_CONTROLLER)");
      }
      // a named token for this host's controller too, so that the history says who, not "admin"
      String own = tokenGiven(m) ? token(m) : null;
      return own == null ? ControllerAccess.local(home) : ControllerAccess.local(home, own);
    }
    String where = m.controller != null ? "--controller" : "BATON_CONTROLLER";
    String url = KnownControllers.normalize(given, where);
    String fp = m.caFingerprint != null ? CaPin.parse(m.caFingerprint, "--ca-fingerprint")
        : m.env.apply("BATON_CA_FINGERPRINT") != null && !m.env.apply("BATON_CA_FINGERPRINT").isBlank()
            ? CaPin.parse(m.env.apply("BATON_CA_FINGERPRINT"), "BATON_CA_FINGERPRINT") : null;
    return ControllerAccess.remote(home, new RemoteController(url, token(m), fp, KnownControllers.standard()),
        notice -> m.terminal.err().println(notice));
  }

  private static boolean tokenGiven(ControllerMain m) {
    return m.tokenFile != null || !isBlank(m.env.apply("BATON_TOKEN_FILE")) || !isBlank(m.env.apply("BATON_TOKEN"));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** The operator token: --token-file, else BATON_TOKEN_FILE, else BATON_TOKEN. */
  private static String token(ControllerMain m) {
    String envFile = m.env.apply("BATON_TOKEN_FILE");
    Path file = m.tokenFile != null ? m.tokenFile : envFile != null && !envFile.isBlank() ? Path.of(envFile) : null;
    if (file != null) {
      String what = m.tokenFile != null ? "--token-file " + file : "BATON_TOKEN_FILE=" + file;
      try {
        String t = Files.readString(file).strip();
        warnIfOthersRead(m, file, what);
        if (t.isEmpty() || t.contains("\n")) {
          throw BatonException.invalid(what + ": expected the operator token alone on one line");
        }
        return t;
      } catch (IOException e) {
        throw BatonException.invalid(what + ": cannot read it (" + e.getMessage() + ")");
      }
    }
    String t = m.env.apply("BATON_TOKEN");
    if (t == null || t.isBlank()) {
      throw BatonException.invalid("--controller needs the operator token: set BATON_TOKEN, or give --token-file"
          + " FILE (or BATON_TOKEN_FILE); it is never taken from the command line");
    }
    return t.strip();
  }

  /** A token file others can read is a token others have: said, not refused (the owner decides). */
  private static void warnIfOthersRead(ControllerMain m, Path file, String what) {
    try {
      var perms = Files.getPosixFilePermissions(file);
      if (perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
          || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
        m.terminal.err().println("warning: " + what + " can be read by others than its owner ("
            + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); chmod 600 " + file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no POSIX permissions to look at here
    }
  }
}
