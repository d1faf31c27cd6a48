package dev.baton.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} as Prometheus reads it: every metric family says what it counts. */
class MetricsEndpointIT {
  @Test
  void everyMetricHasAHelpText(@TempDir Path home) throws Exception {
    System.setProperty("baton.home", home.toString());
    try (ControllerFixture c = new ControllerFixture(home, BridgeServer.Limits.defaults())) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + c.started.apiPort() + "/metrics")).header("Authorization", "Bearer " + c.server.home().operatorToken())
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      List<String> help = r.body().lines().filter(l -> l.startsWith("# HELP ")).toList();
      assertTrue(help.stream().anyMatch(l -> l.startsWith("# HELP baton_hook_deliveries_total ")), r.body());
      for (String l : help) {
        String[] parts = l.split(" ", 4);
        assertTrue(parts.length == 4 && !parts[3].isBlank(), "an empty HELP: " + l);
      }
    } finally {
      System.clearProperty("baton.home");
    }
  }
}
