package dev.baton.controller.definition.model;

/** Where a platform is built. */
public enum ProviderKind implements YamlEnum {
  /** Amazon Web Services, through the AWS SDK for Java v2. */
  AWS,
  /** This machine: network resources in a state directory, instances as local agent processes. */
  LOCAL
}
