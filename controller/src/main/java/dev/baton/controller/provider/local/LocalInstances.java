package dev.baton.controller.provider.local;

import dev.baton.common.msg.AgentConfig;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.provider.local.machine.Machines;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Instances of the local cloud: real agent processes, or real machines ({@link Machines}, when the
 * definition names an image). Each has a directory ({@code local-cloud/instance-data/ID}); a
 * process's holds the agent configuration its user data wrote, its identity document, the agent's
 * state and log, and its process ID. A process is only ever taken to be an instance's when its
 * command line names that instance, so a reused process ID is never mistaken for it. Every method
 * here serves both kinds.
 */
public final class LocalInstances {
  /** JVM options of a local agent: those of the systemd unit its user data would install. */
  public static final List<String> AGENT_JVM = dev.baton.cloudinit.UserData.AGENT_JVM_OPTIONS;

  private LocalInstances() {}

  public static Path dir(Path root, String id) {
    return root.resolve("instance-data").resolve(id);
  }

  /**
   * Starts the agent of instance {@code id} with the configuration its user data writes, and the
   * identity document the local cloud gives it (in its own directory).
   */
  public static long launch(Path root, String id, String agentConfigJson, Path agentJar) throws IOException {
    Path dir = dir(root, id);
    Files.createDirectories(dir.resolve("state"));
    Path identity = dir.resolve("identity.json");
    LocalIdentities.issue(root, id, identity);
    AgentConfig cfg = AgentConfig.fromJson(new JsonObject(agentConfigJson)).withIdentityFile(identity.toString());
    AtomicFiles.write(dir.resolve("agent.json"), cfg.toJson().encodePrettily(), true);
    return boot(root, id, agentJar);
  }

  /**
   * Starts a stopped instance again: the same configuration and state (its agent reconnects with the
   * identity it kept). Nothing happens when it runs already.
   */
  public static long start(Path root, String id, Path agentJar) throws IOException {
    if (Machines.isMachine(root, id)) {
      Machines.start(root, id);
      return 0;
    }
    Optional<ProcessHandle> running = process(root, id);
    if (running.isPresent()) {
      return running.get().pid();
    }
    if (!Files.exists(dir(root, id).resolve("agent.json"))) {
      throw new IOException("instance " + id + " has no configuration to start from");
    }
    return boot(root, id, agentJar);
  }

  /** Stops the instance's process (TERM, then KILL after 5 s), keeping its directory: it can start again. */
  public static void stop(Path root, String id) {
    if (Machines.isMachine(root, id)) {
      Machines.stop(root, id);
      return;
    }
    process(root, id).ifPresent(h -> {
      h.destroy();
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    });
  }

  private static long boot(Path root, String id, Path agentJar) throws IOException {
    Path dir = dir(root, id);
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // its own session: a Ctrl-C at the controller's terminal does not reach it
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(AGENT_JVM);
    cmd.addAll(List.of("-Dbaton.instance=" + id, "-jar", agentJar.toString(), "--config",
        dir.resolve("agent.json").toString(), "--state", dir.resolve("state").toString(),
        // the instance's "machine" is its directory: its Puppet lives there, and /etc/hosts is not its to change
        "--puppet-confdir", dir.resolve("puppet").toString(), "--hosts-file", "none"));
    String puppet = dev.baton.common.settings.Settings.LOCAL_PUPPET.orNull();
    if (puppet != null && !puppet.isBlank()) {
      cmd.addAll(List.of("--puppet", puppet));
    }
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    AtomicFiles.write(dir.resolve("pid"), Long.toString(p.pid()), false);
    return p.pid();
  }

  /** The running process of instance {@code id}, if any. */
  public static Optional<ProcessHandle> process(Path root, String id) {
    Path pidFile = dir(root, id).resolve("pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
        // setsid execs java in place; the command line names the instance's configuration
        try {
          // one whole argument: i-1 is not the instance of a process started for i-12
          String arg = "-Dbaton.instance=" + id;
          return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0")).contains(arg);
        } catch (IOException e) {
          return h.info().arguments().map(a -> List.of(a).contains("-Dbaton.instance=" + id)).orElse(false);
        }
      });
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public static boolean alive(Path root, String id) {
    return Machines.isMachine(root, id) ? Machines.alive(root, id) : process(root, id).isPresent();
  }

  /** Stops the instance's process (TERM, then KILL after 5 s) and removes its directory. */
  public static void terminate(Path root, String id) throws IOException {
    if (Machines.isMachine(root, id)) {
      Machines.terminate(root, id);
      return;
    }
    stop(root, id);
    LocalIdentities.forget(root, id);
    Path dir = dir(root, id);
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
