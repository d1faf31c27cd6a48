package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What the deployments API accepts: the request's round trip, batch sizes, and each refusal with its reason. */
class DeployRequestTest {
  static JsonObject body() {
    return new JsonObject().put("customer", "demo").put("platform", "shop").put("env", "prod")
        .put("application", new JsonObject().put("name", "webapp").put("uuid", "u-1").put("targets", new JsonArray().add("g-1"))
            .put("source", new JsonObject().put("directory", "/srv/artifacts"))
            .put("node", new JsonObject().put("path", "apps/webapp").put("hooks", new JsonObject().put("start", "./bin/start"))
                .put("hook_timeout_seconds", 30).put("keep", 3)))
        .put("revision", "v1.2.3").put("batch", "25%").put("by", "ops@host");
  }

  @Test
  void aRequestSurvivesItsJsonForm() {
    DeployRequest r = DeployRequest.fromJson(body());
    DeployRequest again = DeployRequest.fromJson(r.toJson());
    assertEquals(r, again);
    assertEquals("demo/shop/prod/webapp", r.key());
    assertEquals("./bin/start", r.application().hook("start"));
    assertEquals(3, r.application().keep());
  }

  static JsonObject s3Body() {
    JsonObject b = body();
    b.getJsonObject("application").put("source", new JsonObject()
        .put("s3", "s3://acme-artifacts/webapp/webapp-{revision}.tar.gz")
        .put("cloud", new JsonObject().put("provider", "aws").put("region", "eu-west-1").put("account", "123456789012")
            .put("role_arn", "arn:aws:iam::123456789012:role/baton-deploy").put("external_id", "acme")
            .put("endpoint_url", "http://127.0.0.1:5400")));
    return b;
  }

  @Test
  void anS3SourceKeepsThePlatformsCloudToReadItWith() {
    DeployRequest r = DeployRequest.fromJson(s3Body());
    assertEquals("s3://acme-artifacts/webapp/webapp-{revision}.tar.gz", r.source().s3());
    assertEquals(new dev.baton.controller.intent.CloudIntent("aws", "eu-west-1", "123456789012", null,
        "arn:aws:iam::123456789012:role/baton-deploy", "acme", "http://127.0.0.1:5400"), r.source().cloud());
    assertEquals(r, DeployRequest.fromJson(r.toJson()), "the store and the cluster keep it whole");
    assertEquals(r.source(), r.withRevision("v2").source());
    assertEquals("s3://acme-artifacts/webapp/webapp-{revision}.tar.gz", r.source().describe());
  }

  @Test
  void anS3SourceIsRefusedWithoutItsKeysRevisionOrThePlatformsCloud() {
    JsonObject noRevision = s3Body();
    noRevision.getJsonObject("application").getJsonObject("source").put("s3", "s3://acme-artifacts/webapp/latest.tar.gz");
    assertRefused(noRevision, "with {revision} in the key");
    JsonObject notS3 = s3Body();
    notS3.getJsonObject("application").getJsonObject("source").put("s3", "https://acme-artifacts/webapp-{revision}.tgz");
    assertRefused(notS3, "is not s3://BUCKET/KEY");
    JsonObject noCloud = s3Body();
    noCloud.getJsonObject("application").getJsonObject("source").remove("cloud");
    assertRefused(noCloud, "needs the platform's AWS cloud");
    JsonObject localCloud = s3Body();
    localCloud.getJsonObject("application").getJsonObject("source").getJsonObject("cloud").put("provider", "local");
    assertRefused(localCloud, "needs the platform's AWS cloud");
    JsonObject noRegion = s3Body();
    noRegion.getJsonObject("application").getJsonObject("source").getJsonObject("cloud").remove("region");
    assertRefused(noRegion, "needs the platform's AWS cloud");
    JsonObject s3AndUrl = s3Body();
    s3AndUrl.getJsonObject("application").getJsonObject("source").put("url", "https://x.example/{revision}.tgz");
    assertRefused(s3AndUrl, "exactly one of url, git, directory, s3");
  }

  @Test
  void theTargetGroupsOfEachTargetSurviveTheJsonForm() {
    JsonObject body = body();
    body.getJsonObject("application").put("targets", new JsonArray().add("g-1").add("i-1"))
        .put("target_groups", new JsonObject().put("g-1", new JsonArray().add("web-443").add("web-80")));
    DeployRequest r = DeployRequest.fromJson(body);
    assertEquals(java.util.List.of("web-443", "web-80"), r.targetGroupsOf("g-1"));
    assertEquals(java.util.List.of(), r.targetGroupsOf("i-1"), "a target that names none");
    assertEquals(r, DeployRequest.fromJson(r.toJson()));
    assertEquals(r.targetGroups(), r.withRevision("v2").targetGroups());
    assertTrue(DeployRequest.fromJson(body()).toJson().getJsonObject("application").getJsonObject("target_groups") == null,
        "none: not written");
  }

  @Test
  void batchesAreANumberOrAShareRoundedUp() {
    assertEquals(1, DeployRequest.batchSize(null, 10));
    assertEquals(25, DeployRequest.batchSize("25", 100));
    assertEquals(25, DeployRequest.batchSize("25%", 100));
    assertEquals(1, DeployRequest.batchSize("25%", 3));
    assertEquals(2, DeployRequest.batchSize("50%", 3));
    assertEquals(1, DeployRequest.batchSize("10%", 0));
  }

  @Test
  void aMinimumHealthyShareChangesTheRestAtATimeAndAtLeastOneNode() {
    JsonObject b = body().putNull("batch").put("min_healthy", "75%");
    assertEquals(25, DeployRequest.fromJson(b).batchSize(100));
    assertEquals(1, DeployRequest.fromJson(b).batchSize(4), "3 of 4 keep running");
    assertEquals(1, DeployRequest.fromJson(b.copy().put("min_healthy", "99%")).batchSize(3), "at least one node changes");
    assertEquals(10, DeployRequest.fromJson(b.copy().put("min_healthy", "0%")).batchSize(10));
    assertEquals(5, DeployRequest.fromJson(b.copy().put("batch", "5")).batchSize(100), "an explicit batch wins");
    assertRefused(b.copy().put("min_healthy", "100%"), "min_healthy");
  }

  @Test
  void whatCannotBeDeployedIsRefusedWithItsReason() {
    assertRefused(body().put("revision", "../../etc"), "revision");
    assertRefused(body().put("revision", null), "revision");
    assertRefused(body().put("batch", "0"), "batch");
    assertRefused(body().put("batch", "150%"), "batch");
    assertRefused(body().put("sha256", "abc"), "SHA-256");
    JsonObject twoSources = body();
    twoSources.getJsonObject("application").getJsonObject("source").put("url", "https://x.example/{revision}.tgz");
    assertRefused(twoSources, "exactly one of");
    JsonObject unknownHook = body();
    unknownHook.getJsonObject("application").getJsonObject("node").getJsonObject("hooks").put("pre_start", "x");
    assertRefused(unknownHook, "unknown hook");
    JsonObject strangerGroups = body();
    strangerGroups.getJsonObject("application").put("target_groups", new JsonObject().put("g-2",
        new JsonArray().add("web-443")));
    assertRefused(strangerGroups, "application.target_groups names g-2, which is not one of its targets [g-1]");
    JsonObject emptyGroups = body();
    emptyGroups.getJsonObject("application").put("target_groups", new JsonObject().put("g-1", new JsonArray()));
    assertRefused(emptyGroups, "must list target group names or ARNs");
    JsonObject noTargets = body();
    noTargets.getJsonObject("application").put("targets", new JsonArray());
    assertRefused(noTargets, "targets");
  }

  private static void assertRefused(JsonObject body, String why) {
    BatonException e = assertThrows(BatonException.class, () -> DeployRequest.fromJson(body));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
