package dev.baton.controller.attest;

import dev.baton.common.crypto.Fingerprints;
import dev.baton.common.crypto.Keys;
import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Join tokens. A token is random (256 bits), handed out once, and only its SHA-256 is kept:
 * the store on disk cannot be used to join. A token is single-use, expires, and is bound to
 * the instance it was issued for once that instance's ID is known. The store is written
 * atomically after every change, so a controller restart keeps every issued and used token.
 */
public final class TokenStore implements dev.baton.controller.cluster.Replicated {
  /** Default lifetime of a join token. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** A token's facts (never its clear text). */
  /**
   * @param group a group's token: used by every instance the group launches (each must be the
   *     group's), until it expires; never bound to one instance
   */
  public record Token(String hash, String platform, String customer, String env, String name, String uuid,
      String instanceId, Instant expires, Instant usedAt, boolean group) {

    /** The platform's environment the token joins a node to. */
    public dev.baton.controller.definition.Scope scope() {
      return new dev.baton.controller.definition.Scope(platform, customer, env);
    }

    JsonObject toJson() {
      return new JsonObject().put("hash", hash).put("platform", platform).put("customer", customer).put("env", env)
          .put("name", name).put("uuid", uuid).put("instance_id", instanceId).put("expires", expires.toString())
          .put("used_at", usedAt == null ? null : usedAt.toString()).put("group", group);
    }

    static Token fromJson(JsonObject o) {
      return new Token(o.getString("hash"), o.getString("platform"), o.getString("customer"), o.getString("env"),
          o.getString("name"), o.getString("uuid"), o.getString("instance_id"), Instant.parse(o.getString("expires")),
          o.getString("used_at") == null ? null : Instant.parse(o.getString("used_at")), Boolean.TRUE.equals(o.getValue("group")));
    }

    Token used(Instant when) {
      return new Token(hash, platform, customer, env, name, uuid, instanceId, expires, when, group);
    }

    Token bound(String instance) {
      return new Token(hash, platform, customer, env, name, uuid, instance, expires, usedAt, group);
    }
  }

  private final Supplier<Instant> clock;
  private final Map<String, Token> tokens = new LinkedHashMap<>();
  private final dev.baton.common.store.JsonArraySnapshot<String, Token> encoded =
      new dev.baton.common.store.JsonArraySnapshot<>(Token::toJson);
  private final dev.baton.common.store.GroupCommitFile store;
  /** Tokens changed since the writer last asked (it asks for their encodings only). */
  private final java.util.Set<String> touched = new java.util.LinkedHashSet<>();
  private final dev.baton.controller.cluster.ReplicaFeed feed = new dev.baton.controller.cluster.ReplicaFeed();

  @Override
  public String replicaName() {
    return "tokens";
  }

  @Override
  public synchronized io.vertx.core.json.JsonArray snapshot() {
    io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
    tokens.values().forEach(t -> a.add(t.toJson()));
    return a;
  }

  /** A token from another controller: added, or this one marked used and bound as it was there. */
  @Override
  public synchronized void merge(JsonObject record) {
    Token in = Token.fromJson(record);
    Token cur = tokens.get(in.hash());
    Token next = cur == null ? in : new Token(cur.hash(), cur.platform(), cur.customer(), cur.env(), cur.name(), cur.uuid(),
        cur.instanceId() != null ? cur.instanceId() : in.instanceId(), cur.expires(),
        cur.usedAt() != null ? cur.usedAt() : in.usedAt(), cur.group());
    if (!next.equals(cur)) {
      tokens.put(next.hash(), next);
      touched.add(next.hash());
      store.save();
    }
  }

  @Override
  public void onLocalChange(java.util.function.Consumer<JsonObject> listener) {
    feed.add(listener);
  }

  private void replicate(Token t) {
    feed.publish(t.toJson());
  }

  public TokenStore(Path file, Supplier<Instant> clock) {
    this.clock = clock;
    this.store = new dev.baton.common.store.GroupCommitFile(file, true, this::changes);
    try {
      for (JsonObject o : store.read()) {
        Token t = Token.fromJson(o);
        tokens.put(t.hash(), t);
      }
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "tokens: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The stored facts of a token (null when unknown). */
  public synchronized Token find(String clear) {
    return clear == null ? null : tokens.get(hash(clear));
  }

  public static String hash(String clear) {
    return Fingerprints.sha256(clear.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Issues a token for the node {@code name}/{@code uuid} of a platform; returns its clear
   * text, which is not kept anywhere.
   *
   * @param instanceId the instance it may register, or null when not known yet ({@link #bind})
   */
  public synchronized String issue(String platform, String customer, String env, String name, String uuid,
      String instanceId, Duration ttl) {
    String clear = Keys.randomToken(32);
    Token t = new Token(hash(clear), platform, customer, env, name, uuid, instanceId, clock.get().plus(ttl), null, false);
    tokens.put(t.hash(), t);
    touched.add(t.hash());
    save();
    replicate(t);
    return clear;
  }

  /**
   * Issues the token of an autoscaling group ({@code uuid}): it goes into the group's launch
   * template, and every instance the group launches registers with it (the cloud must confirm
   * the instance is the group's). Returns its clear text.
   */
  public synchronized String issueGroup(String platform, String customer, String env, String name, String uuid,
      Duration ttl) {
    String clear = Keys.randomToken(32);
    Token t = new Token(hash(clear), platform, customer, env, name, uuid, null, clock.get().plus(ttl), null, true);
    tokens.put(t.hash(), t);
    touched.add(t.hash());
    save();
    replicate(t);
    return clear;
  }

  /** Binds an issued token to the instance the cloud created for it. */
  public synchronized void bind(String clear, String instanceId) {
    Token t = tokens.get(hash(clear));
    if (t == null) {
      throw BatonException.notFound("tokens: no such token");
    }
    tokens.put(t.hash(), t.bound(instanceId));
    touched.add(t.hash());
    save();
    replicate(t.bound(instanceId));
  }

  /**
   * Whether a token may be used for {@code instanceId}, without using it: the same refusals as
   * {@link #consume}. The registrar checks first, has the cloud confirm the instance, and only then
   * uses the token, so that a failed confirmation does not burn it.
   */
  public synchronized Token check(String clear, String instanceId) {
    return usable(clear, instanceId);
  }

  /**
   * Uses a token for {@code instanceId}, once. Refused when unknown, expired, already used
   * (replayed), or bound to another instance.
   */
  public synchronized Token consume(String clear, String instanceId) {
    Token t = usable(clear, instanceId);
    if (t.group()) {
      return t; // the group's token stays usable; this use is for this instance
    }
    Token used = t.used(clock.get());
    tokens.put(t.hash(), used);
    touched.add(t.hash());
    save();
    replicate(used);
    return used;
  }

  private Token usable(String clear, String instanceId) {
    if (clear == null || clear.isBlank()) {
      throw new Refused("missing_token", "no join token presented");
    }
    Token t = tokens.get(hash(clear));
    Instant now = clock.get();
    if (t == null) {
      throw new Refused("unknown_token", "unknown join token");
    }
    if (t.group()) {
      if (now.isAfter(t.expires())) {
        throw new Refused("expired_token", "the join token of group " + t.name() + " expired at " + t.expires());
      }
      return t.bound(instanceId);
    }
    if (t.usedAt() != null) {
      throw new Refused("replayed_token", "join token of " + t.name() + " was already used at " + t.usedAt());
    }
    if (now.isAfter(t.expires())) {
      throw new Refused("expired_token", "join token of " + t.name() + " expired at " + t.expires());
    }
    if (t.instanceId() != null && !t.instanceId().equals(instanceId)) {
      throw new Refused("token_of_another_instance", "join token of " + t.name() + " was issued for instance "
          + t.instanceId() + ", not " + instanceId);
    }
    return t.bound(instanceId);
  }

  /** Forgets tokens that expired more than a day ago. */
  public synchronized void prune() {
    Instant horizon = clock.get().minus(Duration.ofDays(1));
    java.util.List<String> expired = tokens.values().stream().filter(t -> t.expires().isBefore(horizon)).map(Token::hash).toList();
    expired.forEach(tokens::remove);
    touched.addAll(expired);
    if (!expired.isEmpty()) {
      save();
    }
  }

  /** Schedules a write of every token; the future completes once it is on disk. */
  public io.vertx.core.Future<Void> sync() {
    return store.save();
  }

  private void save() {
    store.save();
  }

  private synchronized dev.baton.common.store.JsonArraySnapshot.Changes changes() {
    var c = encoded.changes(tokens, touched);
    touched.clear();
    return c;
  }
}
