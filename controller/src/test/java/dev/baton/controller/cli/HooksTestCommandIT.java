package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code controller hooks test} against a real HTTP receiver that takes its time to answer, while
 * the JVM collects garbage: the answer is what the command reports. (Vert.x closes an HTTP client
 * nobody references any more; the command held none while it waited, and printed "Pool closed" or
 * "Connection was closed" for events the receiver had got.)
 */
class HooksTestCommandIT {
  @Test
  void theReceiversAnswerIsWhatIsReportedWhateverTheCollectorDoes(@TempDir Path dir) throws Exception {
    AtomicInteger received = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      received.incrementAndGet();
      try {
        Thread.sleep(400);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.start();
    AtomicBoolean collecting = new AtomicBoolean(true);
    Thread gc = new Thread(() -> {
      while (collecting.get()) {
        System.gc();
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    gc.setDaemon(true);
    gc.start();
    try {
      Path hooks = dir.resolve("hooks.yaml");
      Files.writeString(hooks, "hooks:\n  - {name: ops, type: webhook, url: 'http://127.0.0.1:" + receiver.getAddress().getPort()
          + "/hook'}\n  - {name: chat, type: slack, url: 'http://127.0.0.1:" + receiver.getAddress().getPort() + "/slack'}\n");
      for (int i = 0; i < 4; i++) {
        String hook = i % 2 == 0 ? "ops" : "chat";
        CliRun run = CliRun.of("hooks", "test", hook, "--config", hooks.toString());
        assertEquals(0, run.exitCode(), "run " + i + ": " + run.err());
        assertTrue(run.out().startsWith("Delivered a sample node.ready event"), run.out());
      }
      assertEquals(4, received.get());
    } finally {
      collecting.set(false);
      receiver.stop(0);
    }
  }
}
