package dev.baton.controller.registry;

/** Where a node is, from launch to ready. The hand-off phases come between ATTESTED and READY. */
public enum NodeState {
  LAUNCHED, REGISTERED, ATTESTED, CHOOSE_MASTER, CONFIGURE_NODE, CLEAN_CERTS, SIGN, BOOTSTRAP_RUN, FINAL_RUN,
  READY, FAILED, TERMINATED;

  public boolean terminal() {
    return this == READY || this == FAILED || this == TERMINATED;
  }
}
