package dev.baton.controller.access;

import io.vertx.core.json.JsonObject;

/**
 * Who made a request, as its operator token says: the token's name (what the history records),
 * the one customer it is limited to (null: every customer) and its role.
 */
public record Operator(String name, String customer, Role role) {
  /** True when this operator may see or change what belongs to {@code customerOfThing}. */
  public boolean sees(String customerOfThing) {
    return customer == null || customer.equals(customerOfThing);
  }

  /** True for a token of every customer. */
  public boolean unscoped() {
    return customer == null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("customer", customer).put("role", role.label());
  }
}
