package dev.baton.controller.definition.model;

/** The kind-specific fields of a resource. Each implementation is annotated with {@link Kind}. */
public sealed interface ResourceSpec permits IamUserSpec, IamGroupSpec, IamPolicySpec, IamRoleSpec,
    InstanceProfileSpec, VpcSpec, SubnetSpec, SecurityGroupSpec, VolumeSpec, InstanceSpec, ElasticIpSpec,
    DnsRecordSpec, AutoscalingGroupSpec, ApplicationSpec {}
