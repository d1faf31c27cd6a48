package dev.baton.controller.provider;

import dev.baton.controller.definition.model.ResourceKind;
import java.util.Map;

/**
 * A resource as the cloud has it. {@code attributes} use the YAML keys of the definition
 * (so that the engine can diff them), with references as {@link CloudId}s.
 *
 * @param uuid the baton:uuid tag
 * @param state the cloud's lifecycle state where it has one (running, available ...), or ""
 */
public record LiveResource(ResourceKind kind, String uuid, CloudId id, Map<String, Object> attributes,
    Map<String, String> tags, String state) {

  /**
   * A tag a provider sets on a live resource of a kind the cloud cannot tag: its ownership tags
   * come from elsewhere (an IAM path, an ownership record), and its other tags are not compared.
   */
  public static final String UNTAGGED = "baton:untagged";

  public LiveResource {
    attributes = Map.copyOf(attributes);
    tags = Map.copyOf(tags);
  }

  public String name() {
    return tags.getOrDefault("Name", id.id());
  }

  public boolean isProtected() {
    return "true".equals(tags.get("baton:protect"));
  }
}
