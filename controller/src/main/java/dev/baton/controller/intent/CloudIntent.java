package dev.baton.controller.intent;

/**
 * How the controller reaches a platform's cloud to confirm its nodes, clean up after them and run
 * its schedule: AWS in the platform's account and region, with the credentials the definitions
 * name (a profile, a role to assume with its external ID), or an AWS-compatible endpoint.
 */
public record CloudIntent(String provider, String region, String account, String profile, String roleArn,
    String externalId, String endpointUrl) {
  public static final String AWS = "aws";

  public boolean aws() {
    return AWS.equals(provider);
  }
}
