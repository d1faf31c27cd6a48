package dev.baton.controller.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScopeTest {
  @Test
  void aScopeIsOneKeyAndBack() {
    Scope prod = new Scope("shop", "acme", "prod");
    assertEquals("acme/shop/prod", prod.key());
    assertEquals(prod, Scope.ofKey(prod.key()));
    assertEquals(prod, Scope.ofKey("acme/shop/prod/3f1c0000-0000-4000-8000-000000000001"), "an intent's key");
    Scope none = new Scope("shop", "acme", null);
    assertEquals("acme/shop/-", none.key());
    assertEquals(none, Scope.ofKey(none.key()));
  }
}
