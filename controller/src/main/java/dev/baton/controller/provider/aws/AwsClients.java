package dev.baton.controller.provider.aws;

import dev.baton.controller.definition.model.CredentialsSpec;
import dev.baton.controller.provider.CallStats;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The SDK clients of one platform: its region; credentials from the SDK's default chain, a
 * named profile, or a role assumed for the customer (with its external ID); an endpoint override
 * ({@code --endpoint-url}; the SDK itself honours {@code AWS_ENDPOINT_URL} and the per-service
 * variables); adaptive retries; client-side throttling. S3 is made on first use: only the
 * controller's deploys read it.
 */
public final class AwsClients implements AutoCloseable {
  public final Ec2Client ec2;
  public final IamClient iam;
  public final Route53Client route53;
  public final AutoScalingClient autoscaling;
  /** Load balancers' target groups: a node taken out of them and put back around a deploy. */
  public final ElasticLoadBalancingV2Client elb;
  private final StsClient sts;
  private final StsClient identity;
  private final SdkHttpClient http;
  private final Region region;
  private final String endpointUrl;
  private final ClientOverrideConfiguration cfg;
  private final AwsCredentialsProvider creds;
  private S3Client s3;

  public AwsClients(String region, CredentialsSpec credentials, String endpointUrl, CallStats stats) {
    http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(60)).build();
    Region r = Region.of(region);
    this.region = r;
    this.endpointUrl = endpointUrl;
    Throttle throttle = new Throttle(stats);
    ClientOverrideConfiguration cfg = ClientOverrideConfiguration.builder().retryStrategy(RetryMode.ADAPTIVE_V2)
        .addExecutionInterceptor(throttle).apiCallTimeout(Duration.ofMinutes(2)).build();
    this.cfg = cfg;
    AwsCredentialsProvider base = credentials != null && credentials.profile() != null
        ? ProfileCredentialsProvider.create(credentials.profile()) : DefaultCredentialsProvider.builder().build();
    AwsCredentialsProvider creds = base;
    if (credentials != null && credentials.roleArn() != null) {
      sts = configure(StsClient.builder(), r, endpointUrl, cfg).credentialsProvider(base).httpClient(http).build();
      creds = StsAssumeRoleCredentialsProvider.builder().stsClient(sts).refreshRequest(b -> {
        b.roleArn(credentials.roleArn()).roleSessionName("baton");
        if (credentials.externalId() != null) {
          b.externalId(credentials.externalId());
        }
      }).build();
    } else {
      sts = null;
    }
    this.creds = creds;
    ec2 = configure(Ec2Client.builder(), r, endpointUrl, cfg).credentialsProvider(creds).httpClient(http).build();
    // IAM and Route53 are global: their endpoints live in us-east-1 (aws-global)
    iam = configure(IamClient.builder(), Region.AWS_GLOBAL, endpointUrl, cfg).credentialsProvider(creds).httpClient(http).build();
    route53 = configure(Route53Client.builder(), Region.AWS_GLOBAL, endpointUrl, cfg).credentialsProvider(creds)
        .httpClient(http).build();
    autoscaling = configure(AutoScalingClient.builder(), r, endpointUrl, cfg).credentialsProvider(creds).httpClient(http)
        .build();
    elb = configure(ElasticLoadBalancingV2Client.builder(), r, endpointUrl, cfg).credentialsProvider(creds).httpClient(http)
        .build();
    // with the platform's own credentials (its role assumed): who the calls above are made as
    identity = configure(StsClient.builder(), r, endpointUrl, cfg).credentialsProvider(creds).httpClient(http).build();
  }

  /** STS as the platform's calls are made (after its role is assumed): {@code GetCallerIdentity}. */
  public StsClient sts() {
    return identity;
  }

  /**
   * S3 in the platform's region with its credentials. Path-style requests against an endpoint
   * override (an emulator has no bucket.host names); a bucket of another region is followed there.
   */
  public synchronized S3Client s3() {
    if (s3 == null) {
      boolean override = endpointUrl != null && !endpointUrl.isBlank() || System.getenv("AWS_ENDPOINT_URL") != null
          || System.getenv("AWS_ENDPOINT_URL_S3") != null;
      // an archive streams for as long as it takes: the socket timeout (60 s) still ends a stalled one
      ClientOverrideConfiguration download = cfg.toBuilder().apiCallTimeout(Duration.ofMinutes(30)).build();
      s3 = configure(S3Client.builder(), region, endpointUrl, download).credentialsProvider(creds).httpClient(http)
          .forcePathStyle(override).crossRegionAccessEnabled(true).build();
    }
    return s3;
  }

  private static <B extends AwsClientBuilder<B, ?>> B configure(B b, Region region, String endpointUrl,
      ClientOverrideConfiguration cfg) {
    b.region(region).overrideConfiguration(cfg);
    if (endpointUrl != null && !endpointUrl.isBlank()) {
      b.endpointOverride(URI.create(endpointUrl));
    }
    return b;
  }

  @Override
  public void close() {
    ec2.close();
    iam.close();
    route53.close();
    autoscaling.close();
    elb.close();
    identity.close();
    synchronized (this) {
      if (s3 != null) {
        s3.close();
      }
    }
    if (sts != null) {
      sts.close();
    }
    http.close();
  }
}
