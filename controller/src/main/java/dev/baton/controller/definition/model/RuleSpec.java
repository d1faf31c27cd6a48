package dev.baton.controller.definition.model;

import java.util.List;

/** One security-group rule: traffic of a protocol and ports from (or to) addresses or groups. */
public record RuleSpec(
    @Field(doc = "tcp, udp, icmp or all", dflt = "tcp") Protocol protocol,
    @Field(doc = "A port or a range; required for tcp and udp, not allowed for all", format = Format.PORTS,
        example = "443") String ports,
    @Field(doc = "Address ranges the rule allows", format = Format.CIDR, example = "[0.0.0.0/0]") List<String> cidrs,
    @Field(doc = "Security groups of this platform whose members the rule allows", ref = "security_group", weak = true,
        example = "[web]") List<String> groups,
    @Field(doc = "A note shown in the cloud console", example = "HTTPS from anywhere") String description) {}
