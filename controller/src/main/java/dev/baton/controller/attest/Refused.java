package dev.baton.controller.attest;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;

/** Evidence was refused; {@code reason} is a stable key, the message says why in words. */
public final class Refused extends BatonException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public Refused(String reason, String message) {
    super(ErrorCode.PERMISSION_DENIED, message, false, null);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
