package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's way to a controller's HTTP API, authenticated with the operator token: this host's,
 * found through {@code controller.json} (started in the background when none runs,
 * {@link #ensureRunning}), or a remote one over TLS with its CA pinned. {@link ControllerAccess}
 * decides which; commands never build one themselves.
 */
public final class ControllerClient {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ControllerClient.class.getName());

  /**
   * The JVM options of a controller started in the background, unless BATON_JAVA_OPTS gives
   * others (bin/controller uses the same): C1 only, since on a 2-core machine C2's compilations
   * cost more than they give back during a registration burst (docs/benchmarks.md: 452 against
   * 278 registrations/s on a controller's first 1,000, ~930 against ~650 warm).
   */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1");

  static List<String> jvmOptions(String env) {
    return env == null || env.isBlank() ? DEFAULT_JVM_OPTIONS : List.of(env.trim().split("\\s+"));
  }

  private final HttpClient http;
  private final String base;
  private final String token;
  private final PinnedTrust trust;

  private ControllerClient(String base, String token, PinnedTrust trust) {
    this.base = base;
    this.token = token;
    this.trust = trust;
    // the JDK counts the TLS handshake in the connect timeout: a busy remote controller gets longer
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(trust == null ? 3 : 15))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (trust != null) {
      b.sslContext(trust.context()); // host names stay checked: the JDK client asks for it unless told not to
    }
    this.http = b.build();
  }

  /**
   * A client of the controller at {@code url} (https), trusting only the CA of fingerprint
   * {@code pinned} (null: none, the handshake then only shows which CA it presents).
   */
  static ControllerClient pinned(String url, String token, String pinned) {
    return new ControllerClient(url, token, new PinnedTrust(pinned));
  }

  /** Where this client sends its requests ({@code http(s)://host:port}). */
  public String base() {
    return base;
  }

  /** The CA fingerprint the controller presented in the last TLS handshake, or null. */
  String presentedCa() {
    return trust == null ? null : trust.presented();
  }

  /** The same controller, asked with another operator token (a named one instead of this host's built-in admin). */
  ControllerClient withToken(String operatorToken) {
    return new ControllerClient(base, operatorToken, trust);
  }

  /** Why the last TLS handshake was refused by the pin, if it was. */
  PinnedTrust.Refusal refusal() {
    return trust == null ? PinnedTrust.Refusal.NONE : trust.refusal();
  }

  /** The client the runtime file of {@code home} describes: plain HTTP on loopback, else TLS pinned to its own CA. */
  private static ControllerClient of(ControllerHome home, JsonObject rt) throws IOException {
    String scheme = rt.getString("api_scheme", "http");
    String base = scheme + "://" + rt.getString("api_host", "127.0.0.1") + ":" + rt.getInteger("api_port");
    if (!scheme.equals("https")) {
      return new ControllerClient(base, home.operatorToken(), null);
    }
    // this host holds the CA: the same pin a remote CLI keeps, read from the file instead of asked for
    String caPem = java.nio.file.Files.readString(home.ca().resolve("ca.crt.pem"));
    String fingerprint = dev.baton.common.crypto.Fingerprints.sha256(dev.baton.common.crypto.Pem.certificate(caPem));
    return new ControllerClient(base, home.operatorToken(), new PinnedTrust(fingerprint));
  }

  /**
   * A client for the controller of {@code home} as its runtime file says, without asking it
   * anything (for the controller itself, which must not call its own API from its event loop).
   */
  public static ControllerClient unchecked(ControllerHome home) throws IOException {
    JsonObject rt = home.running().orElseThrow(() -> new IOException("the controller has not written its runtime file"));
    return of(home, rt);
  }

  /**
   * A client for the controller that {@code home} says is running, if it answers. Only for this
   * host's controller: the CLI asks {@link ControllerAccess}, which knows whether it is remote.
   */
  static Optional<ControllerClient> find(ControllerHome home) {
    Optional<JsonObject> rt = home.running();
    if (rt.isEmpty()) {
      return Optional.empty();
    }
    ControllerClient c;
    try {
      c = of(home, rt.get());
      if (c.healthy()) {
        return Optional.of(c);
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    // its process lives (another one: in-process test controllers leave their file behind): slow, not gone;
    // saying "none runs" would start a second controller beside it
    long pid = rt.get().getLong("pid", -1L);
    if (pid > 0 && pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      for (int i = 0; i < 3; i++) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (c.healthy()) {
          return Optional.of(c);
        }
      }
      throw new BatonException(ErrorCode.UNAVAILABLE, "the controller of " + home.dir().getParent() + " (pid " + pid
          + ") runs but does not answer at " + c.base + "/healthz; it may be overloaded: try again, or see " + home.log());
    }
    return Optional.empty();
  }

  /**
   * The running controller, or a new one started in the background (its own session, so it
   * outlives this command; log in {@code controller.log}).
   *
   * @param jar the controller jar to run
   * @param onStart told when a controller has to be started
   */
  static ControllerClient ensureRunning(ControllerHome home, Path jar, Runnable onStart) {
    Optional<ControllerClient> found = find(home);
    if (found.isPresent()) {
      return found.get();
    }
    if (jar == null || !Files.isRegularFile(jar)) {
      throw new BatonException(ErrorCode.FAILED_PRECONDITION, "no controller is running and there is no controller jar"
          + " to start one; run \"controller serve\" first");
    }
    onStart.run();
    try {
      Files.createDirectories(home.dir());
      Files.deleteIfExists(home.runtime());
      List<String> cmd = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        cmd.add("/usr/bin/setsid");
      }
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmOptions(System.getenv("BATON_JAVA_OPTS")));
      cmd.addAll(List.of("-Dbaton.home=" + home.dir().getParent(), "-jar", jar.toString(), "serve"));
      long logStart = Files.exists(home.log()) ? Files.size(home.log()) : 0;
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(home.log().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      while (System.nanoTime() < deadline) {
        Thread.sleep(250);
        if (!p.isAlive()) {
          String log = Files.readString(home.log());
          String why = log.substring((int) Math.min(logStart, log.length())).strip();
          throw new BatonException(ErrorCode.UNAVAILABLE, "the controller stopped at start: "
              + (why.isEmpty() ? "no output" : why.lines().reduce((x, y) -> y).orElse(why))
              + (why.contains("Address already in use") ? " (is another controller running with another BATON_HOME?"
                  + " stop it, or give this one other ports with \"controller serve --bridge-port/--api-port\")" : ""));
        }
        Optional<ControllerClient> c = find(home);
        if (c.isPresent()) {
          return c.get();
        }
      }
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "cannot start the controller: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new BatonException(ErrorCode.UNAVAILABLE, "the controller did not start within 40 s; see " + home.log());
  }

  public boolean healthy() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
          .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public JsonObject get(String path) {
    return call(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public JsonObject post(String path, JsonObject body) {
    return call(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  /**
   * POSTs and reads a JSON-lines answer, handing each line to {@code onLine} as it arrives (no
   * overall timeout: the server ends the answer). A connection cut mid-answer ends it early, as
   * the server would: callers know from the lines they got whether it was complete.
   */
  public void stream(String path, JsonObject body, java.util.function.Consumer<JsonObject> onLine) {
    try {
      HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() >= 300) {
        String text = r.body().collect(java.util.stream.Collectors.joining("\n"));
        JsonObject o = text.isBlank() ? new JsonObject() : new JsonObject(text);
        throw new BatonException(r.statusCode() == 400 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.UNAVAILABLE,
            "controller API: " + r.statusCode() + " " + o.getString("error", ""));
      }
      try (var lines = r.body()) {
        lines.filter(l -> !l.isBlank()).forEach(l -> onLine.accept(new JsonObject(l)));
      } catch (java.io.UncheckedIOException cut) {
        // the controller went away mid-answer: the caller sees no last line and says it was cut off
        LOG.fine("answer of " + path + " cut: " + cut.getMessage());
      }
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "controller API unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.UNAVAILABLE, "interrupted");
    }
  }

  /** POSTs and answers the status code and the JSON body, whatever the status (no exception for 4xx). */
  public Map.Entry<Integer, JsonObject> exchange(String path, JsonObject body) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type",
          "application/json").header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
      return Map.entry(r.statusCode(), r.body().isBlank() ? new JsonObject() : new JsonObject(r.body()));
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "controller API unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.UNAVAILABLE, "interrupted");
    }
  }

  /**
   * The controller's {@code /healthz}: status, nodes, and {@code cluster} when it is a member of
   * one. Sent without the token, which it does not need: a remote controller's first request,
   * right after the handshake that checked its CA, carries no secret.
   */
  public JsonObject health() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new BatonException(ErrorCode.UNAVAILABLE, "controller API: /healthz answered " + r.statusCode());
      }
      return new JsonObject(r.body());
    } catch (IOException | RuntimeException e) {
      if (e instanceof BatonException b) {
        throw b;
      }
      throw new BatonException(ErrorCode.UNAVAILABLE, "controller API unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.UNAVAILABLE, "interrupted");
    }
  }

  private JsonObject call(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 204) {
        return new JsonObject();
      }
      JsonObject o = r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
      if (r.statusCode() == 404) {
        throw BatonException.notFound(o.getString("error", "not found"));
      }
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        throw new BatonException(ErrorCode.PERMISSION_DENIED, "the controller refused: " + o.getString("error", ""));
      }
      if (r.statusCode() >= 300) {
        throw new BatonException(ErrorCode.UNAVAILABLE, "controller API: " + r.statusCode() + " " + o.getString("error", ""));
      }
      return o;
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "controller API unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.UNAVAILABLE, "interrupted");
    }
  }
}
