package dev.baton.controller.definition.model;

@Kind(value = "instance_profile", doc = "Gives an instance the rights of an IAM role.")
public record InstanceProfileSpec(
    @Field(doc = "The role of the profile", required = true, ref = "iam_role", example = "web") String role)
    implements ResourceSpec {}
