package dev.baton.controller.definition.model;

/** Health check of an autoscaling group. */
public record HealthCheckSpec(
    @Field(doc = "ec2 or elb", dflt = "ec2") HealthCheckType type,
    @Field(doc = "Seconds after launch before health checks count", dflt = "300", min = 0, max = 7200)
        Integer graceSeconds) {}
