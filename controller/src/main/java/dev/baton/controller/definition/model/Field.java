package dev.baton.controller.definition.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one field of a definition. The binder, the validator, the JSON Schema, the
 * reference documentation and {@code controller new} all read these, so they cannot disagree.
 * The YAML key is the component name in snake_case.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Field {
  /** One sentence for operators: what it is, in their words. */
  String doc();

  boolean required() default false;

  /** The default as YAML text; empty when there is none. */
  String dflt() default "";

  /** An example value as YAML text, used by {@code controller new} and the docs. */
  String example() default "";

  Format format() default Format.TEXT;

  /** For references: the kind of resource named (snake_case kind name). */
  String ref() default "";

  /**
   * A weak reference names a resource without ordering creation after it: security-group rules
   * may name each other, so the groups are created first and the rules after.
   */
  boolean weak() default false;

  /** What changing this field does to the live resource; see {@link OnChange}. */
  OnChange onChange() default OnChange.UPDATE;

  /** What an in-place update of this field costs, shown in plans ("stops and starts the instance"). */
  String updateNote() default "";

  /** Written with its example (not commented out) in files made by {@code controller new}. */
  boolean scaffold() default false;

  long min() default Long.MIN_VALUE;

  long max() default Long.MAX_VALUE;
}
