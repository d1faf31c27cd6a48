package dev.baton.controller.plan;

import dev.baton.controller.definition.model.OnChange;

/**
 * One attribute whose live value differs from the definition.
 *
 * @param expected the defined value (null: the attribute should not be there)
 * @param actual the live value (null: missing)
 */
public record AttributeDiff(String attribute, Object expected, Object actual, OnChange mode) {}
