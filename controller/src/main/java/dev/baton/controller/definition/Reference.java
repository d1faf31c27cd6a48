package dev.baton.controller.definition;

import dev.baton.common.error.Pos;
import dev.baton.controller.definition.model.ResourceKind;

/**
 * A name in one resource that refers to another resource of the same platform.
 *
 * @param path where it is written, such as {@code volumes[0].volume}
 * @param weak true when it does not order creation (security-group rules)
 */
public record Reference(String path, ResourceKind target, String name, Pos pos, boolean weak) {
  public String targetAddress() {
    return target.yaml() + "/" + name;
  }
}
