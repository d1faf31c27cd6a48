package dev.baton.controller.attest;

import dev.baton.common.msg.Registration;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Evidence on AWS: the instance identity document and its rsa2048 signature, read by the agent
 * through IMDSv2, verified here ({@link AwsIdentityVerifier}); then the instance must be
 * running and carry the UUID the token was issued for (DescribeInstances).
 */
public final class AwsAttestor implements Attestor {
  private final AwsIdentityVerifier verifier;
  private final AwsIdentityVerifier.Policy policy;
  private final java.util.function.Function<TokenStore.Token, InstanceDirectory> directories;
  private final Supplier<Instant> clock;

  public AwsAttestor(AwsIdentityVerifier verifier, AwsIdentityVerifier.Policy policy, InstanceDirectory directory,
      Supplier<Instant> clock) {
    this(verifier, policy, clock, (TokenStore.Token token) -> directory);
  }

  /** @param directories the EC2 of each token's platform (its region and account) */
  public static AwsAttestor perPlatform(AwsIdentityVerifier verifier, AwsIdentityVerifier.Policy policy,
      java.util.function.Function<TokenStore.Token, InstanceDirectory> directories, Supplier<Instant> clock) {
    return new AwsAttestor(verifier, policy, clock, directories);
  }

  private AwsAttestor(AwsIdentityVerifier verifier, AwsIdentityVerifier.Policy policy, Supplier<Instant> clock,
      java.util.function.Function<TokenStore.Token, InstanceDirectory> directories) {
    this.verifier = verifier;
    this.policy = policy;
    this.directories = directories;
    this.clock = clock;
  }

  @Override
  public String evidence() {
    return Registration.EVIDENCE_AWS;
  }

  @Override
  public Future<String> prove(Registration.Request request) {
    if (request.signature() == null) {
      return Future.failedFuture(new Refused("malformed_evidence", "aws_iid: no rsa2048 signature in the evidence"));
    }
    try {
      AwsIdentityVerifier.Document d = verifier.verify(request.signature(), policy, clock.get());
      if (request.instanceId() != null && !request.instanceId().equals(d.instanceId())) {
        return Future.failedFuture(new Refused("forged_document", "aws_iid: the agent claims " + request.instanceId()
            + " but the document is of " + d.instanceId()));
      }
      return Future.succeededFuture(d.instanceId());
    } catch (Refused r) {
      return Future.failedFuture(r);
    }
  }

  @Override
  public Future<InstanceFacts> confirm(String instanceId, TokenStore.Token token) {
    return CloudConfirmation.confirm(directories.apply(token), instanceId, token);
  }
}
