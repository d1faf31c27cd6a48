package dev.baton.controller.provider.local.machine;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import dev.baton.controller.handoff.puppet.PuppetServerFixture;
import dev.baton.controller.registry.NodeRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks.md: where the minutes go when a real machine boots from Baton's user
 * data (Debian 12 and 13 under systemd-nspawn, a real puppetserver): boot, cloud-init start,
 * packages installed, agent started, ATTESTED, each hand-off phase, READY; then the agent's idle
 * memory on the machine beside an idle {@code puppet agent} daemon's. Run: bin/bench MachineBootBenchmark
 * (as root; images are made first when missing).
 */
@Tag("benchmark")
class MachineBootBenchmark {
  static final Pattern CLOUD_INIT_START = Pattern.compile("Cloud-init v\\. \\S+ running 'init-local' at (.+?)\\. Up");
  static final Pattern STEP = Pattern.compile("baton: step (\\d)/\\d (\\S+) at (\\S+)");
  static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);

  @Test
  void bootTimelineAndIdleMemory(@TempDir Path dir) throws Exception {
    MachinesIT.requireMachines();
    for (var image : dev.baton.controller.definition.model.MachineImage.values()) {
      MachineImages.rootfs(image, System.out::println);
    }
    try (PuppetServerFixture master = new PuppetServerFixture(dir.resolve("master"), Map.of("production",
        "node default { file { '/etc/motd': content => \"managed\\n\" } }\n", "bootstrap", "node default { }\n"))) {
      Path home = dir.resolve("home");
      Files.createDirectories(home.resolve("controller"));
      Files.writeString(home.resolve("controller/puppet-masters.yaml"), "masters:\n" + master.mastersEntry("puppet-1",
          "local-1a"));
      System.setProperty("baton.home", home.toString());
      try (ControllerFixture controller = new ControllerFixture(home, BridgeServer.Limits.defaults(),
          ControllerFixture.freePort())) {
        Path platform = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/local-machines");
        long t0 = System.currentTimeMillis();
        CliRun run = CliRun.of("provision", "--yes", "--wait", "900", platform.toString());
        System.out.printf("provision of 2 machine nodes (images cached): exit %d in %.1f s%n", run.exitCode(),
            (System.currentTimeMillis() - t0) / 1000.0);
        for (NodeRecord n : controller.server.registry().all()) {
          timeline(home, n);
        }
        for (NodeRecord n : controller.server.registry().all()) {
          memory(home, n);
        }
        CliRun.of("destroy", "--yes", platform.toString());
      } finally {
        System.clearProperty("baton.home");
      }
    }
  }

  static void timeline(Path home, NodeRecord n) throws Exception {
    Path dir = home.resolve("local-cloud/instance-data").resolve(n.id());
    Instant boot = Instant.parse(new io.vertx.core.json.JsonObject(Files.readString(dir.resolve("machine.json")))
        .getString("launched"));
    String log = Files.readString(dir.resolve("rootfs/var/log/cloud-init-output.log"));
    List<String[]> rows = new ArrayList<>();
    Matcher m = CLOUD_INIT_START.matcher(log);
    if (m.find()) {
      rows.add(new String[] {"cloud-init starts", at(boot, ZonedDateTime.parse(m.group(1), RFC_1123).toInstant())});
    }
    Matcher s = STEP.matcher(log);
    while (s.find()) {
      String label = switch (s.group(2)) {
        case "install-packages" -> "packages: apt-get update, Java, Puppet agent";
        case "check-java" -> "packages installed";
        case "start-agent" -> "agent downloaded, checked; started";
        default -> null;
      };
      if (label != null) {
        rows.add(new String[] {label, at(boot, Instant.parse(s.group(3)))});
      }
    }
    for (NodeRecord.Phase p : n.timeline()) {
      if (!p.name().equals("LAUNCHED")) {
        rows.add(new String[] {p.name(), at(boot, p.start())});
      }
    }
    System.out.println("node " + n.name() + " (" + n.state() + "), seconds after the machine was started:");
    rows.forEach(r -> System.out.printf("  %-46s %s%n", r[0], r[1]));
  }

  static String at(Instant boot, Instant t) {
    return String.format("%6.1f", Duration.between(boot, t).toMillis() / 1000.0);
  }

  /** The agent's RSS on the machine, then the RSS of a puppet agent daemon started there and left idle. */
  static void memory(Path home, NodeRecord n) throws Exception {
    ProcessHandle machine = Machines.process(home.resolve("local-cloud"), n.id()).orElseThrow();
    Thread.sleep(20_000); // the agent settles after its hand-off
    long agent = rss(machine, "/opt/baton/baton-agent.jar").orElse(-1L);
    long systemd = machine.children().findFirst().map(ProcessHandle::pid).orElseThrow();
    Process puppet = new ProcessBuilder("nsenter", "-t", Long.toString(systemd), "-a", "puppet", "agent", "--no-daemonize",
        "--runinterval", "3600", "--logdest", "/var/log/puppet-idle.log").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Thread.sleep(60_000); // its first run, then idle
      // nsenter's child, in the machine's namespaces: a descendant of nsenter, not of the machine's systemd
      long idle = rss(puppet.toHandle(), "puppet agent").orElse(-1L);
      System.out.printf("node %s: Baton agent idles at %.1f MB; puppet agent (daemon, after its first run) at %.1f MB%n",
          n.name(), agent / 1024.0, idle / 1024.0);
    } finally {
      puppet.descendants().forEach(ProcessHandle::destroy);
      puppet.destroy();
    }
  }

  /** The RSS (kB) of the process of the machine (a descendant of its systemd-nspawn) whose command line contains {@code needle}. */
  static Optional<Long> rss(ProcessHandle machine, String needle) {
    for (ProcessHandle h : machine.descendants().toList()) {
      Path proc = Path.of("/proc", Long.toString(h.pid()));
      try {
        String cmd = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
        if (!cmd.contains(needle) || cmd.startsWith("nsenter")) {
          continue;
        }
        for (String line : Files.readAllLines(proc.resolve("status"))) {
          if (line.startsWith("VmRSS:")) {
            return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
          }
        }
      } catch (java.io.IOException e) {
        // gone
      }
    }
    return Optional.empty();
  }
}
