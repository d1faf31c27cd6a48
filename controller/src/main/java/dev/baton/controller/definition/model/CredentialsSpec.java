package dev.baton.controller.definition.model;

/** How the controller authenticates to the customer's AWS account. */
public record CredentialsSpec(
    @Field(doc = "A named profile of the AWS config files", example = "acme") String profile,
    @Field(doc = "A role to assume in the customer's account", format = Format.ARN,
        example = "arn:aws:iam::123456789012:role/baton-provisioner") String roleArn,
    @Field(doc = "External ID required by the role's trust policy", example = "baton-acme") String externalId) {}
