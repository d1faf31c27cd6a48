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
