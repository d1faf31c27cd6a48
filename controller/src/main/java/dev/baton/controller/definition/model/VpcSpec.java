package dev.baton.controller.definition.model;

@Kind(value = "vpc", doc = "A virtual network. Subnets, security groups and instances live in one.")
public record VpcSpec(
    @Field(onChange = OnChange.REPLACE, doc = "IPv4 range of the network, from /16 to /28", required = true, format = Format.CIDR,
        example = "10.20.0.0/16") String cidr,
    @Field(doc = "Attach an internet gateway, so that public subnets reach the internet", dflt = "true")
        Boolean internetGateway,
    @Field(doc = "Give instances DNS hostnames and resolve them inside the network", dflt = "true")
        Boolean dnsHostnames) implements ResourceSpec {}
