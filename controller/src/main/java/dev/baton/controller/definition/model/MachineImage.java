package dev.baton.controller.definition.model;

/**
 * A system image the local provider boots an instance from, as a real machine: a Debian release
 * made with debootstrap, holding only what a cloud image holds (systemd, cloud-init,
 * ca-certificates), booted under systemd-nspawn with the instance's user data.
 */
public enum MachineImage implements YamlEnum {
  DEBIAN_12("debian-12", "bookworm", ImageFamily.DEBIAN),
  DEBIAN_13("debian-13", "trixie", ImageFamily.DEBIAN);

  private final String yaml;
  private final String suite;
  private final ImageFamily family;

  MachineImage(String yaml, String suite, ImageFamily family) {
    this.yaml = yaml;
    this.suite = suite;
    this.family = family;
  }

  @Override
  public String yaml() {
    return yaml;
  }

  /** The Debian suite debootstrap installs. */
  public String suite() {
    return suite;
  }

  public ImageFamily family() {
    return family;
  }

  /** The image a definition names, or null. */
  public static MachineImage byYaml(String name) {
    for (MachineImage m : values()) {
      if (m.yaml.equals(name)) {
        return m;
      }
    }
    return null;
  }
}
