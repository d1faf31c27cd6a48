package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A controller on another host, reached at {@code https://HOST:PORT} with the operator token and
 * its CA pinned as SSH pins a host key: given once ({@code --ca-fingerprint}), kept in the
 * known-controllers file after the first handshake that showed it, and required of every later
 * handshake. The pin is checked in the TLS handshake itself, so a refused controller never sees a
 * request, let alone the token.
 *
 * @param url {@code https://host:port}, normalized ({@link KnownControllers#normalize})
 * @param token the operator token (from BATON_TOKEN or a token file, never the command line)
 * @param fingerprint the CA's fingerprint given this time (hex), or null to rely on the file
 * @param known the known-controllers file
 */
public record RemoteController(String url, String token, String fingerprint, KnownControllers known) {

  /**
   * Connects: a TLS handshake under the pin and {@code /healthz} (which takes no token), then
   * keeps a CA given this time. FAILED_PRECONDITION for an unknown controller without a
   * fingerprint or one whose CA is not the pinned one; UNAVAILABLE when it does not answer.
   *
   * @param notice told when a new controller is pinned
   */
  public ControllerClient connect(Consumer<String> notice) {
    Optional<KnownControllers.Entry> kept = known.find(url);
    if (kept.isPresent() && fingerprint != null && !kept.get().fingerprint().equals(fingerprint)) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "--ca-fingerprint " + CaPin.format(fingerprint)
          + " is not the CA kept for " + url + " (" + CaPin.format(kept.get().fingerprint()) + ", " + known.file()
          + " line " + kept.get().line() + "); if the controller's CA was replaced on purpose, remove line "
          + kept.get().line() + " of " + known.file() + " and run again with the new fingerprint");
    }
    String pin = kept.map(KnownControllers.Entry::fingerprint).orElse(fingerprint);
    ControllerClient client = ControllerClient.pinned(url, token, pin);
    try {
      client.health();
    } catch (BatonException e) {
      throw refused(client, kept, e);
    }
    if (kept.isEmpty()) {
      KnownControllers.Entry added = known.add(url, pin);
      notice.accept("Pinned the CA of " + url + " (" + CaPin.format(pin) + ") in " + known.file() + " line "
          + added.line() + ".");
    }
    return client;
  }

  private String host() {
    return java.net.URI.create(url).getHost();
  }

  /** What to tell of a handshake or answer that failed: the pin's messages are SSH's, anything else as it came. */
  private BatonException refused(ControllerClient client, Optional<KnownControllers.Entry> kept, BatonException e) {
    String shown = client.presentedCa() == null ? null : CaPin.format(client.presentedCa());
    return switch (client.refusal()) {
      case UNKNOWN -> new BatonException(ErrorCode.FAILED_PRECONDITION, "the controller at " + url + " is not known"
          + " (no line for it in " + known.file() + ") and nothing was sent to it. It presents the CA " + shown
          + ". If that is your controller's (its \"serve\" prints \"API CA fingerprint ...\" at start), pin it:"
          + " --ca-fingerprint " + shown + " (or BATON_CA_FINGERPRINT=" + shown + ")");
      case CHANGED -> kept.isPresent()
          ? new BatonException(ErrorCode.FAILED_PRECONDITION, "WARNING: THE CA OF CONTROLLER " + url + " HAS CHANGED."
              + " It presents " + shown + ", " + known.file() + " line " + kept.get().line() + " keeps "
              + CaPin.format(kept.get().fingerprint()) + ". Someone may be impersonating the controller; nothing was"
              + " sent to it. If its CA was replaced on purpose, remove line " + kept.get().line() + " of "
              + known.file() + " and run again with --ca-fingerprint " + shown)
          : new BatonException(ErrorCode.FAILED_PRECONDITION, "the controller at " + url + " presents the CA " + shown
              + ", not " + CaPin.format(fingerprint) + " given by --ca-fingerprint (or BATON_CA_FINGERPRINT); nothing"
              + " was sent to it and nothing was pinned. Check the fingerprint its \"serve\" printed at start");
      case NO_CA -> new BatonException(ErrorCode.FAILED_PRECONDITION, "the server at " + url + " presents no CA"
          + " certificate after its own: it is not a Baton controller's API (serve --api-bind); nothing was sent to it");
      case NONE -> new BatonException(e.code(), e.getMessage().replace("controller API unreachable",
          "the controller at " + url + " cannot be reached") + (e.getMessage().contains("No subject alternative")
              || e.getMessage().contains("No name matching") ? " (its certificate does not name " + host()
              + "; serve it with --api-name " + host() + ", or reach it by a name it has)" : ""), e);
    };
  }
}
