package dev.baton.controller.cluster;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.store.AtomicFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * JSON objects by key, in one file rewritten atomically after each change. Each object carries a
 * {@code changed} stamp (microseconds, increasing), so that the controllers of a cluster keep the
 * later copy of each; changes made here are told to the others ({@link Replicated}).
 */
public abstract class StampedJsonMap implements Replicated {
  private final Path file;
  private final JsonObject all;
  private final String name;
  private final String keyName;
  private final String valueName;
  private final boolean secret;
  private final ReplicaFeed feed = new ReplicaFeed();
  private long lastStamp;

  /**
   * @param name the store's name in messages and on the wire
   * @param keyName, valueName how a record names its key and its object on the wire
   * @param secret the file is readable by its owner only
   */
  protected StampedJsonMap(Path file, String name, String keyName, String valueName, boolean secret) {
    this.file = file;
    this.name = name;
    this.keyName = keyName;
    this.valueName = valueName;
    this.secret = secret;
    try {
      all = Files.exists(file) ? new JsonObject(Files.readString(file)) : new JsonObject();
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, name + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A copy of the object under {@code key}, if any. */
  protected synchronized Optional<JsonObject> find(String key) {
    return Optional.ofNullable(all.getJsonObject(key)).map(JsonObject::copy);
  }

  /** Changes (or makes) the object under {@code key}, stamps it, writes the file and tells the others; a copy of it. */
  protected synchronized JsonObject change(String key, Consumer<JsonObject> change) {
    JsonObject o = Optional.ofNullable(all.getJsonObject(key)).orElseGet(JsonObject::new);
    change.accept(o);
    lastStamp = Math.max(lastStamp + 1, System.currentTimeMillis() * 1000);
    o.put(ReplicaFeed.CHANGED, Math.max(lastStamp, o.getLong(ReplicaFeed.CHANGED, 0L) + 1));
    all.put(key, o);
    write();
    feed.publish(ReplicaFeed.record(keyName, key, valueName, o));
    return o.copy();
  }

  /** The keys whose objects match (tested in place, not copied: the predicate must only read). */
  protected synchronized java.util.List<String> keys(java.util.function.Predicate<JsonObject> p) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String k : all.fieldNames()) {
      if (p.test(all.getJsonObject(k))) {
        out.add(k);
      }
    }
    return out;
  }

  /** Copies of every object, by key. */
  protected synchronized Map<String, JsonObject> entries() {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    all.forEach(e -> out.put(e.getKey(), ((JsonObject) e.getValue()).copy()));
    return out;
  }

  @Override
  public String replicaName() {
    return name;
  }

  @Override
  public synchronized JsonArray snapshot() {
    return ReplicaFeed.snapshot(all, keyName, valueName);
  }

  /** An object from another controller replaces this one's when it changed later. */
  @Override
  public synchronized void merge(JsonObject record) {
    String key = record.getString(keyName);
    JsonObject in = record.getJsonObject(valueName);
    if (key == null || !ReplicaFeed.newer(all.getJsonObject(key), in)) {
      return;
    }
    all.put(key, in.copy());
    write();
  }

  @Override
  public void onLocalChange(Consumer<JsonObject> listener) {
    feed.add(listener);
  }

  private void write() {
    try {
      AtomicFiles.write(file, secret ? all.encode() : all.encodePrettily(), secret);
    } catch (IOException e) {
      throw new BatonException(ErrorCode.UNAVAILABLE, name + ": cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
