package dev.baton.controller.plan;

import dev.baton.controller.definition.model.OnChange;

/**
 * One attribute whose live value differs from the definition.
 *
 * @param expected the defined value (null: the attribute should not be there)
 * @param actual the live value (null: missing)
 * @param follows true when the value itself is right but names a resource that is being
 *     replaced, so it must follow the new one (not drift)
 */
public record AttributeDiff(String attribute, Object expected, Object actual, OnChange mode, boolean follows) {

  public AttributeDiff(String attribute, Object expected, Object actual, OnChange mode) {
    this(attribute, expected, actual, mode, false);
  }
}
