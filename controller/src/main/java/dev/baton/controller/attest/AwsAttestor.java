package dev.baton.controller.attest;

import dev.baton.common.msg.Registration;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Evidence on AWS: the instance identity document and its rsa2048 signature, read by the agent
 * through IMDSv2, verified here ({@link AwsIdentityVerifier}) against the account and region of the
 * platform the token was issued for; then the instance must be running and carry the UUID the
 * token was issued for (DescribeInstances).
 */
public final class AwsAttestor implements Attestor {
  private final AwsIdentityVerifier verifier;
  private final Function<TokenStore.Token, AwsIdentityVerifier.Policy> policies;
  private final Function<String, TokenStore.Token> tokens;
  private final Function<TokenStore.Token, InstanceDirectory> directories;
  private final Supplier<Instant> clock;

  /**
   * @param tokens the facts of a presented token (null when unknown)
   * @param policies the accounts and region of each token's platform (what {@code provision} said of it)
   * @param directories the EC2 of each token's platform (its region and account)
   */
  public AwsAttestor(AwsIdentityVerifier verifier, Function<String, TokenStore.Token> tokens,
      Function<TokenStore.Token, AwsIdentityVerifier.Policy> policies,
      Function<TokenStore.Token, InstanceDirectory> directories, Supplier<Instant> clock) {
    this.verifier = verifier;
    this.tokens = tokens;
    this.policies = policies;
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
      // the platform's account and region, by the token presented (an unknown token: any, and it is refused after)
      TokenStore.Token token = tokens.apply(request.token());
      AwsIdentityVerifier.Policy policy = token == null ? AwsIdentityVerifier.Policy.of(java.util.Set.of(), null)
          : policies.apply(token);
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
