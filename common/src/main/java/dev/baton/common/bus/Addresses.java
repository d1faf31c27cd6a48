package dev.baton.common.bus;

/**
 * Event-bus addresses agents may use. An agent without an identity may only send to
 * {@link #REGISTER}; an attested node may send only to its own {@link #nodeOut} address and
 * listen only on its own {@link #nodeIn} address. The bridge enforces this on every frame.
 */
public final class Addresses {
  /** Where an agent presents its evidence (request-reply). */
  public static final String REGISTER = "baton.register";

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
