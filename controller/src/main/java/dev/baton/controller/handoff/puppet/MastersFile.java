package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import dev.baton.common.yaml.SafeYaml;
import dev.baton.common.yaml.YNode;
import dev.baton.controller.handoff.puppet.PuppetMasters.Discovery;
import dev.baton.controller.handoff.puppet.PuppetMasters.Master;
import dev.baton.controller.handoff.puppet.PuppetMasters.Parsed;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code puppet-masters.yaml}: its masters (each with the client that administers its CA)
 * and its {@code discover:} entries. Every problem is reported at its line, all at once; a file
 * with any is not used.
 */
final class MastersFile {
  private MastersFile() {}

  /** Parses a masters file; every error names the file, line and column (one line each). */
  static PuppetMasters.Parsed parse(Path file, String text, EmbeddedPuppetCa embedded) {
    try {
      return parseOrThrow(file, text, embedded);
    } catch (dev.baton.common.error.InvalidDefinitionException e) {
      throw BatonException.invalid(String.join("\n", e.diagnostics().stream().map(Object::toString).toList()));
    }
  }

  private static Parsed parseOrThrow(Path file, String text, EmbeddedPuppetCa embedded) {
    Diagnostics diags = new Diagnostics();
    String name = file.toString();
    List<SafeYaml.Document> docs = SafeYaml.loadAll(name, text, diags);
    diags.throwIfAny();
    if (docs.isEmpty()) {
      return new Parsed(List.of(), List.of());
    }
    if (docs.size() > 1 || !(docs.get(0).root() instanceof YNode.YMap root)) {
      throw BatonException.invalid(name + ": expected one document with \"masters:\" (a list)");
    }
    for (String k : root.keys().keySet()) {
      if (!k.equals("masters") && !k.equals("discover")) {
        diags.error(root.keyPos(k), "unknown key \"" + k + "\"; the file has \"masters:\" and \"discover:\" (lists)");
      }
    }
    List<Master> out = new ArrayList<>();
    YNode list = root.get("masters");
    if (list != null && !(list instanceof YNode.YSeq)) {
      diags.error(list.pos(), "\"masters\" must be a list, not " + list.describe());
    }
    Map<String, Pos> names = new LinkedHashMap<>();
    if (list instanceof YNode.YSeq seq) {
      for (YNode item : seq.items()) {
        if (!(item instanceof YNode.YMap m)) {
          diags.error(item.pos(), "a master is a mapping (name, url, ca_cert, client_cert, client_key), not " + item.describe());
          continue;
        }
        if (m.get("name") instanceof YNode.YScalar n && !n.isNull()) {
          Pos first = names.putIfAbsent(n.text(), m.keyPos("name"));
          if (first != null) {
            diags.error(m.keyPos("name"), "master \"" + n.text() + "\" is listed twice (first at line " + first.line() + ")");
            continue;
          }
        }
        Master master = master(file, m, diags, embedded);
        if (master != null) {
          out.add(master);
        }
      }
    }
    List<Discovery> found = new ArrayList<>();
    YNode disc = root.get("discover");
    if (disc != null && !(disc instanceof YNode.YSeq)) {
      diags.error(disc.pos(), "\"discover\" must be a list, not " + disc.describe());
    }
    if (disc instanceof YNode.YSeq seq) {
      for (YNode item : seq.items()) {
        if (!(item instanceof YNode.YMap m)) {
          diags.error(item.pos(), "a discovery is a mapping (provider, region, tags, port, ca_cert, client_cert, client_key)");
          continue;
        }
        Discovery d = discovery(file, m, diags);
        if (d != null) {
          found.add(d);
        }
      }
    }
    diags.throwIfAny();
    return new Parsed(List.copyOf(out), List.copyOf(found));
  }

  private static final Set<String> DISCOVERY_KEYS = Set.of("provider", "region", "tags", "port", "endpoint_url", "ca_cert",
      "client_cert", "client_key");

  private static Discovery discovery(Path file, YNode.YMap m, Diagnostics diags) {
    int before = diags.size();
    for (String k : m.keys().keySet()) {
      if (!DISCOVERY_KEYS.contains(k)) {
        diags.error(m.keyPos(k), "unknown key \"" + k + "\"; a discovery has " + new java.util.TreeSet<>(DISCOVERY_KEYS));
      }
    }
    String provider = text(m, "provider", true, diags);
    if (provider != null && !provider.equals("aws")) {
      diags.error(m.get("provider").pos(), "masters are discovered on aws only, not \"" + provider + "\"");
    }
    String region = text(m, "region", true, diags);
    Map<String, String> tags = new LinkedHashMap<>();
    YNode t = m.get("tags");
    if (!(t instanceof YNode.YMap tm) || tm.keys().isEmpty()) {
      diags.error(t == null ? m.pos() : t.pos(), "a discovery needs \"tags:\", the tags every master carries"
          + " (for example {baton:role: puppet-master})");
    } else {
      for (String k : tm.keys().keySet()) {
        if (tm.get(k) instanceof YNode.YScalar v && !v.isNull()) {
          tags.put(k, v.text());
        } else {
          diags.error(tm.get(k).pos(), "the tag \"" + k + "\" needs a value");
        }
      }
    }
    String port = text(m, "port", false, diags);
    if (port != null && !port.matches("[0-9]{1,5}")) {
      diags.error(m.get("port").pos(), "port is a number, not \"" + port + "\"");
    }
    String ca = pem(file, m, "ca_cert", diags);
    String cert = pem(file, m, "client_cert", diags);
    String key = pem(file, m, "client_key", diags);
    if (diags.size() > before) {
      return null;
    }
    return new Discovery(provider, region, tags, port == null ? 8140 : Integer.parseInt(port),
        text(m, "endpoint_url", false, diags), ca, cert, key);
  }

  private static final Set<String> KEYS = Set.of("name", "url", "region", "zone", "address", "ca", "ca_cert", "client_cert",
      "client_key", "crl_file");

  private static Master master(Path file, YNode.YMap m, Diagnostics diags, EmbeddedPuppetCa embeddedCa) {
    int before = diags.size();
    for (String k : m.keys().keySet()) {
      if (!KEYS.contains(k)) {
        diags.error(m.keyPos(k), "unknown key \"" + k + "\"; a master has " + new java.util.TreeSet<>(KEYS));
      }
    }
    String name = text(m, "name", true, diags);
    if (name != null && !name.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
      diags.error(m.get("name").pos(), "a master's name is lowercase letters, digits, '.' and '-'");
    }
    String url = text(m, "url", true, diags);
    URI uri = null;
    if (url != null) {
      try {
        uri = URI.create(url);
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty()
            && !uri.getPath().equals("/"))) {
          diags.error(m.get("url").pos(), "url must be https://HOST[:PORT] (Puppet's port is 8140), not \"" + url + "\"");
        }
      } catch (IllegalArgumentException e) {
        diags.error(m.get("url").pos(), "url is not a URL: " + e.getMessage());
      }
    }
    String address = text(m, "address", false, diags);
    if (address != null && !address.matches("[0-9A-Fa-f.:]{2,45}")) {
      diags.error(m.get("address").pos(), "address must be an IP address (it is written to the node's /etc/hosts)");
    }
    String mode = text(m, "ca", false, diags);
    boolean embedded = "embedded".equals(mode);
    if (mode != null && !embedded && !mode.equals("api")) {
      diags.error(m.get("ca").pos(), "ca is \"api\" (the master's own CA, through its API; the default) or \"embedded\""
          + " (the controller's CA), not \"" + mode + "\"");
    }
    String ca;
    String cert;
    String key;
    Path crlFile = null;
    if (embedded) {
      for (String k : List.of("ca_cert", "client_cert", "client_key")) {
        if (m.get(k) != null) {
          diags.error(m.keyPos(k), "a master with \"ca: embedded\" trusts the controller's CA: remove \"" + k + "\"");
        }
      }
      if (embeddedCa == null) {
        diags.error(m.get("ca").pos(), "this controller has no embedded Puppet CA");
        return null;
      }
      String crl = text(m, "crl_file", false, diags);
      crlFile = crl == null ? null : referenced(file, m, "crl_file", crl, diags);
      ca = embeddedCa.caPem();
      String[] client = embeddedCa.controllerClient();
      cert = client[0];
      key = client[1];
    } else {
      if (m.get("crl_file") != null) {
        diags.error(m.keyPos("crl_file"), "crl_file is for masters with \"ca: embedded\"; this master's CA keeps its own CRL");
      }
      ca = pem(file, m, "ca_cert", diags);
      cert = pem(file, m, "client_cert", diags);
      key = pem(file, m, "client_key", diags);
    }
    if (diags.size() > before) {
      return null;
    }
    try {
      URI base = URI.create("https://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 8140 : uri.getPort()));
      return new Master(name, base, text(m, "region", false, diags), text(m, "zone", false, diags), address, ca,
          new PuppetCa(base, ca, cert, key), embedded, crlFile);
    } catch (BatonException e) {
      diags.error(m.pos(), "master \"" + name + "\": " + e.getMessage());
      return null;
    }
  }

  private static String text(YNode.YMap m, String key, boolean required, Diagnostics diags) {
    YNode n = m.get(key);
    if (n == null || n instanceof YNode.YScalar s && s.isNull()) {
      if (required) {
        diags.error(m.pos(), "a master needs \"" + key + "\"");
      }
      return null;
    }
    if (!(n instanceof YNode.YScalar s)) {
      diags.error(n.pos(), "\"" + key + "\" must be a text, not " + n.describe());
      return null;
    }
    return s.text();
  }

  /** Where a path in the file points: relative to the file and within BATON_HOME unless absolute. */
  private static Path referenced(Path file, YNode.YMap m, String key, String value, Diagnostics diags) {
    try {
      return dev.baton.common.yaml.ReferencedFiles.resolve(file, key, value);
    } catch (IllegalArgumentException e) {
      diags.error(m.get(key).pos(), e.getMessage());
      return null;
    }
  }

  private static String pem(Path file, YNode.YMap m, String key, Diagnostics diags) {
    String p = text(m, key, true, diags);
    if (p == null) {
      return null;
    }
    Path path = referenced(file, m, key, p, diags);
    if (path == null) {
      return null;
    }
    try {
      return Files.readString(path);
    } catch (IOException e) {
      diags.error(m.get(key).pos(), "cannot read " + path + " (" + key + "): " + e.getClass().getSimpleName());
      return null;
    }
  }
}
