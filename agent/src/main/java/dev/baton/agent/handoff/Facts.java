package dev.baton.agent.handoff;

import dev.baton.common.msg.CommandResult;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's basic facts, read by the agent itself (no facter needed): host name, OS, kernel,
 * CPUs, memory, load, uptime, free disk. For the {@code facts} action of {@code controller run}.
 */
public final class Facts {
  private final Path proc;
  private final Path osRelease;
  private final String agentVersion;

  public Facts(String agentVersion) {
    this(Path.of("/proc"), Path.of("/etc/os-release"), agentVersion);
  }

  Facts(Path proc, Path osRelease, String agentVersion) {
    this.proc = proc;
    this.osRelease = osRelease;
    this.agentVersion = agentVersion;
  }

  /** Blocking. The facts as a result message: exit code 0, a one-line summary, and {@code facts}. */
  public CommandResult collect() {
    long t0 = System.currentTimeMillis();
    JsonObject f = new JsonObject();
    f.put("hostname", hostname());
    f.put("os", osName());
    f.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    f.put("architecture", System.getProperty("os.arch"));
    f.put("processors", Runtime.getRuntime().availableProcessors());
    JsonObject mem = memory();
    f.put("memory_total_mb", mem.getLong("total"));
    f.put("memory_available_mb", mem.getLong("available"));
    String load = read(proc.resolve("loadavg"));
    if (load != null) {
      String[] p = load.trim().split("\\s+");
      f.put("load_1m", Double.parseDouble(p[0]));
    }
    String uptime = read(proc.resolve("uptime"));
    if (uptime != null) {
      f.put("uptime_seconds", (long) Double.parseDouble(uptime.trim().split("\\s+")[0]));
    }
    try {
      var store = Files.getFileStore(Path.of("/"));
      f.put("disk_root_free_gb", Math.round(store.getUsableSpace() / 1e8) / 10.0);
    } catch (IOException e) {
      // no answer: left out
    }
    f.put("java", System.getProperty("java.version"));
    f.put("agent_version", agentVersion);
    String line = f.getString("hostname") + ": " + f.getString("os") + ", " + f.getInteger("processors") + " CPU, "
        + f.getLong("memory_available_mb") + "/" + f.getLong("memory_total_mb") + " MB free, load "
        + f.getValue("load_1m") + ", up " + f.getValue("uptime_seconds") + " s";
    return CommandResult.of(0, line, System.currentTimeMillis() - t0).withFacts(f);
  }

  private String hostname() {
    String h = read(proc.resolve("sys/kernel/hostname"));
    if (h != null && !h.isBlank()) {
      return h.trim();
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private String osName() {
    String r = read(osRelease);
    if (r != null) {
      for (String l : r.split("\n")) {
        if (l.startsWith("PRETTY_NAME=")) {
          return l.substring("PRETTY_NAME=".length()).replace("\"", "").trim();
        }
      }
    }
    return System.getProperty("os.name");
  }

  private JsonObject memory() {
    JsonObject m = new JsonObject().put("total", 0L).put("available", 0L);
    String info = read(proc.resolve("meminfo"));
    if (info != null) {
      for (String l : info.split("\n")) {
        String[] p = l.split("\\s+");
        if (p.length >= 2 && p[0].equals("MemTotal:")) {
          m.put("total", Long.parseLong(p[1]) / 1024);
        } else if (p.length >= 2 && p[0].equals("MemAvailable:")) {
          m.put("available", Long.parseLong(p[1]) / 1024);
        }
      }
    }
    return m;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
