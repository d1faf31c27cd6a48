package dev.baton.controller.access;

import dev.baton.common.crypto.Fingerprints;
import dev.baton.common.crypto.Keys;
import dev.baton.controller.cluster.StampedJsonMap;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The operator tokens, by name, in {@code operators.json}: only a SHA-256 of each secret is kept
 * (the secret is shown once, when made), with its customer, role and expiry. A revoked token stays
 * listed, so that the history's names keep meaning something. Replicated in a cluster: a token made
 * on one controller works on every other. The token made at first start ({@code operator-token},
 * on each controller's own disk) is the built-in {@code admin}.
 */
public final class OperatorTokens extends StampedJsonMap {
  /** The name of the token made at first start. */
  public static final String BUILT_IN = "admin";
  public static final Duration DEFAULT_TTL = Duration.ofDays(90);
  public static final Duration MAX_TTL = Duration.ofDays(3 * 365);
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /** A token as listed: never its secret. */
  public record Entry(String name, String customer, Role role, Instant created, Instant expires, Instant revoked,
      String createdBy) {
    public JsonObject toJson() {
      return new JsonObject().put("name", name).put("customer", customer).put("role", role.label())
          .put("created", created.toString()).put("expires", expires == null ? null : expires.toString())
          .put("revoked", revoked == null ? null : revoked.toString()).put("created_by", createdBy);
    }

    /** Why it no longer opens the API at {@code now}, or null while it does. */
    public String closed(Instant now) {
      return revoked != null ? "revoked" : expires != null && !now.isBefore(expires) ? "expired" : null;
    }
  }

  /** A token just made: its secret, to show once. */
  public record Issued(Entry entry, String secret) {}

  /** Who a presented token is, or why it is refused. */
  public record Check(Operator operator, String refusal) {}

  private final Supplier<Instant> clock;
  private final byte[] builtInHash;

  /** @param builtIn the first-start token of this controller */
  public OperatorTokens(Path file, String builtIn, Supplier<Instant> clock) {
    super(file, "operators", "name", "token", true);
    this.clock = clock;
    this.builtInHash = hash(builtIn).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Makes a token. {@code by} must be an admin of every customer, or of {@code customer} itself.
   *
   * @throws IllegalArgumentException for a bad name, a name in use, or a scope {@code by} does not hold
   */
  public synchronized Issued create(String name, String customer, Role role, Duration ttl, Operator by) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a token name is 1-63 of a-z, 0-9, '.', '_' and '-', starting with a letter"
          + " or digit (got \"" + name + "\")");
    }
    if (BUILT_IN.equals(name)) {
      throw new IllegalArgumentException("\"admin\" is the name of the token made at first start; choose another");
    }
    if (customer != null && !NAME.matcher(customer).matches()) {
      throw new IllegalArgumentException("no such customer name \"" + customer + "\"");
    }
    if (!by.sees(customer) || (customer == null && !by.unscoped())) {
      throw new SecurityException("a token of customer " + by.customer() + " can make tokens of that customer only");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("a token lasts from 1 second to " + MAX_TTL.toDays() + " days");
    }
    Optional<Entry> old = entry(name);
    if (old.isPresent()) {
      throw new IllegalArgumentException("a token named \"" + name + "\" exists" + (old.get().revoked() != null
          ? " (revoked: a name is never used again, so that the history's names keep their meaning)" : "")
          + "; choose another name");
    }
    String secret = "bt_" + Keys.randomToken(32);
    Instant now = clock.get();
    change(name, o -> o.clear().put("name", name).put("hash", hash(secret)).put("customer", customer)
        .put("role", role.label()).put("created", now.toString()).put("expires", now.plus(ttl).toString())
        .put("created_by", by.name()));
    return new Issued(entry(name).orElseThrow(), secret);
  }

  /**
   * Revokes a token (it opens nothing from now on, on every controller of the cluster).
   *
   * @throws IllegalArgumentException when there is none of that name (or {@code by} may not see it)
   */
  public synchronized Entry revoke(String name, Operator by) {
    Optional<JsonObject> o = find(name);
    if (o.isEmpty() || !by.sees(o.get().getString("customer"))) {
      throw new IllegalArgumentException(BUILT_IN.equals(name)
          ? "the built-in admin token is not revoked here: replace BATON_HOME/controller/operator-token and restart"
          : "no token named \"" + name + "\"");
    }
    if (o.get().getString("revoked") == null) {
      change(name, x -> x.put("revoked", clock.get().toString()));
    }
    return entry(name).orElseThrow();
  }

  /** The tokens {@code by} may see, by name. */
  public List<Entry> list(Operator by) {
    List<Entry> out = new ArrayList<>();
    entries().values().forEach(o -> {
      Entry e = of(o);
      if (by.sees(e.customer())) {
        out.add(e);
      }
    });
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  /** Who {@code presented} is; a refusal reason (for the log and counts) when it opens nothing. */
  public Check check(String presented) {
    if (presented == null || presented.isEmpty()) {
      return new Check(null, "api_unauthenticated");
    }
    byte[] h = hash(presented).getBytes(StandardCharsets.US_ASCII);
    if (MessageDigest.isEqual(h, builtInHash)) {
      return new Check(new Operator(BUILT_IN, null, Role.ADMIN), null);
    }
    for (JsonObject o : entries().values()) {
      if (MessageDigest.isEqual(h, o.getString("hash", "").getBytes(StandardCharsets.US_ASCII))) {
        Entry e = of(o);
        String closed = e.closed(clock.get());
        return closed != null ? new Check(null, "api_token_" + closed)
            : new Check(new Operator(e.name(), e.customer(), e.role()), null);
      }
    }
    return new Check(null, "api_unauthenticated");
  }

  /** The customer of the token {@code name} (empty: no such token, or one of every customer). */
  public Optional<String> customerOf(String name) {
    return find(name).map(o -> o.getString("customer"));
  }

  private Optional<Entry> entry(String name) {
    return find(name).map(OperatorTokens::of);
  }

  private static Entry of(JsonObject o) {
    return new Entry(o.getString("name"), o.getString("customer"), Role.parse(o.getString("role")),
        Instant.parse(o.getString("created")), o.getString("expires") == null ? null : Instant.parse(o.getString("expires")),
        o.getString("revoked") == null ? null : Instant.parse(o.getString("revoked")), o.getString("created_by"));
  }

  private static String hash(String secret) {
    return Fingerprints.sha256(secret.getBytes(StandardCharsets.UTF_8));
  }
}
