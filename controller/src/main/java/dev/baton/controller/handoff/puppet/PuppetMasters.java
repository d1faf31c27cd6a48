package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
      Parsed read = MastersFile.parse(file, Files.readString(file), embedded);
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
}
