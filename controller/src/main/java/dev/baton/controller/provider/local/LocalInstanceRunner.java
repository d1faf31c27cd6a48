package dev.baton.controller.provider.local;

import dev.baton.cloudinit.UserData;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.MachineImage;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.local.machine.Machines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the local cloud's instances, as EC2 runs, stops, starts and terminates its own: an instance
 * boots with its user data as a machine of its image (cloud-init runs the whole user data), else as
 * an agent process with the configuration the user data writes. Without a launcher the cloud's
 * instances are records only: nothing boots.
 */
final class LocalInstanceRunner {
  private final LocalStore store;
  private final NodeLauncher launcher;
  private final Path agentJar;

  /** @param launcher the controller that renders user data and hears of ends, or null (records only) */
  LocalInstanceRunner(LocalStore store, NodeLauncher launcher, Path agentJar) {
    this.store = store;
    this.launcher = launcher;
    this.agentJar = agentJar;
  }

  /** Whether instances boot (a launcher renders their user data), or are records only. */
  boolean boots() {
    return launcher != null;
  }

  /**
   * Boots a new single instance (not a group's) with the user data its intent renders now. Like a
   * RunInstances that failed, a boot that fails leaves no instance behind, and a new run launches it again.
   */
  void run(Scope scope, String uuid, String id, MachineImage image) throws IOException {
    try {
      prepare(image);
      boot(id, image, launcher.userData(scope, uuid, id));
    } catch (IOException | RuntimeException e) {
      terminate(id);
      throw e;
    }
  }

  /** Makes the machine image first, when none is made yet: a node's time from launch starts when it boots. */
  void prepare(MachineImage image) throws IOException {
    if (image != null) {
      dev.baton.controller.provider.local.machine.MachineImages.rootfs(image, launcher::progress);
    }
  }

  /**
   * Boots instance {@code id} with its user data: as a machine of {@code image} (cloud-init runs
   * the whole user data), else as an agent process with the configuration the user data writes.
   */
  void boot(String id, MachineImage image, UserData.Rendered userData) throws IOException {
    if (image != null) {
      Machines.launch(root(), id, image, userData.bytes(), launcher::progress);
    } else {
      LocalInstances.launch(root(), id, UserData.agentConfigOf(userData.cloudConfig()), agentJar);
    }
  }

  /**
   * Like TerminateInstances, but the record stays for the caller to remove: nothing blocks it, and
   * the controller hears that the instance is gone.
   */
  void end(String id) throws IOException {
    LocalInstances.terminate(root(), id);
    if (launcher != null) {
      launcher.terminated(id);
    }
  }

  /** Ends the instance and removes its record. */
  void terminate(String id) throws IOException {
    LocalInstances.terminate(root(), id);
    Files.deleteIfExists(store.file(ResourceKind.INSTANCE, id));
    if (launcher != null) {
      launcher.terminated(id);
    }
  }

  /** Stops the instances' processes or machines; their records and directories stay. */
  void stop(List<String> instanceIds) {
    for (String id : instanceIds) {
      LocalInstances.stop(root(), id);
    }
  }

  /** Starts stopped instances again; one without a record is refused, as EC2 refuses an unknown ID. */
  void start(List<String> instanceIds) throws IOException {
    for (String id : instanceIds) {
      if (store.read(ResourceKind.INSTANCE, id) == null) {
        throw new BatonException(ErrorCode.NOT_FOUND, "InvalidInstanceID.NotFound: " + id);
      }
      if (agentJar != null || Machines.isMachine(root(), id)) {
        LocalInstances.start(root(), id, agentJar);
      }
    }
  }

  private Path root() {
    return store.root();
  }
}
