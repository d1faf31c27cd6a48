package dev.baton.cloudinit;

import dev.baton.cloudinit.Releases.Release;

/**
 * The shell part of the user data: named steps that install what the agent needs for the release
 * the node boots ({@link Releases}), fetch the agent from the controller with the pinned CA, check
 * its SHA-256 and start it. Each step prints {@code baton: step N/6 NAME at TIME} (cloud-init's
 * output reaches the instance's console, which the controller reads for a node that never
 * registers); a failing step prints {@code baton: FAILED at step N (NAME): WHY}, leaves the same
 * line in {@code /var/lib/baton/user-data.failed}, and stops the script with exit 1.
 *
 * <p>It runs under {@code /bin/sh} (dash on Debian and Ubuntu, bash on Amazon Linux): POSIX only.
 */
final class BootScript {
  /** The names of the steps, in order. */
  static final String[] STEPS = {"detect-release", "install-packages", "check-java", "download-agent", "verify-agent",
      "start-agent"};
  /** Where a failed run leaves its one line (the local machine runtime reads it too). */
  static final String FAILED_FILE = "/var/lib/baton/user-data.failed";

  private BootScript() {}

  static String render(UserData.Input in) {
    StringBuilder s = new StringBuilder();
    s.append("""
        #!/bin/sh
        # Written by Baton: installs Java%s for this release, fetches the agent from the
        # controller, checks it and starts it. Each step says its name and the time; a step that fails
        # stops the script and says which step failed and why.
        set -u
        n=0
        step() { n=$((n + 1)); name=$1; echo "baton: step $n/%d $name at $(date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ)"; }
        fail() {
          echo "baton: FAILED at step $n ($name): $*" >&2
          mkdir -p /var/lib/baton && echo "step $n ($name): $*" > %s
          exit 1
        }
        retry() { t=0; until "$@"; do t=$((t + 1)); [ $t -ge 5 ] && return 1; sleep $((t * 5)); done; }
        rm -f %s
        """.formatted(in.puppet() ? " and the Puppet agent" : "", STEPS.length, FAILED_FILE, FAILED_FILE));
    s.append("\nstep ").append(STEPS[0]).append('\n');
    s.append("# shellcheck disable=SC1091 # the release's own file, read where the script runs\n");
    s.append(". /etc/os-release || fail \"no /etc/os-release: not a release Baton knows how to install on\"\n");
    s.append("case \"${ID:-}:${VERSION_ID:-}\" in\n");
    for (Release r : Releases.of(in.family())) {
      s.append("  ").append(r.versionId().equals("*") ? "*" : r.casePattern()).append(") java='").append(r.java()).append("'");
      if (in.puppet()) {
        s.append(" puppet='").append(r.puppet()).append("' repo='")
            .append(r.puppetRepository() == null ? "" : r.puppetRepository()).append("'");
      }
      if (r.versionId().equals("*")) {
        s.append("\n    echo \"baton: ${ID:-?} ${VERSION_ID:-?} is not a release Baton lists; trying ").append(r.java())
            .append("\"");
      }
      s.append(" ;;\n");
    }
    s.append("esac\n");
    s.append("echo \"baton: ${PRETTY_NAME:-${ID:-}}: $java").append(in.puppet() ? ", $puppet" : "").append("\"\n");
    s.append("\nstep ").append(STEPS[1]).append('\n');
    s.append(in.family().packageManager().equals("apt") ? apt(in.puppet()) : dnf(in.puppet()));
    if (!in.packages().isEmpty()) {
      String list = "'" + String.join("' '", in.packages()) + "'"; // names checked: letters, digits, + . -
      s.append(in.family().packageManager().equals("apt")
          ? "apt_get install --no-install-recommends " + list + " || fail \"apt-get could not install " + String.join(" ",
              in.packages()) + "\"\n"
          : "retry dnf -q -y install " + list + " || fail \"dnf could not install " + String.join(" ", in.packages())
              + "\"\n");
    }
    s.append("\nstep ").append(STEPS[2]).append('\n');
    s.append("""
        v=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
        [ -n "$v" ] || fail "no java on the PATH after installing $java"
        [ "${v%%.*}" -ge 17 ] 2>/dev/null || fail "$java installed Java $v; the agent needs 17 or later"
        echo "baton: Java $v"
        """);
    String url = in.agentJarUrl().replace("'", "");
    s.append("\nstep ").append(STEPS[3]).append('\n');
    s.append("{ mkdir -p /opt/baton /var/lib/baton && chmod 0700 /var/lib/baton; } || fail \"cannot make /opt/baton\"\n");
    s.append("curl -fsS --connect-timeout 10 --retry 20 --retry-delay 3 --retry-connrefused --cacert /etc/baton/ca.pem"
        + " -o /opt/baton/baton-agent.jar.new '").append(url).append("' \\\n");
    s.append("  || fail \"could not download the agent from ").append(url)
        .append(" (curl exit $?): is the controller reachable from this node?\"\n");
    s.append("\nstep ").append(STEPS[4]).append('\n');
    s.append("echo '").append(in.agentSha256()).append("  /opt/baton/baton-agent.jar.new' | sha256sum -c - >/dev/null \\\n");
    s.append("  || fail \"the downloaded agent's SHA-256 is not ").append(in.agentSha256()).append("\"\n");
    s.append("mv /opt/baton/baton-agent.jar.new /opt/baton/baton-agent.jar || fail \"cannot install the agent\"\n");
    s.append("\nstep ").append(STEPS[5]).append('\n');
    s.append("{ systemctl daemon-reload && systemctl enable --now baton-agent.service; }"
        + " || fail \"systemd could not start baton-agent.service\"\n");
    s.append("echo \"baton: the agent is started; it registers with the controller\"\n");
    return s.toString();
  }

  /**
   * Debian and Ubuntu. No service a package ships starts while the step runs (a policy-rc.d that
   * says no, unless the image has its own): the Puppet agent runs when the controller says, with the
   * master it chose. apt waits for a lock that first-boot updates may hold.
   */
  private static String apt(boolean puppet) {
    String s = """
        export DEBIAN_FRONTEND=noninteractive
        apt_get() { apt-get -q -y -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold "$@"; }
        own_policy=
        if [ ! -e /usr/sbin/policy-rc.d ]; then
          printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && own_policy=1
        fi
        retry apt_get update || fail "apt-get update failed: the package archive is not reachable"
        apt_get install --no-install-recommends "$java" curl ca-certificates || fail "apt-get could not install $java"
        """;
    if (puppet) {
      s += """
          if [ -n "$repo" ]; then
            { curl -fsSL --retry 5 -o /tmp/baton-puppet-release.deb "$repo" && dpkg -i /tmp/baton-puppet-release.deb \\
              && retry apt_get update; } || fail "could not add the repository of $puppet ($repo)"
          fi
          apt_get install --no-install-recommends "$puppet" || fail "apt-get could not install $puppet"
          """;
    }
    return s + "if [ -n \"$own_policy\" ]; then rm -f /usr/sbin/policy-rc.d; fi\n";
  }

  /** Amazon Linux: its curl-minimal stays (installing curl would conflict with it). */
  private static String dnf(boolean puppet) {
    String s = """
        retry dnf -q -y install "$java" || fail "dnf could not install $java"
        """;
    if (puppet) {
      s += """
          retry dnf -q -y install "$repo" || fail "could not add the repository of $puppet ($repo)"
          retry dnf -q -y install "$puppet" || fail "dnf could not install $puppet"
          """;
    }
    return s;
  }
}
