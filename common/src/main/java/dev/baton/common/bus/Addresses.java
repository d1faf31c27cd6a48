package dev.baton.common.bus;

/**
 * Event-bus addresses agents may use. An agent without an identity may only send to
 * {@link #REGISTER}; an attested node may send only to its own {@link #nodeOut} address and to
 * {@link #RENEW}, and listen only on its own {@link #nodeIn} address. The bridge enforces this on
 * every frame.
 */
public final class Addresses {
  /** Where an agent presents its evidence (request-reply). */
  public static final String REGISTER = "baton.register";

  /**
   * Where an attested node asks for a new identity certificate for the key it holds, before its
   * certificate expires (request-reply; the bridge names the node in {@link #NODE_HEADER}).
   */
  public static final String RENEW = "baton.renew";

  private Addresses() {}

  /** Controller to node. */
  public static String nodeIn(String nodeId) {
    return "baton.node." + nodeId + ".in";
  }

  /** Node to controller. */
  public static String nodeOut(String nodeId) {
    return "baton.node." + nodeId + ".out";
  }

  /** Header the bridge sets (never the client) on every message from an attested node. */
  public static final String NODE_HEADER = "baton-node";
}
