package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "iam_user", doc = "An IAM user, for example an operator. Created under the path"
    + " /baton/CUSTOMER/ so that customers never see each other's users.")
public record IamUserSpec(
    @Field(doc = "Groups the user is a member of", ref = "iam_group", example = "[operators]") List<String> groups,
    @Field(doc = "Policies of this platform attached to the user", ref = "iam_policy", example = "[read-only]")
        List<String> policies,
    @Field(doc = "AWS managed policies attached to the user", format = Format.ARN,
        example = "[arn:aws:iam::aws:policy/ReadOnlyAccess]") List<String> managedPolicies) implements ResourceSpec {}
