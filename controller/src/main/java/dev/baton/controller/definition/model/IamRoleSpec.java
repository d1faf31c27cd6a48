package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "iam_role", doc = "An IAM role, assumed by an AWS service (instances, through an instance_profile).")
public record IamRoleSpec(
    @Field(doc = "Services allowed to assume the role", format = Format.SERVICE, dflt = "[ec2.amazonaws.com]")
        List<String> trustedServices,
    @Field(doc = "Policies of this platform attached to the role", ref = "iam_policy", example = "[read-config]")
        List<String> policies,
    @Field(doc = "AWS managed policies attached to the role", format = Format.ARN,
        example = "[arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore]") List<String> managedPolicies)
    implements ResourceSpec {}
