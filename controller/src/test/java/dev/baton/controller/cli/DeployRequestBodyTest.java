package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.deploy.DeployRequest;
import dev.baton.controller.intent.CloudIntent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code controller deploy} sends for an s3 source: the object as defined and the platform's
 * cloud to read it as (region, account, the credentials' profile, the endpoint), which the API
 * accepts as it is; a url source carries no cloud.
 */
class DeployRequestBodyTest {
  static final Path GLOBEX = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/aws/globex");

  @TempDir Path tmp;

  private Platform globex(String source) throws Exception {
    try (Stream<Path> files = Files.list(GLOBEX)) {
      for (Path f : files.toList()) {
        Files.copy(f, tmp.resolve(f.getFileName().toString()));
      }
    }
    Path apps = tmp.resolve("apps.yaml");
    Files.writeString(apps, Files.readString(apps).replaceAll("(?m)^source:\\n(  .*\\n)+", source));
    return DefinitionLoader.load(tmp, tmp.toString(), "prod");
  }

  @Test
  void anS3SourceCarriesThePlatformsCloudAndNoSecret() throws Exception {
    Platform p = globex("source: {s3: \"s3://globex-artifacts/webapp/webapp-{revision}.tar.gz\"}\n");
    DeployCommand deploy = new DeployCommand();
    deploy.endpointUrl = "http://127.0.0.1:5400";
    JsonObject body = deploy.request(p, p.find(ResourceKind.APPLICATION, "webapp").orElseThrow(), "4.2.1", null, null);
    JsonObject source = body.getJsonObject("application").getJsonObject("source");
    assertEquals("s3://globex-artifacts/webapp/webapp-{revision}.tar.gz", source.getString("s3"));
    assertEquals(new JsonObject().put("provider", "aws").put("region", "us-east-1").put("account", "222222222222")
        .put("profile", "globex").put("role_arn", null).put("external_id", null).put("endpoint_url", "http://127.0.0.1:5400"),
        source.getJsonObject("cloud"));
    DeployRequest r = DeployRequest.fromJson(body);
    assertEquals(new CloudIntent("aws", "us-east-1", "222222222222", "globex", null, null, "http://127.0.0.1:5400"),
        r.source().cloud());
  }

  @Test
  void aUrlSourceCarriesNoCloud() throws Exception {
    Platform p = globex("source:\n  url: https://artifacts.globex.example.org/webapp/webapp-{revision}.tar.gz\n");
    JsonObject body = new DeployCommand().request(p, p.find(ResourceKind.APPLICATION, "webapp").orElseThrow(), "4.2.1",
        null, "a".repeat(64));
    JsonObject source = body.getJsonObject("application").getJsonObject("source");
    assertFalse(source.containsKey("cloud"));
    assertNull(DeployRequest.fromJson(body).source().cloud());
  }
}
