package dev.baton.agent.deploy;

import dev.baton.common.crypto.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Downloads a release's archive from the controller's download port: HTTPS trusting only the
 * controller CA the agent pins (the JDK's own trust store is never used, so no public CA can stand
 * in for the controller), host names checked, the deployment's bearer token, no redirects (the
 * token goes to the controller only). What arrives is untrusted until {@link Releases#unpack}
 * has checked its SHA-256: it is streamed to a file, never held in memory, and cut off past a size
 * limit and the command's deadline. Blocking: called on a worker.
 */
public final class ArtifactFetch {
  private static final int BUFFER = 64 * 1024;

  private final String caPem;
  private final long maxBytes;
  private HttpClient client;

  /**
   * @param caPem the controller CA the agent pins (its first certificate is the one trusted)
   * @param maxBytes the largest archive taken
   */
  public ArtifactFetch(String caPem, long maxBytes) {
    this.caPem = caPem;
    this.maxBytes = maxBytes;
  }

  /**
   * Downloads {@code url} into {@code dir} as {@code NAME.tar.gz} or {@code NAME.tar} (by what
   * the bytes are: {@link Releases#unpack} picks tar's flags by the name) and returns that file.
   * Nothing is left in {@code dir} when it fails.
   *
   * @throws IOException with a message for the operator (never the token)
   */
  public Path fetch(String url, String token, Path dir, String name, int timeoutSeconds) throws IOException {
    URI uri = check(url);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, timeoutSeconds));
    Files.createDirectories(dir);
    Path part = dir.resolve(name + ".download");
    Files.deleteIfExists(part); // an attempt that crashed
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET().timeout(remaining(deadline));
    if (token != null && !token.isEmpty()) {
      if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new IOException("deploy: the artifact token has characters a header cannot carry; nothing was changed");
      }
      req.header("Authorization", "Bearer " + token);
    }
    Watchdog dog = new Watchdog(Thread.currentThread(), deadline);
    try {
      HttpResponse<InputStream> resp = client().send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        refuseStatus(resp, uri);
        long declared = resp.headers().firstValueAsLong("content-length").orElse(-1);
        if (declared > maxBytes) {
          throw tooLarge();
        }
        copy(in, part);
      }
      Path file = dir.resolve(name + (gzip(part) ? ".tar.gz" : ".tar"));
      Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (HttpTimeoutException | InterruptedIOException | ClosedByInterruptException e) {
      throw timedOut(timeoutSeconds, uri);
    } catch (InterruptedException e) {
      if (dog.fired()) {
        throw timedOut(timeoutSeconds, uri);
      }
      Thread.currentThread().interrupt();
      throw new IOException("deploy: the artifact download was interrupted; nothing was changed");
    } catch (SSLException e) {
      throw new IOException("deploy: no trusted TLS connection to " + uri.getHost() + ":" + port(uri)
          + " for the artifact (" + innermost(e) + "); nothing was changed", e);
    } catch (IOException e) {
      if (dog.fired()) {
        throw timedOut(timeoutSeconds, uri);
      }
      throw e.getMessage() != null && e.getMessage().startsWith("deploy: ") ? e
          : new IOException("deploy: could not download the artifact from " + uri.getHost() + ":" + port(uri) + ": "
              + (e.getMessage() == null ? e.toString() : e.getMessage()) + "; nothing was changed", e);
    } finally {
      dog.stop();
      Files.deleteIfExists(part);
    }
  }

  /** Only https:// with a host: the URL came over the network. */
  private static URI check(String url) throws IOException {
    URI uri;
    try {
      uri = url == null ? null : new URI(url);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (uri == null || !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IOException("deploy: the artifact URL is not https://HOST[:PORT]/PATH; nothing was changed");
    }
    return uri;
  }

  private static void refuseStatus(HttpResponse<?> resp, URI uri) throws IOException {
    int status = resp.statusCode();
    if (status == 200) {
      return;
    }
    String why = status == 401 || status == 403 ? " (the deployment's token is wrong or has expired)"
        : status == 404 ? " (the controller does not have this artifact)" : "";
    throw new IOException("deploy: " + uri.getHost() + ":" + port(uri) + " answered HTTP " + status
        + " for the artifact" + why + "; nothing was changed");
  }

  private void copy(InputStream in, Path part) throws IOException {
    try (OutputStream out = Files.newOutputStream(part)) {
      byte[] buf = new byte[BUFFER];
      long total = 0;
      for (int n; (n = in.read(buf)) >= 0;) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge();
        }
        out.write(buf, 0, n);
      }
    }
  }

  private IOException tooLarge() {
    return new IOException("deploy: the artifact is larger than " + maxBytes + " bytes (baton.agent.artifact-max-bytes);"
        + " nothing was changed");
  }

  private static IOException timedOut(int seconds, URI uri) {
    return new IOException("deploy: the artifact download from " + uri.getHost() + ":" + port(uri)
        + " did not finish within the command's " + seconds + " s; nothing was changed");
  }

  /** The first cause's message: "unable to find valid certification path", not the wrappers' class names. */
  private static String innermost(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  private static boolean gzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static int port(URI uri) {
    return uri.getPort() < 0 ? 443 : uri.getPort();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
  }

  /** One client for the agent's life: it holds the pinned trust and reuses connections. */
  private synchronized HttpClient client() throws IOException {
    if (client == null) {
      try {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("baton-controller-ca", Pem.certificate(caPem));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        // the JDK client checks the server's name against its certificate unless told not to; it is not told
        client = HttpClient.newBuilder().sslContext(tls).followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30)).build();
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new IOException("deploy: cannot trust the controller CA for downloads: " + e.getMessage(), e);
      }
    }
    return client;
  }

  /**
   * Interrupts the downloading thread at the deadline: a read from a server that stalls after its
   * headers would otherwise block past the command's timeout (the request timeout covers the
   * headers only). Never fires once stopped, so the worker is not left interrupted.
   */
  private static final class Watchdog {
    private final Thread thread;
    private boolean stopped;
    private boolean fired;

    Watchdog(Thread thread, long deadline) {
      this.thread = thread;
      long delay = Math.max(1, deadline - System.nanoTime());
      CompletableFuture.runAsync(this::fire, CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS));
    }

    private synchronized void fire() {
      if (!stopped) {
        fired = true;
        thread.interrupt();
      }
    }

    synchronized boolean fired() {
      return fired;
    }

    synchronized void stop() {
      stopped = true;
      if (fired) {
        Thread.interrupted(); // ours, not the caller's: cleared
      }
    }
  }
}
