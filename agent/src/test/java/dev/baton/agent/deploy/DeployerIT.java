package dev.baton.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.agent.handoff.CommandRunner;
import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment on one node as the agent runs it: archives made by the system's tar, served over
 * HTTPS by a Vert.x server with a certificate from a CA of the test's own (the "controller CA"),
 * behind a bearer token; real hook commands that write down what ran, in what order, with what.
 */
class DeployerIT {
  static final String TOKEN = "deploy-token-1";
  static Vertx vertx;
  static CertificateAuthority ca;
  static HttpServer server;
  static int port;
  /** A server whose certificate, from the same CA, names another host. */
  static int wrongNamePort;
  static final Map<String, Buffer> ARTIFACTS = new ConcurrentHashMap<>();
  static final AtomicInteger REQUESTS = new AtomicInteger();

  @TempDir
  Path dir;
  Path agentDir;
  Path log;
  final Map<String, String> sha256 = new ConcurrentHashMap<>();

  @BeforeAll
  static void serve(@TempDir Path caDir) throws Exception {
    vertx = Vertx.vertx();
    ca = CertificateAuthority.openOrCreate(caDir, "test controller CA");
    server = listen(ca, List.of("127.0.0.1", "localhost"));
    port = server.actualPort();
    wrongNamePort = listen(ca, List.of("controller.example.net")).actualPort();
  }

  static HttpServer listen(CertificateAuthority issuer, List<String> names) throws Exception {
    KeyPair kp = Keys.ec();
    String cert = Pem.encode(issuer.issueServer(kp.getPublic(), names.get(0), names, Duration.ofDays(1)));
    HttpServerOptions opts = new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(cert))
            .setKeyValue(Buffer.buffer(Pem.encode(kp.getPrivate()))));
    return await(vertx.createHttpServer(opts).requestHandler(req -> {
      REQUESTS.incrementAndGet();
      String rev = req.path().substring(req.path().lastIndexOf('/') + 1);
      if (!("Bearer " + TOKEN).equals(req.getHeader("Authorization"))) {
        req.response().setStatusCode(401).end();
      } else if (!ARTIFACTS.containsKey(rev)) {
        req.response().setStatusCode(404).end();
      } else {
        req.response().putHeader("Content-Type", "application/gzip").end(ARTIFACTS.get(rev));
      }
    }).listen());
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clean() throws Exception {
    ARTIFACTS.clear();
    REQUESTS.set(0);
    agentDir = Files.createDirectories(dir.resolve("agent"));
    log = dir.resolve("hooks.log");
  }

  /** A .tar.gz of {@code version} (holding {@code rev}) and {@code bin/hello}, made by the system's tar and served. */
  void artifact(String rev) throws Exception {
    Path src = dir.resolve("src-" + rev);
    Files.createDirectories(src.resolve("bin"));
    Files.writeString(src.resolve("version"), rev);
    Files.writeString(src.resolve("bin/hello"), "#!/bin/sh\necho hello from " + rev + "\n");
    Path out = dir.resolve(rev + ".tar.gz");
    Process p = new ProcessBuilder("tar", "-czf", out.toString(), "-C", src.toString(), ".").inheritIO().start();
    assertEquals(0, p.waitFor());
    ARTIFACTS.put(rev, Buffer.buffer(Files.readAllBytes(out)));
    sha256.put(rev, Releases.sha256(out));
  }

  /** Each stage writes "STAGE REVISION" to the log; {@code extra} adds to (or replaces) a stage's command. */
  Map<String, String> hooks(Map<String, String> extra) {
    Map<String, String> h = new LinkedHashMap<>();
    for (String stage : NodeCommand.Application.HOOKS) {
      h.put(stage, "echo " + stage + " $BATON_REVISION >> " + log + (extra.containsKey(stage) ? "; " + extra.get(stage) : ""));
    }
    return h;
  }

  NodeCommand.Application app(String path, Map<String, String> extra, int hookTimeout) {
    return new NodeCommand.Application("shop", path, null, hooks(extra), hookTimeout, 2);
  }

  NodeCommand.Application app(Map<String, String> extra) {
    return app(dir.resolve("srv/{name}").toString(), extra, 10);
  }

  NodeCommand.Deploy deploy(NodeCommand.Application app, String rev) {
    return new NodeCommand.Deploy("deploy shop", app, rev, "https://127.0.0.1:" + port + "/artifacts/" + rev,
        sha256.get(rev), TOKEN, 60);
  }

  Deployer deployer() {
    return new Deployer(agentDir, ca.certificatePem(), new CommandRunner(agentDir));
  }

  Releases releases() {
    return new Releases(dir.resolve("srv/shop"), new CommandRunner(dir));
  }

  List<String> ran() throws Exception {
    if (!Files.exists(log)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(log);
    Files.delete(log);
    return lines;
  }

  /** v1 then v2, both worked: the node is on v2 with v1 as previous. */
  Deployer onV2(NodeCommand.Application app) throws Exception {
    artifact("v1");
    artifact("v2");
    Deployer d = deployer();
    assertOk(d.deploy(deploy(app, "v1")), "v1");
    assertOk(d.deploy(deploy(app, "v2")), "v2");
    ran();
    return d;
  }

  static void assertOk(CommandResult r, String release) {
    assertEquals(0, r.exitCode(), r.output());
    assertEquals(release, r.release(), r.output());
  }

  @Test
  void aFirstReleaseThenASecondRunTheStagesInOrderWithTheirEnvironment() throws Exception {
    artifact("v1");
    artifact("v2");
    // the default path, relative to the agent's directory
    Map<String, String> extra = Map.of("before_install", "{ pwd; echo \"$BATON_APPLICATION|$BATON_REVISION|"
        + "$BATON_RELEASE_DIR|$BATON_APP_ROOT|$BATON_PREVIOUS_REVISION\"; } > " + dir.resolve("env-") + "$BATON_REVISION",
        "stop", "echo \"$BATON_REVISION|$BATON_RELEASE_DIR\" > " + dir.resolve("stop-env") + "; pwd >> " + dir.resolve("stop-env"));
    NodeCommand.Application app = app(null, extra, 10);
    Deployer d = deployer();
    CommandResult first = d.deploy(deploy(app, "v1"));
    assertOk(first, "v1");
    assertEquals(List.of("block_traffic v1", "before_install v1", "after_install v1", "start v1", "validate v1",
        "allow_traffic v1"), ran(), "no release ran before: nothing to stop");
    CommandResult second = d.deploy(deploy(app, "v2"));
    assertOk(second, "v2");
    assertEquals(List.of("block_traffic v2", "stop v1", "before_install v2", "after_install v2", "start v2",
        "validate v2", "allow_traffic v2"), ran());
    Path root = agentDir.resolve("apps/shop");
    Releases r = new Releases(root, new CommandRunner(dir));
    assertEquals(Optional.of("v2"), r.current());
    assertEquals(Optional.of("v1"), r.previous());
    assertEquals("v2", Files.readString(root.resolve("current/version")));
    Path v2 = root.resolve("releases/v2");
    assertEquals(List.of(v2.toString(), "shop|v2|" + v2 + "|" + root + "|v1"), Files.readAllLines(dir.resolve("env-v2")));
    Path v1 = root.resolve("releases/v1");
    assertEquals(List.of(v1.toString(), "shop|v1|" + v1 + "|" + root + "|"), Files.readAllLines(dir.resolve("env-v1")),
        "no previous release: empty");
    assertEquals(List.of("v1|" + v1, v1.toString()),
        Files.readAllLines(dir.resolve("stop-env")), "the running release's stop runs in its own directory");
    assertTrue(second.output().contains("stages: ") && second.output().contains("download ")
        && second.output().contains("validate(v2) "), second.output());
    assertFalse(Files.exists(root.resolve(".incoming")), "no download is left");
  }

  @Test
  void aReleaseWhoseValidateFailsIsRolledBackOnTheNode() throws Exception {
    NodeCommand.Application app = app(Map.of("validate",
        "[ \"$BATON_REVISION\" != v3 ] || { echo 'health check: 503'; exit 3; }"));
    Deployer d = onV2(app);
    artifact("v3");
    int before = REQUESTS.get();
    CommandResult r = d.deploy(deploy(app, "v3"));
    assertEquals(3, r.exitCode(), r.output());
    assertEquals("v2", r.release());
    assertEquals(List.of("block_traffic v3", "stop v2", "before_install v3", "after_install v3", "start v3",
        "validate v3", "stop v3", "start v2", "validate v2", "allow_traffic v2"), ran());
    assertTrue(r.output().contains("validate of v3 exited with 3"), r.output());
    assertTrue(r.output().contains("health check: 503"), "its last lines: " + r.output());
    assertTrue(r.output().contains("rolled back to v2 on the node"), r.output());
    assertEquals(Optional.of("v2"), releases().current());
    assertEquals("v2", Files.readString(dir.resolve("srv/shop/current/version")));
    assertEquals(before + 1, REQUESTS.get(), "going back downloads nothing");
  }

  @Test
  void theFailedReleasesStopFailingDoesNotStopTheRollback() throws Exception {
    NodeCommand.Application app = app(Map.of(
        "validate", "[ \"$BATON_REVISION\" != v3 ] || exit 3",
        "stop", "[ \"$BATON_REVISION\" != v3 ] || { echo 'cannot stop'; exit 5; }"));
    Deployer d = onV2(app);
    artifact("v3");
    CommandResult r = d.deploy(deploy(app, "v3"));
    assertEquals(3, r.exitCode(), "the failure reported is validate's: " + r.output());
    assertEquals("v2", r.release());
    assertEquals(List.of("block_traffic v3", "stop v2", "before_install v3", "after_install v3", "start v3",
        "validate v3", "stop v3", "start v2", "validate v2", "allow_traffic v2"), ran());
    assertTrue(r.output().contains("stop of v3 exited with 5, the rollback went on"), r.output());
    assertTrue(r.output().contains("cannot stop"), r.output());
    assertEquals(Optional.of("v2"), releases().current());
  }

  @Test
  void aFailureBeforeTheSwitchLeavesTheRunningReleaseAndStartsItAgain() throws Exception {
    NodeCommand.Application app = app(Map.of("before_install", "[ \"$BATON_REVISION\" != v3 ] || exit 4"));
    Deployer d = onV2(app);
    artifact("v3");
    CommandResult r = d.deploy(deploy(app, "v3"));
    assertEquals(4, r.exitCode(), r.output());
    assertEquals("v2", r.release());
    assertEquals(List.of("block_traffic v3", "stop v2", "before_install v3", "start v2", "allow_traffic v2"), ran());
    assertTrue(r.output().contains("before_install of v3 exited with 4") && r.output().contains("v2 is still current"),
        r.output());
    assertEquals(Optional.of("v2"), releases().current());
    assertEquals(Optional.of("v1"), releases().previous(), "the links did not move");
  }

  @Test
  void anArtifactWhoseDigestDiffersIsRefusedAndNothingChanges() throws Exception {
    NodeCommand.Application app = app(Map.of());
    Deployer d = onV2(app);
    artifact("v3");
    NodeCommand.Deploy good = deploy(app, "v3");
    NodeCommand.Deploy bad = new NodeCommand.Deploy(good.step(), app, "v3", good.artifactUrl(), "ab".repeat(32), TOKEN, 60);
    CommandResult r = d.deploy(bad);
    assertEquals(1, r.exitCode(), r.output());
    assertEquals("v2", r.release());
    assertTrue(r.output().contains("SHA-256") && r.output().contains("nothing was changed"), r.output());
    assertEquals(List.of(), ran(), "no hook ran");
    assertEquals(Optional.of("v2"), releases().current());
    assertFalse(Files.exists(dir.resolve("srv/shop/releases/v3")));
    assertFalse(Files.exists(dir.resolve("srv/shop/.incoming")), "the download is not kept");
  }

  @Test
  void aWrongTokenIsRefusedByTheServerAndNothingChanges() throws Exception {
    NodeCommand.Application app = app(Map.of());
    Deployer d = onV2(app);
    artifact("v3");
    NodeCommand.Deploy good = deploy(app, "v3");
    CommandResult r = d.deploy(new NodeCommand.Deploy(good.step(), app, "v3", good.artifactUrl(), good.artifactSha256(),
        "not-the-token", 60));
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("HTTP 401") && r.output().contains("token is wrong or has expired")
        && r.output().contains("nothing was changed"), r.output());
    assertFalse(r.output().contains("not-the-token"), "the token is never repeated");
    assertEquals("v2", r.release());
    assertEquals(List.of(), ran());
    assertEquals(Optional.of("v2"), releases().current());
    assertFalse(Files.exists(dir.resolve("srv/shop/releases/v3")));
  }

  @Test
  void onlyTheControllerCaIsTrustedAndTheHostNameIsChecked() throws Exception {
    artifact("v1");
    NodeCommand.Application app = app(Map.of());
    String otherCa = CertificateAuthority.openOrCreate(dir.resolve("other-ca"), "another CA").certificatePem();
    CommandResult r = new Deployer(agentDir, otherCa, new CommandRunner(agentDir)).deploy(deploy(app, "v1"));
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("no trusted TLS connection to 127.0.0.1:" + port), r.output());
    NodeCommand.Deploy good = deploy(app, "v1");
    r = deployer().deploy(new NodeCommand.Deploy(good.step(), app, "v1", "https://127.0.0.1:" + wrongNamePort
        + "/artifacts/v1", good.artifactSha256(), TOKEN, 60));
    assertEquals(1, r.exitCode(), "a certificate of the right CA for another host: " + r.output());
    assertTrue(r.output().contains("no trusted TLS connection"), r.output());
    r = deployer().deploy(new NodeCommand.Deploy(good.step(), app, "v1", "http://127.0.0.1:" + port + "/artifacts/v1",
        good.artifactSha256(), TOKEN, 60));
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("not https://"), r.output());
    assertEquals(List.of(), ran());
    assertEquals(Optional.empty(), releases().current());
  }

  @Test
  void anArtifactOverTheSizeLimitIsRefused() throws Exception {
    artifact("v1");
    Deployer small = new Deployer(agentDir, new CommandRunner(agentDir), new ArtifactFetch(ca.certificatePem(), 64),
        Hooks.Self.current());
    CommandResult r = small.deploy(deploy(app(Map.of()), "v1"));
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("larger than 64 bytes"), r.output());
    assertFalse(Files.exists(dir.resolve("srv/shop/releases")));
    assertEquals(List.of(), ran());
  }

  @Test
  void aHookThatHangsTimesOutAndTheNodeGoesBack() throws Exception {
    NodeCommand.Application app = app(dir.resolve("srv/{name}").toString(),
        Map.of("validate", "[ \"$BATON_REVISION\" != v3 ] || sleep 60"), 2);
    Deployer d = onV2(app);
    artifact("v3");
    long t0 = System.nanoTime();
    CommandResult r = d.deploy(deploy(app, "v3"));
    assertEquals(124, r.exitCode(), r.output());
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 30, "the hook was cut off");
    assertTrue(r.output().contains("validate of v3 timed out after 2 s (exit 124)"), r.output());
    assertTrue(r.output().contains("rolled back to v2 on the node"), r.output());
    assertEquals("v2", r.release());
    assertEquals(Optional.of("v2"), releases().current());
  }

  @Test
  void aReleaseTheNodeHasIsNotDownloadedAgainAndTheCurrentOneOnlyValidated() throws Exception {
    NodeCommand.Application app = app(Map.of());
    Deployer d = onV2(app);
    assertEquals(2, REQUESTS.get());
    ARTIFACTS.clear(); // the controller could not serve it anyway
    CommandResult back = d.deploy(deploy(app, "v1"));
    assertOk(back, "v1");
    assertEquals(2, REQUESTS.get(), "v1 is still under releases/: no download");
    assertTrue(back.output().contains("no download (v1 is on the node)"), back.output());
    assertEquals(List.of("block_traffic v1", "stop v2", "before_install v1", "after_install v1", "start v1",
        "validate v1", "allow_traffic v1"), ran());
    assertEquals(Optional.of("v2"), releases().previous());
    // a resumed deployment: the node is on v1 already, it is validated, not restarted
    CommandResult again = d.deploy(deploy(app, "v1"));
    assertOk(again, "v1");
    assertEquals(List.of("validate v1"), ran());
    assertTrue(again.output().contains("already current"), again.output());
    assertEquals(2, REQUESTS.get());
  }

  @Test
  void aRollbackPutsTheNodeBackOnAReleaseItHasOrOnNone() throws Exception {
    NodeCommand.Application app = app(Map.of());
    Deployer d = onV2(app);
    CommandResult r = d.rollback(new NodeCommand.DeployRollback("rollback shop", app, "v1", 60));
    assertOk(r, "v1");
    assertEquals(List.of("block_traffic v1", "stop v2", "start v1", "validate v1", "allow_traffic v1"), ran());
    assertEquals(Optional.of("v1"), releases().current());
    r = d.rollback(new NodeCommand.DeployRollback("rollback shop", app, "v1", 60));
    assertOk(r, "v1");
    assertEquals(List.of("validate v1"), ran(), "already there: validated only");
    r = d.rollback(new NodeCommand.DeployRollback("rollback shop", app, "v9", 60));
    assertEquals(Deployer.REFUSED, r.exitCode());
    assertTrue(r.output().contains("release v9 is not on this node; deploy it"), r.output());
    assertEquals("v1", r.release());
    r = d.rollback(new NodeCommand.DeployRollback("rollback shop", app, null, 60));
    assertEquals(0, r.exitCode(), r.output());
    assertNull(r.release());
    assertEquals(List.of("block_traffic v1", "stop v1"), ran(), "nothing left to put back in service");
    assertEquals(Optional.empty(), releases().current());
    assertFalse(Files.exists(dir.resolve("srv/shop/current"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aRollbackGoesOnWhenTakingTheNodeOutOfServiceFailsAndSaysWhenPuttingItBackFails() throws Exception {
    NodeCommand.Application app = app(Map.of("block_traffic", "echo 'lb unreachable'; exit 7",
        "allow_traffic", "[ \"$BATON_REVISION\" != v1 ] || { echo 'still draining'; exit 9; }"));
    Deployer d = onV2(app(Map.of())); // the same application, its load balancer working until now
    CommandResult r = d.rollback(new NodeCommand.DeployRollback("rollback shop", app, "v1", 60));
    assertEquals(9, r.exitCode(), "the node is back on v1 but not in service: " + r.output());
    assertEquals("v1", r.release());
    assertEquals(Optional.of("v1"), releases().current());
    assertTrue(r.output().contains("block_traffic of v1 exited with 7, the rollback went on")
        && r.output().contains("lb unreachable") && r.output().contains("still draining"), r.output());
  }

  @Test
  void aSecondCommandForTheApplicationIsRefusedWhileTheFirstRuns() throws Exception {
    artifact("v1");
    artifact("v2");
    Path started = dir.resolve("started");
    Path go = dir.resolve("go");
    NodeCommand.Application app = app(dir.resolve("srv/{name}").toString(), Map.of("before_install",
        "touch " + started + "; while [ ! -e " + go + " ]; do sleep 0.1; done"), 30);
    Deployer d = deployer();
    CompletableFuture<CommandResult> first = CompletableFuture.supplyAsync(() -> d.deploy(deploy(app, "v1")));
    for (int i = 0; i < 300 && !Files.exists(started); i++) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(started), "the first deployment reached before_install");
    long t0 = System.nanoTime();
    CommandResult second = d.deploy(deploy(app, "v2"));
    CommandResult rollback = d.rollback(new NodeCommand.DeployRollback("rollback shop", app, null, 60));
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5000, "answered at once");
    for (CommandResult r : List.of(second, rollback)) {
      assertEquals(Deployer.BUSY, r.exitCode(), r.output());
      assertTrue(r.output().contains("a deployment of shop is already running on this node"), r.output());
    }
    Files.createFile(go);
    assertOk(first.get(30, TimeUnit.SECONDS), "v1");
    assertFalse(Files.exists(dir.resolve("srv/shop/releases/v2")), "the second one never ran");
    assertEquals(1, REQUESTS.get());
  }

  @Test
  void aPathThatClimbsOrAnUnsafeNameIsRefusedBeforeAnythingChanges() throws Exception {
    artifact("v1");
    Deployer d = deployer();
    for (String path : List.of("../outside/{name}", "apps/../../{name}", dir.resolve("srv/../etc/{name}").toString(), ".")) {
      CommandResult r = d.deploy(deploy(app(path, Map.of(), 10), "v1"));
      assertEquals(Deployer.REFUSED, r.exitCode(), path + ": " + r.output());
      assertTrue(r.output().contains(path.equals(".") ? "the agent's own directory" : "'..'"), r.output());
      assertNull(r.release());
    }
    NodeCommand.Application slash = new NodeCommand.Application("../shop", null, null, hooks(Map.of()), 10, 2);
    assertEquals(Deployer.REFUSED, d.deploy(deploy(slash, "v1")).exitCode());
    CommandResult badRev = d.deploy(deploy(app(Map.of()), "../v1"));
    assertEquals(Deployer.REFUSED, badRev.exitCode(), badRev.output());
    assertEquals(List.of(), ran());
    assertEquals(0, REQUESTS.get(), "nothing was downloaded");
    assertFalse(Files.exists(dir.resolve("outside")) || Files.exists(dir.resolve("srv")));
  }

  @Test
  void anAgentThatIsNotRootRefusesAnotherUserBeforeAnythingChanges() throws Exception {
    artifact("v1");
    NodeCommand.Application app = new NodeCommand.Application("shop", dir.resolve("srv/{name}").toString(), "webapp",
        hooks(Map.of()), 10, 2);
    Deployer d = new Deployer(agentDir, new CommandRunner(agentDir), new ArtifactFetch(ca.certificatePem(), 1 << 20),
        new Hooks.Self(false, "baton"));
    CommandResult r = d.deploy(deploy(app, "v1"));
    assertEquals(Deployer.REFUSED, r.exitCode(), r.output());
    assertTrue(r.output().contains("runs as webapp, but the agent runs as baton, not root"), r.output());
    assertEquals(0, REQUESTS.get());
    assertFalse(Files.exists(dir.resolve("srv")));
  }

  @Test
  void anAgentThatIsRootRunsTheHooksAsTheApplicationsUser() throws Exception {
    Assumptions.assumeTrue(Hooks.Self.current().root(), "the agent runs as root only on nodes (and here when root)");
    Assumptions.assumeTrue(new ProcessBuilder("id", "-u", "nobody").start().waitFor() == 0, "no user nobody");
    artifact("v1");
    // the hooks write in their release's directory, which the application's user owns
    Map<String, String> h = Map.of("start", "id -un > whoami");
    NodeCommand.Application app = new NodeCommand.Application("shop", dir.resolve("srv/{name}").toString(), "nobody",
        h, 10, 2);
    CommandResult r = deployer().deploy(deploy(app, "v1"));
    assertOk(r, "v1");
    Path release = dir.resolve("srv/shop/releases/v1");
    assertEquals("nobody", Files.readString(release.resolve("whoami")).strip());
    assertEquals("nobody", Files.getOwner(release.resolve("version")).getName());
  }
}
