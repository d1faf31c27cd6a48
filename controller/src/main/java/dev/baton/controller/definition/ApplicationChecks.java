package dev.baton.controller.definition;

import dev.baton.controller.definition.model.ApplicationSpec;
import dev.baton.controller.definition.model.ArtifactSourceSpec;
import dev.baton.controller.definition.model.ProviderKind;
import dev.baton.controller.definition.model.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of an application: one source of archives that names the revision (an S3 one only
 * where the platform has AWS credentials to read it with), nodes to run it,
 * a batch size and a directory on the node that stays where it is meant to. Caught here so that
 * {@code controller deploy} never finds them half-way through a fleet. Part of {@link Validator}'s run.
 */
final class ApplicationChecks {
  private static final Pattern BATCH = Pattern.compile("^([0-9]{1,6})(%?)$");
  private final Validator vd;

  ApplicationChecks(Validator vd) {
    this.vd = vd;
  }

  void check() {
    for (Resource r : vd.platform.ofKind(ResourceKind.APPLICATION)) {
      ApplicationSpec a = r.spec(ApplicationSpec.class);
      if (a.source() != null) {
        checkSource(r, a.source());
      }
      boolean groups = a.groups() != null && !a.groups().isEmpty();
      boolean instances = a.instances() != null && !a.instances().isEmpty();
      boolean roles = a.roles() != null && !a.roles().isEmpty();
      if (!groups && !instances && !roles) {
        vd.error(r.pos("groups"), "application \"" + r.name() + "\" runs nowhere: give \"groups\" (autoscaling groups),"
            + " \"instances\" or \"roles\" of this platform");
      }
      for (int i = 0; roles && i < a.roles().size(); i++) {
        String role = a.roles().get(i);
        if (ApplicationTargets.ofRole(vd.platform, role).isEmpty()) {
          vd.error(r.pos("roles[" + i + "]"), "no autoscaling group or instance of this platform has the role \"" + role
              + "\"" + Suggest.didYouMean(role, ApplicationTargets.roles(vd.platform)));
        }
      }
      checkBatch(r, a.batch());
      if (a.minHealthy() != null) {
        if (r.positions().has("batch")) {
          vd.error(r.pos("min_healthy"), "give \"batch\" or \"min_healthy\", not both: one says how many nodes change at"
              + " a time, the other how many keep running");
        } else if (!a.minHealthy().strip().matches("[1-9]?[0-9]%")) {
          vd.error(r.pos("min_healthy"), "min_healthy \"" + a.minHealthy() + "\" is not a share from 0% to 99% of the nodes"
              + " (such as 75%; 100% would leave no node to change)");
        }
      }
      checkPath(r, a.path());
    }
  }

  private void checkSource(Resource r, ArtifactSourceSpec s) {
    List<String> given = new ArrayList<>();
    // a key whose value the binder refused (its format) is still given: that error is said once, by the binder
    String[] values = {s.url(), s.git(), s.directory(), s.s3()};
    String[] keys = {"url", "git", "directory", "s3"};
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null || r.positions().has("source." + keys[i])) {
        given.add(keys[i]);
      }
    }
    if (given.size() != 1) {
      vd.error(r.pos("source"), "the source of an application is exactly one of url, git, directory or s3"
          + (given.isEmpty() ? "; it has none" : ", not " + String.join(" and ", given)));
    }
    if (s.sha256Url() != null && s.url() == null) {
      vd.error(r.pos("source.sha256_url"), "\"sha256_url\" goes with \"url\" (the digest of the archive at that URL);"
          + " a git or directory source is hashed by the controller itself, an s3 one is checked against the object's"
          + " own SHA-256 checksum or --sha256");
    }
    if (s.url() != null && !s.url().contains("{revision}")) {
      vd.error(r.pos("source.url"), "the url names no {revision}: every revision would fetch the same archive;"
          + " write where the revision goes, such as https://artifacts.example.com/webapp-{revision}.tar.gz");
    }
    if (s.s3() != null) {
      checkS3(r, s.s3());
    }
    for (String key : List.of("url", "sha256_url")) {
      String url = key.equals("url") ? s.url() : s.sha256Url();
      if (url != null && url.startsWith("http://") && !Net.isOwnHost(host(url))) {
        // plain HTTP only from the controller's own host (a test, a local mirror): anyone on the way could swap both
        vd.error(r.pos("source." + key), "\"" + key + "\" is fetched over HTTPS (plain http:// only from this host):"
            + " anyone between the controller and " + host(url) + " could change what every node runs");
      }
    }
    if (s.directory() != null) {
      Path home = vd.platform.dir().toAbsolutePath().normalize(); // "validate ." gives a relative one
      Path dir = home.resolve(s.directory()).normalize();
      if (Path.of(s.directory()).isAbsolute() || !dir.startsWith(home)) {
        vd.error(r.pos("source.directory"), "the directory \"" + s.directory() + "\" is outside the platform's: give"
            + " one relative to " + vd.platform.dir() + ", inside it");
      } else if (!Files.isDirectory(dir)) {
        vd.error(r.pos("source.directory"), "no directory \"" + s.directory() + "\" in " + vd.platform.dir()
            + ": create it, with each revision in it as REVISION.tar.gz or a directory REVISION/");
      }
    }
  }

  private void checkS3(Resource r, String s3) {
    // the bucket's name cannot hold braces (Format.S3_URI): a {revision} is in the key
    if (!s3.contains("{revision}")) {
      vd.error(r.pos("source.s3"), "the s3 object names no {revision}: every revision would fetch the same archive;"
          + " write where the revision goes in the key, such as s3://acme-artifacts/webapp/webapp-{revision}.tar.gz");
    }
    if (vd.spec.provider() != ProviderKind.AWS) {
      // the controller reads the object as the platform (its credentials, its region): a local platform has neither
      vd.error(r.pos("source.s3"), "an s3 source is read with the platform's AWS credentials and region, and a "
          + vd.spec.provider().yaml() + " platform has none: give the archives as a url, a git repository or a"
          + " directory, or define the application in an aws platform");
    }
  }

  private static String host(String url) {
    String rest = url.substring(url.indexOf("://") + 3);
    int end = 0;
    while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
      end++;
    }
    String authority = rest.substring(0, end);
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    if (authority.startsWith("[")) {
      return authority.substring(1, Math.max(1, authority.indexOf(']')));
    }
    int colon = authority.lastIndexOf(':');
    return colon > 0 ? authority.substring(0, colon) : authority;
  }

  private void checkBatch(Resource r, String batch) {
    if (batch == null) {
      return;
    }
    Matcher m = BATCH.matcher(batch.strip());
    int n = m.matches() ? Integer.parseInt(m.group(1)) : -1;
    boolean share = m.matches() && !m.group(2).isEmpty();
    if (n < 1 || share && n > 100) {
      vd.error(r.pos("batch"), "batch \"" + batch + "\" is neither a number of nodes (1 or more) nor a share of them"
          + " from 1% to 100% (such as 25%)");
    }
  }

  private void checkPath(Resource r, String path) {
    if (path == null) {
      return;
    }
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        vd.error(r.pos("path"), "the path \"" + path + "\" climbs out with \"..\": give the application's own"
            + " directory, absolute or relative to the agent's");
        return;
      }
    }
    Matcher m = Validator.PLACEHOLDER.matcher(path);
    while (m.find()) {
      if (!m.group(1).equals("name")) {
        vd.error(r.pos("path"), "the path knows {name} (the application's name) only, not {" + m.group(1) + "}");
        return;
      }
    }
    if (path.equals("/") || path.isBlank()) {
      vd.error(r.pos("path"), "the path \"" + path + "\" is not a directory of the application's own");
    }
  }
}
