package dev.baton.controller.definition.model;

import java.util.regex.Pattern;

/** Syntax of a text field, checked when the file is read. */
public enum Format {
  TEXT(null, "text"),
  NAME("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
      "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"),
  UUID("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
      "a UUID such as 3f1c2a9e-5b7d-4c1e-9a0f-6d2b8e4c7a10"),
  CIDR(null, "an IPv4 network such as 10.20.0.0/16"),
  IPV4(null, "an IPv4 address such as 10.20.1.10"),
  AZ("^[a-z]{2,}(-[a-z0-9]+)+[a-z]$", "an availability zone such as eu-west-1a"),
  DNS_NAME(null, "a DNS name such as www.example.com"),
  PORTS(null, "a port (443) or a range (1024-65535)"),
  DEVICE("^/dev/(sd[b-z]|xvd[b-z]|nvme[0-9]+n1)$", "a device name such as /dev/sdf"),
  ARN("^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\\d{12}|aws)?:.+$", "an ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess"),
  ACCOUNT_ID("^\\d{12}$", "a 12-digit AWS account ID"),
  AMI("^ami-[0-9a-f]{8,17}$", "an image ID such as ami-0abcdef1234567890"),
  INSTANCE_TYPE("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", "an instance type such as t3.micro"),
  ADDRESS("^[a-z_]+/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", "KIND/NAME such as instance/db-1"),
  ENDPOINT("^[A-Za-z0-9.-]+:\\d{1,5}$", "HOST:PORT such as controller.example.net:7443"),
  SERVICE("^[a-z0-9.-]+\\.amazonaws\\.com$", "an AWS service principal such as ec2.amazonaws.com"),
  PACKAGE("^[a-z0-9][a-z0-9+.-]{1,100}$", "a package name such as chrony"),
  URL("^https?://[^\\s/?#]+[^\\s]*$", "an HTTPS URL such as https://artifacts.example.com/webapp-{revision}.tar.gz"),
  // a bucket name as S3 allows it (3 to 63 of a-z, 0-9, '.', '-'), then a key
  S3_URI("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\\S+$",
      "an S3 object such as s3://acme-artifacts/webapp/webapp-{revision}.tar.gz"),
  TARGET_GROUP("^([A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?|arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}"
      + ":targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]+)$", "a target group's name (web-443) or ARN"
      + " (arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-443/0123456789abcdef)");

  private final Pattern pattern;
  private final String description;

  Format(String regex, String description) {
    this.pattern = regex == null ? null : Pattern.compile(regex);
    this.description = description;
  }

  /** The regular expression of the format, or null when it is checked in code. */
  public Pattern pattern() {
    return pattern;
  }

  public String description() {
    return description;
  }
}
