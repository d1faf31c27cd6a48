package dev.baton.controller.provider.local;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Values;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local cloud's records: every resource is a JSON file under {@code ROOT/KIND/ID.json}, written
 * atomically (a temporary file renamed over the old one), so a crash leaves either the old or the new
 * state, never half of one. Like a real cloud it gives resources IDs of their kind and refuses
 * references to resources that do not exist.
 */
final class LocalStore {
  private static final Map<ResourceKind, String> PREFIX = Map.ofEntries(
      Map.entry(ResourceKind.IAM_POLICY, "policy"), Map.entry(ResourceKind.IAM_GROUP, "group"),
      Map.entry(ResourceKind.IAM_USER, "user"), Map.entry(ResourceKind.IAM_ROLE, "role"),
      Map.entry(ResourceKind.INSTANCE_PROFILE, "profile"), Map.entry(ResourceKind.VPC, "vpc"),
      Map.entry(ResourceKind.SUBNET, "subnet"), Map.entry(ResourceKind.SECURITY_GROUP, "sg"),
      Map.entry(ResourceKind.ELASTIC_IP, "eipalloc"), Map.entry(ResourceKind.VOLUME, "vol"),
      Map.entry(ResourceKind.INSTANCE, "i"), Map.entry(ResourceKind.AUTOSCALING_GROUP, "asg"),
      Map.entry(ResourceKind.DNS_RECORD, "rrset"));

  /** Held across a read, check and write of the records, so that two changes never interleave. */
  final Object writeLock = new Object();
  private final Path root;
  private final SecureRandom random = new SecureRandom();

  LocalStore(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** A new ID of {@code kind}, as the cloud's: its prefix and 16 random hex digits ({@code i-0123...}). */
  CloudId newId(ResourceKind kind) {
    return new CloudId(PREFIX.get(kind) + "-" + HexFormat.of().formatHex(random.generateSeed(8)));
  }

  /** An instance's state: running while its agent process lives (records-only instances always run). */
  private String stateOf(ResourceKind kind, String id, String recorded) {
    if (kind != ResourceKind.INSTANCE || !Files.isDirectory(LocalInstances.dir(root, id))) {
      return recorded;
    }
    return LocalInstances.alive(root, id) ? "running" : "stopped";
  }

  /** The state an instance's record holds (not its process's): {@code terminating:wait} while a hook holds it. */
  String recordedState(String id) throws IOException {
    try {
      return new JsonObject(Files.readString(file(ResourceKind.INSTANCE, id))).getString("state", "");
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  void checkReferences(Object v) throws IOException {
    List<CloudId> ids = new ArrayList<>();
    Values.forEachLeaf(v, x -> {
      if (x instanceof CloudId id) {
        ids.add(id);
      }
    });
    for (CloudId id : ids) {
      if (find(id) == null) {
        throw new BatonException(ErrorCode.NOT_FOUND, "InvalidID.NotFound: " + id + " does not exist", true, null);
      }
    }
  }

  private LiveResource find(CloudId id) throws IOException {
    for (Map.Entry<ResourceKind, String> e : PREFIX.entrySet()) {
      if (id.id().startsWith(e.getValue() + "-")) {
        return read(e.getKey(), id.id());
      }
    }
    return null;
  }

  Path file(ResourceKind kind, String id) {
    return root.resolve(kind.yaml()).resolve(id + ".json");
  }

  List<LiveResource> list(ResourceKind kind) throws IOException {
    Path dir = root.resolve(kind.yaml());
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<LiveResource> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      // a write in flight is a hidden temporary file: never read it
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
          .sorted().toList()) {
        LiveResource l = read(kind, f.getFileName().toString().replace(".json", ""));
        if (l != null) {
          out.add(l);
        }
      }
    }
    return out;
  }

  LiveResource read(ResourceKind kind, String id) throws IOException {
    try {
      JsonObject o = new JsonObject(Files.readString(file(kind, id), StandardCharsets.UTF_8));
      Map<String, String> tags = new LinkedHashMap<>();
      o.getJsonObject("tags").forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
      @SuppressWarnings("unchecked")
      Map<String, Object> attrs = (Map<String, Object>) decode(o.getJsonObject("attributes"));
      return new LiveResource(kind, o.getString("uuid"), new CloudId(id), attrs, tags,
          stateOf(kind, id, o.getString("state", "")));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  void write(LiveResource l) throws IOException {
    JsonObject o = new JsonObject().put("id", l.id().id()).put("kind", l.kind().yaml()).put("uuid", l.uuid())
        .put("state", l.state()).put("attributes", encode(l.attributes()))
        .put("tags", new JsonObject(new LinkedHashMap<>(l.tags())));
    Path target = file(l.kind(), l.id().id());
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    Files.writeString(tmp, o.encodePrettily(), StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Attributes as stored: a cloud ID is written {@code {"$id": ...}}. */
  private static Object encode(Object v) {
    return Values.toJson(v, x -> x instanceof CloudId id ? new JsonObject().put("$id", id.id()) : x);
  }

  private static Object decode(Object v) {
    if (v instanceof JsonObject o) {
      if (o.size() == 1 && o.containsKey("$id")) {
        return new CloudId(o.getString("$id"));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), decode(e.getValue())));
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      a.forEach(x -> l.add(decode(x)));
      return l;
    }
    return v;
  }
}
