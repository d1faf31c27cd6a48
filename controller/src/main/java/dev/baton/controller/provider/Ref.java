package dev.baton.controller.provider;

/**
 * A reference to another resource of the platform by its UUID, as desired attributes hold
 * it. The engine turns it into the referenced resource's {@link CloudId} before a provider
 * sees it, and turns a provider's CloudId back into a Ref when the resource is known.
 */
public record Ref(String uuid) {
  @Override
  public String toString() {
    return "ref:" + uuid;
  }
}
