package dev.baton.controller.registry;

/**
 * Where a node is in its life, from launch to ready. The hand-off's own steps (its configuration
 * manager names them: {@code SIGN}, {@code FINAL_RUN}, ...) are not states: a node HANDING_OFF
 * records the step under way beside its state ({@link NodeRecord#step}).
 */
public enum NodeState {
  LAUNCHED, REGISTERED, ATTESTED, HANDING_OFF, READY, FAILED, TERMINATED;

  public boolean terminal() {
    return this == READY || this == FAILED || this == TERMINATED;
  }
}
