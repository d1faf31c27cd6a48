package dev.baton.controller.definition.model;

import java.util.List;

/** What an autoscaling group launches; becomes a launch template. */
public record LaunchSpec(
    @Field(doc = "Instance type", required = true, format = Format.INSTANCE_TYPE, example = "t3.small")
        String instanceType,
    @Field(doc = "Image ID; required on the aws provider", format = Format.AMI, example = "ami-0abcdef1234567890")
        String ami,
    @Field(doc = "Operating-system family of the image: debian, ubuntu or amazon_linux", dflt = "debian")
        ImageFamily imageFamily,
    @Field(doc = "Local provider only: boot each instance as a real machine from this image (debian-12 or debian-13,"
        + " see instance.image). Omitted: each instance is an agent process", example = "debian-12") MachineImage image,
    @Field(onChange = OnChange.NONE, doc = "Packages the user data installs with the release's package manager before"
        + " the agent starts, besides Java (and the Puppet agent for a Puppet hand-off): what must be there before"
        + " configuration management runs", format = Format.PACKAGE, example = "[chrony]") List<String> packages,
    @Field(doc = "Name of the EC2 key pair", example = "ops-2026") String keypair,
    @Field(doc = "The instance profile of launched instances", ref = "instance_profile", example = "worker")
        String instanceProfile,
    @Field(doc = "Security groups of launched instances", ref = "security_group", example = "[app]")
        List<String> securityGroups,
    @Field(doc = "Detailed (1-minute) monitoring", dflt = "false") Boolean monitoring,
    @Field(doc = "Boot volume") RootVolumeSpec rootVolume) {}
