package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import java.util.Locale;

/**
 * The SHA-256 fingerprint of a controller CA as operators write it: {@code SHA256:} and 64 hex
 * digits, colons between byte pairs allowed (what {@code openssl x509 -fingerprint -sha256} prints).
 * Kept as lowercase hex without colons, the form {@code CertificateAuthority.fingerprint} gives.
 */
public final class CaPin {
  private CaPin() {}

  /** {@code SHA256:hex} of a lowercase hex fingerprint. */
  public static String format(String hex) {
    return "SHA256:" + hex;
  }

  /**
   * The hex of {@code text}, or INVALID_ARGUMENT naming {@code where} (an option, a file and line).
   */
  public static String parse(String text, String where) {
    String t = text == null ? "" : text.strip();
    if (!t.regionMatches(true, 0, "SHA256:", 0, 7)) {
      throw BatonException.invalid(where + ": \"" + t + "\" is not a CA fingerprint; expected SHA256: and 64 hex"
          + " digits (the controller prints it at start: \"API CA fingerprint SHA256:...\")");
    }
    String hex = t.substring(7).replace(":", "").toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw BatonException.invalid(where + ": \"" + t + "\" is not a SHA-256 fingerprint (64 hex digits after"
          + " SHA256:, colons allowed)");
    }
    return hex;
  }
}
