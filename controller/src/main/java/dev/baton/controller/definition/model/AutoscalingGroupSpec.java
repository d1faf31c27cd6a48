package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "autoscaling_group", doc = "A group of identical nodes of one role in one cluster. Nodes it"
    + " launches register themselves with a group-scoped token and are handed off like any instance.")
public record AutoscalingGroupSpec(
    @Field(doc = "Cluster the group belongs to (dev, qa, staging, production ...)", required = true,
        format = Format.NAME, example = "staging") String cluster,
    @Field(doc = "Role of the group's nodes", required = true, format = Format.NAME, example = "webapp") String role,
    @Field(doc = "What the group launches", required = true) LaunchSpec launch,
    @Field(doc = "Subnets to launch into (one or more)", required = true, ref = "subnet", example = "[app-a, app-b]")
        List<String> subnets,
    @Field(doc = "Fewest instances", required = true, min = 0, max = 1000, example = "1") Integer min,
    @Field(doc = "Most instances", required = true, min = 0, max = 1000, example = "4") Integer max,
    @Field(doc = "Instances wanted now; between min and max. Defaults to min", min = 0, max = 1000, example = "2")
        Integer desired,
    @Field(doc = "Health check") HealthCheckSpec healthCheck,
    @Field(doc = "Hold instances being removed until the controller has cleaned up after their nodes",
        example = "{heartbeat_seconds: 300}") LifecycleHookSpec lifecycleHook,
    @Field(onChange = OnChange.NONE, doc = "Hosted zone in which each node gets an A record (its certname, to its private"
        + " address) while it lives; removed when the node is terminated", format = Format.DNS_NAME,
        example = "staging.acme.example.net") String dnsZone,
    @Field(onChange = OnChange.NONE, doc = "DNS domain of the nodes; defaults to the platform's domain", format = Format.DNS_NAME,
        example = "acme.example.net") String domain,
    @Field(onChange = OnChange.NONE, doc = "Certname of a node; placeholders {role}, {cluster}, {instance_id}, {domain}, {platform}, {env}",
        dflt = "\"{role}-{instance_id}.{domain}\"") String certnamePattern,
    @Field(onChange = OnChange.NONE, doc = "Load balancers' target groups (ELBv2, in the platform's region; names or"
        + " ARNs) that serve the group's nodes: around each deploy of an application the controller takes the node out of them and"
        + " waits for draining before the block_traffic hook, and puts it back and waits until it is healthy after"
        + " allow_traffic. The target groups are not created by Baton", format = Format.TARGET_GROUP,
        example = "[web-443]") List<String> targetGroups,
    @Field(onChange = OnChange.NONE, doc = "Hand-off to configuration management", required = true) HandoffSpec handoff)
    implements ResourceSpec {}
