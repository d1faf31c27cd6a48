package dev.baton.cloudinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rendered cloud-config is valid for Debian's cloud-init ({@code cloud-init schema}).
 * bin/test installs cloud-init; without it the test is skipped locally and fails under CI=true.
 */
class CloudInitSchemaIT {
  static final Path CLOUD_INIT = Path.of("/usr/bin/cloud-init");

  static void requireCloudInit() {
    if (!Files.isExecutable(CLOUD_INIT)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("cloud-init is not installed; bin/test installs it (apt-get install cloud-init)");
      }
      assumeTrue(false, "cloud-init is not installed (bin/test installs it)");
    }
  }

  @ParameterizedTest
  @EnumSource(UserData.Family.class)
  void cloudInitAcceptsTheRenderedCloudConfig(UserData.Family family, @TempDir Path tmp) throws Exception {
    requireCloudInit();
    Path file = tmp.resolve("user-data.yaml");
    Files.writeString(file, UserData.render(UserDataTest.input(family)).cloudConfig());
    Result r = run(CLOUD_INIT.toString(), "schema", "--config-file", file.toString());
    assertEquals(0, r.code, r.output);
    assertTrue(r.output.toLowerCase().contains("valid"), r.output);
  }

  @ParameterizedTest
  @EnumSource(value = UserData.Family.class, names = "DEBIAN")
  void cloudInitRefusesABrokenCloudConfig(UserData.Family family, @TempDir Path tmp) throws Exception {
    requireCloudInit();
    Path file = tmp.resolve("user-data.yaml");
    Files.writeString(file, UserData.render(UserDataTest.input(family)).cloudConfig()
        .replace("    permissions: '0600'", "    permissions: {not: a mode}"));
    Result r = run(CLOUD_INIT.toString(), "schema", "--config-file", file.toString());
    assertTrue(r.code != 0, "a broken config is refused, so the check above can fail: " + r.output);
  }

  static final Path SHELLCHECK = Path.of("/usr/bin/shellcheck");

  /**
   * The script part passes shellcheck with nothing to say (info level included) and parses under
   * dash, Debian's and Ubuntu's /bin/sh, for every family, with and without Puppet.
   */
  @ParameterizedTest
  @EnumSource(UserData.Family.class)
  void theScriptIsCleanPosixShell(UserData.Family family, @TempDir Path tmp) throws Exception {
    if (!Files.isExecutable(SHELLCHECK)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("shellcheck is not installed; bin/test installs it (apt-get install shellcheck)");
      }
      assumeTrue(false, "shellcheck is not installed (bin/test installs it)");
    }
    for (boolean puppet : new boolean[] {false, true}) {
      UserData.Input in = UserDataTest.input(family);
      Path file = tmp.resolve("script-" + puppet + ".sh");
      Files.writeString(file, UserData.render(new UserData.Input(in.agent(), family, in.agentJarUrl(), in.agentSha256(),
          puppet)).script());
      Result r = run(SHELLCHECK.toString(), "--shell=sh", "--severity=info", file.toString());
      assertEquals(0, r.code, "shellcheck on " + family + (puppet ? " with Puppet" : "") + ":\n" + r.output);
      Result parsed = run("/bin/dash", "-n", file.toString());
      assertEquals(0, parsed.code, parsed.output);
    }
  }

  record Result(int code, String output) {}

  static Result run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }
}
