package dev.baton.controller.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.plan.FakeCloudProvider;
import org.junit.jupiter.api.Test;

/** A provider offers the optional capabilities it implements; one it lacks is refused by name. */
class CapabilitiesTest {
  final FakeCloudProvider fake = new FakeCloudProvider(1);

  @Test
  void aCapabilityTheProviderImplementsIsTheProviderItself() {
    assertSame(fake, fake.capability(Power.class).orElseThrow());
    assertSame(fake, fake.require(AutoscalingGroups.class, "changing a group's capacity").result());
  }

  @Test
  void aCapabilityItLacksFailsSayingWhatTheProviderDoesNotSupport() {
    assertTrue(fake.capability(NodeDns.class).isEmpty());
    var refused = fake.require(NodeDns.class, "DNS records of nodes");
    assertTrue(refused.failed());
    BatonException e = (BatonException) refused.cause();
    assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
    assertEquals("the fake provider does not support DNS records of nodes", e.getMessage());
  }
}
