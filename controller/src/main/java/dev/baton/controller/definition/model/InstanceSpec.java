package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "instance", doc = "A virtual machine. Its user data starts the Baton agent, which registers"
    + " with the controller and is handed off to configuration management.")
public record InstanceSpec(
    @Field(onChange = OnChange.REPLACE, doc = "The subnet the instance is placed in", required = true, ref = "subnet", example = "web-a")
        String subnet,
    @Field(doc = "Instance type", required = true, format = Format.INSTANCE_TYPE, example = "t3.micro",
        updateNote = "stops and starts the instance")
        String instanceType,
    @Field(onChange = OnChange.REPLACE, doc = "Image ID; required on the aws provider", format = Format.AMI, example = "ami-0abcdef1234567890")
        String ami,
    @Field(onChange = OnChange.NONE, doc = "Operating-system family of the image: debian, ubuntu or amazon_linux", dflt = "debian")
        ImageFamily imageFamily,
    @Field(onChange = OnChange.REPLACE, doc = "Local provider only: boot the instance as a real machine from this image"
        + " (debian-12 or debian-13: a Debian system under systemd-nspawn whose cloud-init runs the user data; needs root"
        + " and the debootstrap and systemd-container packages). Omitted: the instance is an agent process",
        example = "debian-12") MachineImage image,
    @Field(onChange = OnChange.NONE, doc = "Packages the user data installs with the release's package manager before"
        + " the agent starts, besides Java (and the Puppet agent for a Puppet hand-off): what must be there before"
        + " configuration management runs", format = Format.PACKAGE, example = "[chrony]") List<String> packages,
    @Field(onChange = OnChange.NONE, doc = "DNS domain of the node; its certname is NAME.DOMAIN. Defaults to the platform's domain",
        format = Format.DNS_NAME, example = "acme.example.net") String domain,
    @Field(onChange = OnChange.REPLACE, doc = "Name of the EC2 key pair for emergency SSH access", example = "ops-2026") String keypair,
    @Field(onChange = OnChange.REPLACE, doc = "Availability zone; must be the subnet's zone (it is taken from the subnet when omitted)",
        format = Format.AZ, example = "eu-west-1a") String az,
    @Field(onChange = OnChange.REPLACE, doc = "Fixed private address inside the subnet", format = Format.IPV4, example = "10.20.1.10")
        String privateIp,
    @Field(doc = "Security groups, in the subnet's VPC", ref = "security_group", example = "[web]")
        List<String> securityGroups,
    @Field(doc = "Detailed (1-minute) monitoring", dflt = "false") Boolean monitoring,
    @Field(doc = "EBS-optimized networking", dflt = "false", updateNote = "stops and starts the instance")
        Boolean ebsOptimized,
    @Field(doc = "Drop traffic not addressed to the instance; set false for NAT and VPN nodes", dflt = "true")
        Boolean sourceDestCheck,
    @Field(doc = "An elastic_ip of the platform, associated once the instance runs", ref = "elastic_ip",
        example = "web-1") String elasticIp,
    @Field(doc = "The instance profile (IAM role) of the instance", ref = "instance_profile", example = "web")
        String instanceProfile,
    @Field(onChange = OnChange.REPLACE, doc = "Boot volume") RootVolumeSpec rootVolume,
    @Field(doc = "Volumes attached at devices", example = "[{volume: db-1-data, device: /dev/sdf}]")
        List<AttachmentSpec> volumes,
    @Field(onChange = OnChange.NONE, doc = "Load balancers' target groups (ELBv2, in the platform's region; names or"
        + " ARNs) that serve this instance: around each deploy of an application the controller takes the node out of them and"
        + " waits for draining before the block_traffic hook, and puts it back and waits until it is healthy after"
        + " allow_traffic. The target groups are not created by Baton", format = Format.TARGET_GROUP,
        example = "[web-443]") List<String> targetGroups,
    @Field(onChange = OnChange.NONE, doc = "Hand-off to configuration management", required = true) HandoffSpec handoff)
    implements ResourceSpec {}
