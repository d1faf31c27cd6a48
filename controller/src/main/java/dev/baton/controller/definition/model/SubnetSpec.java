package dev.baton.controller.definition.model;

@Kind(value = "subnet", doc = "A range of a VPC in one availability zone, with its own route table."
    + " A public subnet routes 0.0.0.0/0 to the VPC's internet gateway; a private one has no route out.")
public record SubnetSpec(
    @Field(onChange = OnChange.REPLACE, doc = "The VPC this subnet belongs to", required = true, ref = "vpc", example = "main") String vpc,
    @Field(onChange = OnChange.REPLACE, doc = "IPv4 range, inside the VPC's and overlapping no other subnet", required = true,
        format = Format.CIDR, example = "10.20.1.0/24") String cidr,
    @Field(onChange = OnChange.REPLACE, doc = "Availability zone, in the platform's region", required = true, format = Format.AZ,
        example = "eu-west-1a") String az,
    @Field(doc = "Route to the internet gateway and give instances a public address", dflt = "false")
        Boolean public_) implements ResourceSpec {}
