package dev.baton.controller.serve;

import dev.baton.controller.deploy.ObjectSource;
import dev.baton.controller.intent.CloudIntent;
import dev.baton.controller.intent.IntentCodec;
import dev.baton.controller.provider.aws.S3Objects;

/**
 * Applications' archives in S3: the deploy package's {@link ObjectSource} answered by the AWS
 * provider's {@link S3Objects}. Here, in the composition root, since neither knows the other
 * (deploy names no SDK; the provider, below it, names no deploy).
 */
public final class S3Archives implements ObjectSource {
  private final S3Objects s3 = new S3Objects();

  @Override
  public Head head(String uri, CloudIntent cloud) {
    return head(s3.head(json(uri, cloud), uri));
  }

  @Override
  public Body open(String uri, CloudIntent cloud) {
    S3Objects.Opened o = s3.open(json(uri, cloud), uri);
    return new Body(head(o.head()), o.in());
  }

  private static io.vertx.core.json.JsonObject json(String uri, CloudIntent cloud) {
    if (cloud == null || !cloud.aws()) {
      throw dev.baton.common.error.BatonException.invalid("no AWS cloud of the platform to read " + uri + " as");
    }
    return IntentCodec.toJson(cloud);
  }

  private static Head head(S3Objects.Head h) {
    return new Head(h.bytes(), h.sha256(), h.partsChecksum());
  }
}
