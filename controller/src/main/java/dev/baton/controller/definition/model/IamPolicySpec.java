package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "iam_policy", doc = "A customer-managed IAM policy, attached to users, groups and roles by name.")
public record IamPolicySpec(
    @Field(doc = "The policy's statements", required = true) List<StatementSpec> statements)
    implements ResourceSpec {}
