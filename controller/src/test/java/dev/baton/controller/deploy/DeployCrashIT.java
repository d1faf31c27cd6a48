package dev.baton.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.Wait;
import dev.baton.controller.bridge.ControllerFixture;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real {@code controller serve} in the middle of a deployment: every process is the
 * jar a user runs (serve, provision, deploy, deployments), the nodes are real agent processes that
 * outlive it. Started again, the controller completes the deployment from the last node that
 * finished; at no moment is a node between two releases (its {@code current} is the old or the new
 * one), and at the end every node runs the new one.
 */
class DeployCrashIT {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
  @TempDir Path home;
  @TempDir Path platform;
  Process serve;

  @Test
  void aDeploymentWhoseControllerWasKilledIsCompletedByTheNextOne() throws Exception {
    Files.writeString(platform.resolve("platform.yaml"), "name: crash\ncustomer: demo\nprovider: local\n"
        + "region: local-1\ndomain: crash.baton.test\n");
    Files.writeString(platform.resolve("fleet.yaml"), """
        kind: vpc
        name: main
        uuid: 7a2c5e1f-0000-4000-8000-0000000000c1
        cidr: 10.41.0.0/16
        ---
        kind: subnet
        name: a
        uuid: 7a2c5e1f-0000-4000-8000-0000000000c2
        vpc: main
        cidr: 10.41.1.0/24
        az: local-1a
        ---
        kind: autoscaling_group
        name: web
        uuid: 7a2c5e1f-0000-4000-8000-0000000000c3
        cluster: crash
        role: web
        launch: {instance_type: t3.small}
        subnets: [a]
        min: 3
        max: 3
        handoff: {config_management: none}
        ---
        kind: application
        name: webapp
        uuid: 7a2c5e1f-0000-4000-8000-0000000000c4
        source: {directory: artifacts}
        groups: [web]
        hooks: {start: ./start, validate: "grep -qx $BATON_REVISION VERSION"}
        """);
    for (String rev : List.of("v1", "v2")) {
      Path tree = Files.createDirectories(platform.resolve("artifacts").resolve(rev));
      Files.writeString(tree.resolve("VERSION"), rev + "\n");
      // v2 takes its time on each node, so that the kill lands in the middle of the deployment
      Files.writeString(tree.resolve("start"), "#!/bin/sh\n" + (rev.equals("v2") ? "sleep 3\n" : "") + "exit 0\n");
      tree.resolve("start").toFile().setExecutable(true);
    }
    serve = serve();
    assertEquals(0, run("provision", "--yes", platform.toString()).exitValue());
    Process v1 = run("deploy", platform.toString(), "webapp", "--revision", "v1");
    assertEquals(0, v1.exitValue(), out(v1));
    assertEquals(Set.of("v1"), currents());

    Process v2 = jar("deploy", platform.toString(), "webapp", "--revision", "v2").start();
    Wait.until(() -> nodesOk() >= 1, 60, "the first node runs v2");
    serve.destroyForcibly(); // SIGKILL: no chance to tidy anything
    serve.waitFor(10, TimeUnit.SECONDS);
    assertTrue(v2.waitFor(30, TimeUnit.SECONDS));
    String said = out(v2);
    assertNotEquals(0, v2.exitValue(), "the deploy command says it was cut off: " + said);
    assertTrue(said.contains("Interrupted") && !said.contains("internal error"), said);
    Set<String> mid = currents();
    assertTrue(Set.of("v1", "v2").containsAll(mid) && mid.contains("v2"), "each node on one release: " + mid);

    serve = serve();
    Wait.until(() -> "succeeded".equals(latest().getString("status")), 120, "the deployment completed after the restart");
    assertEquals(Set.of("v2"), currents(), "every node runs v2");
    assertEquals("v2", latest().getJsonObject("request").getString("revision"));
    assertEquals(3, latest().getJsonObject("nodes").size());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (serve != null && serve.isAlive()) {
      run("destroy", "--yes", platform.toString());
      run("stop");
      serve.waitFor(30, TimeUnit.SECONDS);
      serve.destroyForcibly();
    }
  }

  /** Each node's current release, read on its disk. */
  Set<String> currents() throws Exception {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> nodes = Files.list(home.resolve("local-cloud/instance-data"))) {
      for (Path n : nodes.toList()) {
        Path current = n.resolve("state/apps/webapp/current");
        out.add(Files.isSymbolicLink(current) ? Files.readString(current.resolve("VERSION")).strip() : "none");
      }
    }
    return out;
  }

  JsonObject latest() {
    try {
      Process p = run("deployments", platform.toString(), "webapp", "--output", "json");
      var all = new JsonObject(out(p)).getJsonArray("deployments");
      return all.isEmpty() ? new JsonObject() : all.getJsonObject(0);
    } catch (Exception e) {
      return new JsonObject(); // the controller is starting
    }
  }

  long nodesOk() {
    return latest().getJsonObject("nodes", new JsonObject()).stream()
        .filter(e -> "ok".equals(((JsonObject) e.getValue()).getString("status"))).count();
  }

  /** The same ports each time: the agents reconnect to the bridge they were given. */
  final int[] ports = {ControllerFixture.freePort(), ControllerFixture.freePort(), ControllerFixture.freePort()};

  Process serve() throws Exception {
    Process p = jar("serve", "--api-port", String.valueOf(ports[0]), "--bridge-port", String.valueOf(ports[1]),
        "--download-port", String.valueOf(ports[2])).redirectOutput(ProcessBuilder.Redirect.appendTo(
            home.resolve("serve.log").toFile())).redirectErrorStream(true).start();
    Wait.until(() -> {
      try {
        return run("nodes").exitValue() == 0;
      } catch (Exception e) {
        return false;
      }
    }, 60, "the controller answers");
    return p;
  }

  Process run(String... args) throws Exception {
    Process p = jar(args).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", args) + " finished");
    return p;
  }

  ProcessBuilder jar(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dbaton.home=" + home, "-jar", ROOT.resolve("controller/target/baton-controller.jar").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("BATON_HOME", home.toString());
    return pb;
  }

  static String out(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
          + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
