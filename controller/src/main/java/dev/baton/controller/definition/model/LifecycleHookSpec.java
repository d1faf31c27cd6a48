package dev.baton.controller.definition.model;

/**
 * A termination lifecycle hook: an instance the group removes waits (up to the heartbeat) until
 * the controller has cleaned up after its node (certificates, DNS record), then goes.
 */
public record LifecycleHookSpec(
    @Field(doc = "Seconds an instance waits for the controller before it goes anyway", dflt = "300", min = 30,
        max = 7200) Integer heartbeatSeconds) {}
