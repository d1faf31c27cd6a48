package dev.baton.controller.definition.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Every kind of resource, in the order a platform is built when nothing else decides it. */
public enum ResourceKind {
  IAM_POLICY(IamPolicySpec.class),
  IAM_GROUP(IamGroupSpec.class),
  IAM_USER(IamUserSpec.class),
  IAM_ROLE(IamRoleSpec.class),
  INSTANCE_PROFILE(InstanceProfileSpec.class),
  VPC(VpcSpec.class),
  SUBNET(SubnetSpec.class),
  SECURITY_GROUP(SecurityGroupSpec.class),
  ELASTIC_IP(ElasticIpSpec.class),
  VOLUME(VolumeSpec.class),
  INSTANCE(InstanceSpec.class),
  AUTOSCALING_GROUP(AutoscalingGroupSpec.class),
  DNS_RECORD(DnsRecordSpec.class),
  /** Released through the agents ({@code controller deploy}); nothing in the cloud. */
  APPLICATION(ApplicationSpec.class, false);

  private final Class<? extends ResourceSpec> specType;
  private final boolean cloud;

  ResourceKind(Class<? extends ResourceSpec> specType) {
    this(specType, true);
  }

  ResourceKind(Class<? extends ResourceSpec> specType, boolean cloud) {
    this.specType = specType;
    this.cloud = cloud;
  }

  /** True for what a cloud provider creates and lists; false for what only Baton keeps (applications). */
  public boolean cloud() {
    return cloud;
  }

  /** The kinds a cloud provider creates and lists, in creation order. */
  public static List<ResourceKind> cloudKinds() {
    return Arrays.stream(values()).filter(ResourceKind::cloud).toList();
  }

  public Class<? extends ResourceSpec> specType() {
    return specType;
  }

  /** As written in YAML: {@code security_group}. */
  public String yaml() {
    return specType.getAnnotation(Kind.class).value();
  }

  public String doc() {
    return specType.getAnnotation(Kind.class).doc();
  }

  public static Optional<ResourceKind> byYaml(String name) {
    return Arrays.stream(values()).filter(k -> k.yaml().equals(name)).findFirst();
  }

  public static List<String> yamlNames() {
    return Arrays.stream(values()).map(ResourceKind::yaml).toList();
  }
}
