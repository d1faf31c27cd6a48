package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import dev.baton.common.yaml.SafeYaml;
import dev.baton.common.yaml.YNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import java.util.logging.Logger;

/**
 * The Puppet masters nodes are handed off to, from the controller's {@code puppet-masters.yaml}
 * (re-read whenever it changes, so adding or removing a master needs no restart), with the
 * health of each (its {@code /status/v1/simple}), and the choice of a master for a node: a
 * healthy one in the node's zone, else in its region, else any; the least loaded first.
 *
 * <pre>
 * masters:
 *   - name: puppet-a
 *     url: https://puppet-a.example.net:8140
 *     region: eu-west-1
 *     zone: eu-west-1a
 *     address: 10.0.1.10            # optional: written to the node's /etc/hosts
 *     ca_cert: puppet-a/ca_crt.pem   # the master CA's chain (relative to this file)
 *     client_cert: puppet-a/baton-controller.pem
 *     client_key: puppet-a/baton-controller.key.pem
 * </pre>
 */
public final class PuppetMasters {
  private static final Logger LOG = Logger.getLogger("baton.puppet");

  /** One master, with the client that administers its CA. */
  public record Master(String name, URI url, String region, String zone, String address, String caPem, PuppetCa ca,
      boolean embedded, Path crlFile) {
    public Master(String name, URI url, String region, String zone, String address, String caPem, PuppetCa ca) {
      this(name, url, region, zone, address, caPem, ca, false, null);
    }

    public String host() {
      return url.getHost();
    }

    public int port() {
      return url.getPort() < 0 ? 8140 : url.getPort();
    }
  }

  /**
   * Masters found in a cloud by their tags ({@code discover:} in the file): every running instance
   * carrying all of {@code tags} is a master, at {@code https://PRIVATE-NAME:PORT}, in its zone,
   * with its private address for the nodes' {@code /etc/hosts}; they share one CA and client.
   */
  public record Discovery(String provider, String region, Map<String, String> tags, int port, String endpointUrl,
      String caPem, String certPem, String keyPem) {}

  /** An instance a discovery found. */
  public record Found(String name, String host, String address, String region, String zone) {}

  /** Finds the instances of a discovery (blocking). */
  public interface Discoverer {
    List<Found> find(Discovery d);
  }

  /** The masters and discoveries of a file. */
  record Parsed(List<Master> masters, List<Discovery> discoveries) {}

  /** What the last health check of a master found. */
  public record Health(boolean healthy, Instant checked, String detail) {}

  private final Path file;
  private EmbeddedPuppetCa embedded;
  private volatile List<Master> masters = List.of();
  private volatile FileTime loadedAt;
  private volatile List<Master> fixed = List.of();
  private volatile List<Discovery> discoveries = List.of();
  private volatile long discoveredAt;
  private volatile Discoverer discoverer = d -> {
    throw BatonException.invalid("puppet: no discoverer for provider " + d.provider());
  };
  private volatile String loadError;
  private final Map<String, Health> health = new ConcurrentHashMap<>();

  /** Reads {@code file} (absent: no masters). A file with errors is refused with every error. */
  public PuppetMasters(Path file) {
    this(file, null);
  }

  /** @param embedded the controller's Puppet CA, for masters marked {@code ca: embedded} (null: none allowed) */
  public PuppetMasters(Path file, EmbeddedPuppetCa embedded) {
    this(file, embedded, null);
  }

  /** @param discoverer how {@code discover:} entries find their instances (null: none may be used) */
  public PuppetMasters(Path file, EmbeddedPuppetCa embedded, Discoverer discoverer) {
    this.file = file;
    this.embedded = embedded;
    if (discoverer != null) {
      this.discoverer = discoverer;
    }
    reload();
    if (loadError != null) {
      throw BatonException.invalid(loadError);
    }
  }

  /** A fixed list whose health {@code probe} tells (tests). */
  public PuppetMasters(List<Master> fixed, java.util.function.Predicate<Master> probe) {
    this.file = null;
    this.masters = List.copyOf(fixed);
    this.probe = probe;
  }

  private java.util.function.Predicate<Master> probe = m -> "running".equals(m.ca().status().strip());

  public Path file() {
    return file;
  }

  /** Re-reads the file if it changed. A file with errors is not used: the masters stay as they were. */
  public synchronized void reload() {
    if (file == null) {
      return;
    }
    try {
      FileTime t = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
      if (t == null) {
        if (!masters.isEmpty()) {
          LOG.info("puppet: " + file + " is gone; no masters");
        }
        masters = List.of();
        fixed = List.of();
        discoveries = List.of();
        loadedAt = null;
        loadError = null;
        return;
      }
      if (t.equals(loadedAt)) {
        rediscover(false);
        return;
      }
      Parsed read = parse(file, Files.readString(file), embedded);
      fixed = read.masters();
      discoveries = read.discoveries();
      loadedAt = t;
      loadError = null;
      rediscover(true);
      LOG.info("puppet: " + masters.size() + " master(s) from " + file
          + (discoveries.isEmpty() ? "" : " (" + (masters.size() - fixed.size()) + " discovered)"));
    } catch (IOException e) {
      loadError = file + ": cannot read: " + e.getMessage();
      LOG.warning("puppet: " + loadError + "; keeping the masters as they were");
    } catch (BatonException e) {
      loadError = e.getMessage();
      LOG.warning("puppet: " + loadError + "\n(keeping the masters as they were)");
    }
  }

  /** Sets how discoveries find their instances (the AWS one by default in the controller). */
  public void discoverer(Discoverer d) {
    this.discoverer = d;
    discoveredAt = 0;
  }

  /** Runs the discoveries again when {@code now} or when the last ran a minute ago; a failed one keeps what it found before. */
  private void rediscover(boolean now) {
    long every = dev.baton.common.settings.Settings.PUPPET_DISCOVERY_INTERVAL_SECONDS.get() * 1000;
    if (discoveries.isEmpty()) {
      masters = fixed;
    } else if (now || System.currentTimeMillis() - discoveredAt >= every) {
      List<Master> all = new ArrayList<>(fixed);
      java.util.Set<String> names = new java.util.HashSet<>();
      fixed.forEach(m -> names.add(m.name()));
      for (Discovery d : discoveries) {
        try {
          for (Found f : discoverer.find(d)) {
            if (!names.add(f.name())) {
              continue; // a listed master of the same name wins
            }
            URI base = URI.create("https://" + f.host() + ":" + d.port());
            all.add(new Master(f.name(), base, f.region(), f.zone(), f.address(), d.caPem(),
                new PuppetCa(base, d.caPem(), d.certPem(), d.keyPem())));
          }
        } catch (RuntimeException e) {
          LOG.warning("puppet: discovery of masters tagged " + d.tags() + " in " + d.region() + " failed: " + e.getMessage()
              + "; keeping the masters found before");
          masters.stream().filter(m -> !names.contains(m.name()) && fixed.stream().noneMatch(x -> x.name().equals(m.name())))
              .forEach(m -> {
                names.add(m.name());
                all.add(m);
              });
        }
      }
      masters = List.copyOf(all);
      discoveredAt = System.currentTimeMillis();
    }
    List<Master> now2 = masters;
    health.keySet().removeIf(n -> now2.stream().noneMatch(m -> m.name().equals(n)));
  }

  /** Why the file was last refused, or null. */
  public String loadError() {
    return loadError;
  }

  public List<Master> all() {
    return masters;
  }

  public Optional<Master> get(String name) {
    return masters.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public Optional<Health> health(String name) {
    return Optional.ofNullable(health.get(name));
  }

  /** Checks every master now (blocking; each call has a short timeout). */
  public void checkAll() {
    reload();
    for (Master m : masters) {
      check(m);
    }
  }

  /** Checks one master now (blocking). */
  public boolean check(Master m) {
    Health before = health.get(m.name());
    Health h;
    try {
      boolean ok = probe.test(m);
      h = new Health(ok, Instant.now(), ok ? "running" : "not running");
    } catch (BatonException e) {
      h = new Health(false, Instant.now(), e.getMessage());
    }
    health.put(m.name(), h);
    if (before == null || before.healthy() != h.healthy()) {
      Health now = h;
      LOG.info(() -> "puppet: master " + m.name() + " is " + (now.healthy() ? "healthy" : "unhealthy: " + now.detail()));
    }
    return h.healthy();
  }

  /** Healthy as last checked (a master never checked is checked now). */
  public boolean healthy(Master m) {
    Health h = health.get(m.name());
    return h == null ? check(m) : h.healthy();
  }

  /**
   * The master for a node in {@code zone} of {@code region}: healthy, not in {@code avoid}, in
   * the node's zone if one is, else its region, else any; the least loaded of those, then by name.
   */
  public Optional<Master> choose(String region, String zone, Set<String> avoid, ToIntFunction<String> load) {
    reload();
    return masters.stream().filter(m -> !avoid.contains(m.name())).filter(this::healthy)
        .min(Comparator.<Master>comparingInt(m -> zone != null && zone.equals(m.zone()) ? 0
                : region != null && region.equals(m.region()) ? 1 : 2)
            .thenComparingInt(m -> load.applyAsInt(m.name())).thenComparing(Master::name));
  }

  /** Parses a masters file; every error names the file, line and column (one line each). */
  static Parsed parse(Path file, String text, EmbeddedPuppetCa embedded) {
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
