package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "iam_group", doc = "An IAM group; users name the groups they belong to.")
public record IamGroupSpec(
    @Field(doc = "Policies of this platform attached to the group", ref = "iam_policy", example = "[operators]")
        List<String> policies,
    @Field(doc = "AWS managed policies attached to the group", format = Format.ARN,
        example = "[arn:aws:iam::aws:policy/ReadOnlyAccess]") List<String> managedPolicies) implements ResourceSpec {}
