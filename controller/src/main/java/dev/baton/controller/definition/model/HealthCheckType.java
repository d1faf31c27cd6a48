package dev.baton.controller.definition.model;

/** How an autoscaling group decides an instance is unhealthy. */
public enum HealthCheckType implements YamlEnum { EC2, ELB }
