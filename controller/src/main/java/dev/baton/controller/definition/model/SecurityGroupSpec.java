package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "security_group", doc = "A stateful firewall attached to instances. Rules may name other"
    + " groups of the platform (even each other). Rules are converged one by one, never by deleting all first."
    + " Without `egress`, all outbound traffic is allowed (the cloud's default).")
public record SecurityGroupSpec(
    @Field(onChange = OnChange.REPLACE, doc = "The VPC of the group", required = true, ref = "vpc", example = "main") String vpc,
    @Field(doc = "Inbound rules", example = "[{protocol: tcp, ports: 443, cidrs: [0.0.0.0/0]}]") List<RuleSpec> ingress,
    @Field(doc = "Outbound rules; omit to allow all outbound traffic") List<RuleSpec> egress) implements ResourceSpec {}
