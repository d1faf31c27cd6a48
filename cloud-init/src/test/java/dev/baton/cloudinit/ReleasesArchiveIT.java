package dev.baton.cloudinit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The package table ({@link Releases}) held against the releases themselves: each Debian and
 * Ubuntu row's Java and Puppet packages are in that release's archive, read from its package
 * indexes (Debian's archive and Ubuntu's). A row naming a package the release does not have (as
 * {@code openjdk-17-jre-headless} on Debian 13) fails here. Packages from OpenVox's repository, and
 * Amazon Linux, are not reachable from here (docs/aws.md says so). Under CI=true an archive that
 * does not answer fails the test.
 */
class ReleasesArchiveIT {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
      .followRedirects(HttpClient.Redirect.NORMAL).build();
  static final Map<String, String> ARCHIVES = Map.of("debian", "http://deb.debian.org/debian",
      "ubuntu", "http://archive.ubuntu.com/ubuntu");

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"debian, 12, bookworm, main", "debian, 13, trixie, main", "ubuntu, 22.04, jammy, main universe",
      "ubuntu, 24.04, noble, main universe"})
  void everyPackageTheTableNamesIsInTheRelease(String os, String version, String suite, String components)
      throws Exception {
    Releases.Release row = Releases.ALL.stream().filter(r -> r.osId().equals(os) && r.versionId().equals(version))
        .findFirst().orElseThrow();
    Set<String> packages = new HashSet<>();
    for (String component : components.split(" ")) {
      packages.addAll(index(ARCHIVES.get(os) + "/dists/" + suite + "/" + component + "/binary-amd64/Packages.gz"));
    }
    List<String> wanted = row.puppetRepository() == null ? List.of(row.java(), row.puppet()) : List.of(row.java());
    for (String p : wanted) {
      assertTrue(packages.contains(p), row.name() + " has no package " + p + " in " + components);
    }
    assertTrue(packages.contains("curl") && packages.contains("ca-certificates"), "and what the script fetches with");
  }

  /** The package names of one index. */
  static Set<String> index(String url) throws Exception {
    HttpResponse<java.io.InputStream> r;
    try {
      r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(3)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (java.io.IOException e) {
      if (!"true".equals(System.getenv("CI"))) {
        org.junit.jupiter.api.Assumptions.assumeTrue(false, url + " does not answer: " + e);
      }
      throw new AssertionError(url + " does not answer: " + e, e);
    }
    assertTrue(r.statusCode() == 200, url + " answered " + r.statusCode());
    Set<String> names = new HashSet<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(r.body()),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("Package: ")) {
          names.add(line.substring("Package: ".length()).trim());
        }
      }
    }
    return names;
  }
}
