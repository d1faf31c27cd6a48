package dev.baton.controller.definition.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a record as the fields of one resource kind, with its operator-facing description. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Kind {
  /** The kind as written in YAML ({@code kind: subnet}). */
  String value();

  String doc();
}
