package dev.baton.controller.definition.model;

import java.util.List;

/** One statement of an IAM policy document. */
public record StatementSpec(
    @Field(doc = "Statement ID", example = "ReadLogs") String sid,
    @Field(doc = "allow or deny", dflt = "allow") Effect effect,
    @Field(doc = "Actions, such as ec2:DescribeInstances", required = true, example = "[ec2:Describe*]")
        List<String> actions,
    @Field(doc = "Resources (ARNs or *)", required = true, example = "[\"*\"]") List<String> resources,
    @Field(doc = "Conditions, written as in an AWS policy document",
        example = "{StringEquals: {\"aws:RequestedRegion\": eu-west-1}}") Object condition) {}
