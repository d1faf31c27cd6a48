package dev.baton.controller.definition;

import dev.baton.common.error.Pos;
import dev.baton.controller.definition.model.CommonFields;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.ResourceSpec;
import java.util.List;
import java.util.Map;

/** One resource of a platform, as defined, with where each of its values was written. */
public record Resource(ResourceKind kind, CommonFields common, ResourceSpec spec, Positions positions,
    List<Reference> references) {

  public String name() {
    return common.name();
  }

  public String uuid() {
    return common.uuid();
  }

  /** {@code KIND/NAME}, such as {@code subnet/web-a}. */
  public String address() {
    return kind.yaml() + "/" + name();
  }

  public Pos pos() {
    return positions.root();
  }

  public Pos pos(String path) {
    return positions.at(path);
  }

  public Map<String, String> tags() {
    return common.tags();
  }

  @SuppressWarnings("unchecked")
  public <T extends ResourceSpec> T spec(Class<T> type) {
    return (T) spec;
  }
}
