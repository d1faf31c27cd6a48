package dev.baton.cloudinit;

import dev.baton.cloudinit.UserData.Family;
import java.util.List;

/**
 * The releases Baton's user data installs on, and what it installs on each: a Java runtime the
 * release really has (the agent needs 17 or later) and, for a Puppet hand-off, a Puppet agent
 * that has {@code puppet ssl} (Puppet 6 or later). The script picks the row of the release it
 * boots on from {@code /etc/os-release} ({@code ID}, {@code VERSION_ID}); a release of the family
 * that is not listed gets the family's fallback, and the script then checks the Java it got.
 *
 * <p>Checked against the archives on 2026-12-01 (docs/aws.md has the table; ReleasesArchiveIT reads the indexes): Debian 12
 * has {@code openjdk-17-jre-headless} and {@code puppet-agent} 7.23; Debian 13 has no
 * {@code openjdk-17-*} but {@code openjdk-21-jre-headless}, and {@code puppet-agent} 8.10; Ubuntu
 * 22.04 has {@code openjdk-17-jre-headless} (universe) but only Puppet 5.5 ({@code puppet}, no
 * {@code puppet ssl}), so its agent comes from OpenVox's repository; Ubuntu 24.04 has
 * {@code openjdk-21-jre-headless} and {@code puppet-agent} 8.4 (universe); Amazon Linux 2023 has
 * Corretto 17 and no Puppet package (OpenVox's repository).
 */
public final class Releases {
  private Releases() {}

  /**
   * One release and what the user data installs there.
   *
   * @param osId {@code ID} of its {@code /etc/os-release}
   * @param versionId {@code VERSION_ID}, or {@code *} for the family's fallback
   * @param java the Java runtime package
   * @param javaMajor the Java version that package installs
   * @param puppet the Puppet agent package
   * @param puppetRepository a package that adds the repository {@code puppet} comes from, or null when the
   *     release's own archive has it
   */
  public record Release(Family family, String osId, String versionId, String name, String java, int javaMajor,
      String puppet, String puppetRepository) {

    /** The pattern a shell {@code case} matches {@code $ID:$VERSION_ID} with. */
    String casePattern() {
      return osId + ":" + versionId;
    }
  }

  private static final String OPENVOX_UBUNTU_2204 = "https://apt.voxpupuli.org/openvox8-release-ubuntu22.04.deb";
  private static final String OPENVOX_AL2023 = "https://yum.voxpupuli.org/openvox8-release-amazon-2023.noarch.rpm";

  /** Every supported release, and after each family's releases its fallback ({@code versionId} {@code *}). */
  public static final List<Release> ALL = List.of(
      new Release(Family.DEBIAN, "debian", "12", "Debian 12 (bookworm)", "openjdk-17-jre-headless", 17, "puppet-agent", null),
      new Release(Family.DEBIAN, "debian", "13", "Debian 13 (trixie)", "openjdk-21-jre-headless", 21, "puppet-agent", null),
      new Release(Family.DEBIAN, "debian", "*", "another Debian release", "default-jre-headless", 0, "puppet-agent", null),
      new Release(Family.UBUNTU, "ubuntu", "22.04", "Ubuntu 22.04 LTS", "openjdk-17-jre-headless", 17, "openvox-agent",
          OPENVOX_UBUNTU_2204),
      new Release(Family.UBUNTU, "ubuntu", "24.04", "Ubuntu 24.04 LTS", "openjdk-21-jre-headless", 21, "puppet-agent", null),
      new Release(Family.UBUNTU, "ubuntu", "*", "another Ubuntu release", "default-jre-headless", 0, "puppet-agent", null),
      new Release(Family.AMAZON_LINUX, "amzn", "2023", "Amazon Linux 2023", "java-17-amazon-corretto-headless", 17,
          "openvox-agent", OPENVOX_AL2023),
      new Release(Family.AMAZON_LINUX, "amzn", "*", "another Amazon Linux release", "java-17-amazon-corretto-headless", 17,
          "openvox-agent", OPENVOX_AL2023));

  /** The rows of one family, its fallback last. */
  public static List<Release> of(Family family) {
    return ALL.stream().filter(r -> r.family() == family).toList();
  }

  /** The row the script would pick on {@code osId}/{@code versionId}: the release's own, else the family's fallback. */
  public static Release pick(Family family, String osId, String versionId) {
    List<Release> rows = of(family);
    return rows.stream().filter(r -> r.osId().equals(osId) && r.versionId().equals(versionId)).findFirst()
        .orElse(rows.get(rows.size() - 1));
  }
}
