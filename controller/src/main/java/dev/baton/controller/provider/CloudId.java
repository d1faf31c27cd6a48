package dev.baton.controller.provider;

/** The cloud's own identifier of a live resource (vpc-0abc..., an ARN, a local ID). */
public record CloudId(String id) {
  @Override
  public String toString() {
    return id;
  }
}
