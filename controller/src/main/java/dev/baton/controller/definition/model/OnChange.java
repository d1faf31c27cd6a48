package dev.baton.controller.definition.model;

/** What a change of a field does to the live resource. */
public enum OnChange {
  /** Changed in place (some kinds stop and start the resource to do it). */
  UPDATE,
  /** The live resource is replaced: removed, then created anew with the same UUID. */
  REPLACE,
  /** Not an attribute of the cloud resource (hand-off settings, notes): never diffed. */
  NONE
}
