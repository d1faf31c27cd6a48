package dev.baton.controller.bridge;

import dev.baton.cloudinit.UserData;
import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Keys;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor under the agent's idle memory (docs/benchmarks.md): the resident size of a JVM with
 * the agent's options that does nothing, then of one that only holds a TLS 1.3 connection made
 * with the JDK's own TLS (no Netty, no Vert.x), idle 10 s after connecting. Run: bin/bench JvmFloorBenchmark
 */
@Tag("benchmark")
class JvmFloorBenchmark {
  static final String PROGRAM = """
      import javax.net.ssl.*;
      public class Idle {
        public static void main(String[] a) throws Exception {
          Object held = null;
          if (a.length > 0) {
            SSLContext c = SSLContext.getInstance("TLSv1.3");
            c.init(null, new TrustManager[] {new X509TrustManager() {
              public void checkClientTrusted(java.security.cert.X509Certificate[] x, String s) {}
              public void checkServerTrusted(java.security.cert.X509Certificate[] x, String s) {}
              public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
            }}, null);
            SSLSocket s = (SSLSocket) c.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(a[0]));
            s.startHandshake();
            s.getOutputStream().write(1);
            held = s;
          }
          System.out.println("ready " + held);
          Thread.sleep(600_000);
        }
      }
      """;

  @Test
  void idleJvmAndIdleJvmHoldingATlsConnection(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("Idle.java"), PROGRAM);
    if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), dir.resolve("Idle.java").toString()) != 0) {
      throw new AssertionError("cannot compile the probe");
    }
    CertificateAuthority ca = CertificateAuthority.openOrCreate(dir.resolve("ca"), "floor");
    KeyPair kp = Keys.ec();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", kp.getPrivate(), new char[0], new Certificate[] {
        ca.issueServer(kp.getPublic(), "127.0.0.1", List.of("127.0.0.1"), Duration.ofHours(1)), ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, new char[0]);
    SSLContext server = SSLContext.getInstance("TLSv1.3");
    server.init(kmf.getKeyManagers(), null, null);
    List<SSLSocket> held = new ArrayList<>();
    try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 10,
        InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            SSLSocket s = (SSLSocket) ss.accept();
            s.startHandshake();
            s.getInputStream().read();
            held.add(s);
          }
        } catch (Exception e) {
          // closed
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> agentOptions = UserData.AGENT_JVM_OPTIONS;
      List<String> interpreted = new ArrayList<>(agentOptions);
      interpreted.removeIf(o -> o.startsWith("-XX:TieredStopAtLevel") || o.startsWith("-XX:CICompilerCount"));
      interpreted.add("-Xint");
      System.out.println("JDK " + System.getProperty("java.version") + ", the agent's JVM options: " + agentOptions);
      for (String what : new String[] {"idle", "idle holding one TLS 1.3 connection"}) {
        for (List<String> options : List.of(agentOptions, interpreted)) {
          List<String> cmd = new ArrayList<>(List.of(java));
          cmd.addAll(options);
          cmd.addAll(List.of("-cp", dir.toString(), "Idle"));
          if (what.contains("TLS")) {
            cmd.add(Integer.toString(ss.getLocalPort()));
          }
          Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
          try {
            String first = new String(p.getInputStream().readNBytes(6));
            if (!first.equals("ready ")) {
              throw new AssertionError("the probe did not start: " + first + new String(p.getInputStream().readAllBytes()));
            }
            Thread.sleep(10_000);
            String status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
            System.out.printf("%-40s %-12s %s, %s, %s%n", what, options.contains("-Xint") ? "interpreted" : "C1",
                AgentBenchmark.line(status, "VmRSS"), AgentBenchmark.line(status, "RssAnon"), AgentBenchmark.line(status, "RssFile"));
          } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        }
      }
    }
  }
}
