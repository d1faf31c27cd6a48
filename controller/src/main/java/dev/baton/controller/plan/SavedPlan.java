package dev.baton.controller.plan;

import dev.baton.common.error.BatonException;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.Scope;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.provider.Ref;
import dev.baton.controller.provider.Values;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A plan as saved for review ({@code plan --out}) and what it was computed from: the platform's
 * scope, a digest of its definition files, and for each change the digest of the live state it
 * was computed against. {@link #digest()} names one plan exactly: what {@code provision} prints
 * and records as the plan it applied.
 *
 * @param directory the platform directory, absolute
 * @param targets the targets the plan was narrowed to (KIND/NAME or a definition file), empty for all
 * @param changes the changes of the plan, in its order (unchanged resources left out)
 */
public record SavedPlan(String directory, Scope scope, String provider, String createdAt, List<String> targets,
    Definitions definitions, List<Change> changes) {

  /** The format written; a file of another format is refused. */
  public static final String FORMAT = "baton-plan/1";
  /** The digest of the live state of a resource the plan creates: there was none. */
  public static final String ABSENT = "absent";

  public SavedPlan {
    targets = List.copyOf(targets);
    changes = List.copyOf(changes);
  }

  /**
   * The definition files: each by relative path with the SHA-256 of its bytes, and a digest over
   * all of them (the canonical JSON of that sorted mapping).
   */
  public record Definitions(String digest, SortedMap<String, String> files) {
    public Definitions {
      files = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    public static Definitions of(Platform platform) {
      SortedMap<String, String> files = new TreeMap<>();
      platform.files().forEach((f, hex) -> files.put(f, "sha256:" + hex));
      return new Definitions(CanonicalJson.digest(files), files);
    }
  }

  /**
   * What was observed of one live resource: a digest over all of it, and one per attribute (so
   * that a refusal can name the attribute that moved; values themselves are not kept, they may be
   * secret). {@code digest} is {@link #ABSENT} when there was none.
   */
  public record Observed(String digest, String id, String state, String tags, SortedMap<String, String> attributes) {
    public static final Observed NONE = new Observed(ABSENT, null, null, null, new TreeMap<>());

    public Observed {
      attributes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
    }

    public static Observed of(LiveResource live) {
      if (live == null) {
        return NONE;
      }
      SortedMap<String, String> attrs = new TreeMap<>();
      live.attributes().forEach((k, v) -> attrs.put(k, CanonicalJson.digest(raw(v))));
      JsonObject all = new JsonObject().put("id", live.id().id()).put("state", live.state())
          .put("attributes", raw(live.attributes())).put("tags", raw(live.tags()));
      return new Observed(CanonicalJson.digest(all), live.id().id(), live.state(),
          CanonicalJson.digest(raw(live.tags())), attrs);
    }

    public boolean absent() {
      return ABSENT.equals(digest);
    }

    JsonObject toJson() {
      JsonObject o = new JsonObject().put("digest", digest);
      if (!absent()) {
        JsonObject a = new JsonObject();
        attributes.forEach(a::put);
        o.put("id", id).put("state", state).put("tags", tags).put("attributes", a);
      }
      return o;
    }

    static Observed fromJson(JsonObject o) {
      if (ABSENT.equals(o.getString("digest"))) {
        return NONE;
      }
      SortedMap<String, String> a = new TreeMap<>();
      o.getJsonObject("attributes", new JsonObject()).forEach(e -> a.put(e.getKey(), String.valueOf(e.getValue())));
      return new Observed(o.getString("digest"), o.getString("id"), o.getString("state"), o.getString("tags"), a);
    }

    /** The live value as plain JSON: cloud IDs as their text. */
    private static Object raw(Object v) {
      return Values.toJson(v, x -> x instanceof CloudId c ? c.id() : x);
    }
  }

  /**
   * One change: what is done to which resource, the attributes that differ (references by address)
   * and what was observed of the live resource.
   */
  public record Change(String kind, String name, String uuid, String action, JsonObject diff, Observed live) {
    public String address() {
      return kind + "/" + name;
    }

    JsonObject toJson() {
      return new JsonObject().put("kind", kind).put("name", name).put("uuid", uuid).put("action", action)
          .put("diff", diff).put("live", live.toJson());
    }

    /** The change without what was observed: what two plans must agree on to do the same. */
    String intent() {
      return CanonicalJson.encode(new JsonObject().put("kind", kind).put("name", name).put("uuid", uuid)
          .put("action", action).put("diff", diff));
    }

    static Change fromJson(JsonObject o) {
      return new Change(o.getString("kind"), o.getString("name"), o.getString("uuid"), o.getString("action"),
          o.getJsonObject("diff", new JsonObject()), Observed.fromJson(o.getJsonObject("live", new JsonObject())));
    }
  }

  /** The saved form of {@code plan} (already narrowed to {@code targets}) of {@code platform}. */
  public static SavedPlan of(Platform platform, Plan plan, List<String> targets, java.time.Instant now) {
    Map<String, String> addressOfUuid = new HashMap<>();
    Map<String, String> addressOfId = new HashMap<>();
    for (PlannedChange c : plan.changes()) {
      addressOfUuid.put(c.uuid(), c.address());
      if (c.live() != null) {
        addressOfId.put(c.live().id().id(), c.address());
      }
    }
    List<Change> changes = new ArrayList<>();
    for (PlannedChange c : plan.effective()) {
      JsonObject diff = new JsonObject();
      for (AttributeDiff d : c.diff()) {
        diff.put(d.attribute(), new JsonObject().put("expected", json(d.expected(), addressOfUuid, addressOfId))
            .put("actual", json(d.actual(), addressOfUuid, addressOfId))
            .put("forces_replacement", d.mode() == dev.baton.controller.definition.model.OnChange.REPLACE));
      }
      changes.add(new Change(c.kind().yaml(), c.name(), c.uuid(), c.action().word(), diff,
          c.action() == Action.CREATE ? Observed.NONE : Observed.of(c.live())));
    }
    return new SavedPlan(platform.dir().toAbsolutePath().normalize().toString(), plan.scope(), plan.provider(),
        now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), targets, Definitions.of(platform), changes);
  }

  private static Object json(Object v, Map<String, String> addressOfUuid, Map<String, String> addressOfId) {
    return Values.toJson(v, x -> x instanceof Ref r ? addressOfUuid.getOrDefault(r.uuid(), r.uuid())
        : x instanceof CloudId id ? addressOfId.getOrDefault(id.id(), id.id()) : x);
  }

  /** The content of the file, without its digest. */
  private JsonObject content() {
    JsonArray cs = new JsonArray();
    changes.forEach(c -> cs.add(c.toJson()));
    JsonObject files = new JsonObject();
    definitions.files().forEach(files::put);
    return new JsonObject().put("format", FORMAT).put("directory", directory).put("platform", scope.platform())
        .put("customer", scope.customer()).put("environment", scope.env()).put("provider", provider)
        .put("created_at", createdAt).put("targets", new JsonArray(new ArrayList<>(targets)))
        .put("definitions", new JsonObject().put("digest", definitions.digest()).put("files", files))
        .put("changes", cs);
  }

  /** {@code sha256:} and the SHA-256 of the plan's canonical content (everything but the digest itself). */
  public String digest() {
    JsonObject what = content();
    what.remove("created_at"); // the same plan computed twice has one digest (a pull request's comment and --out)
    return CanonicalJson.digest(what);
  }

  /** The file's JSON: the content and its digest. */
  public JsonObject toJson() {
    return content().put("digest", digest());
  }

  /** Writes the plan to {@code file} (replacing it), through a temporary file so a reader never sees half of it. */
  public void write(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw BatonException.invalid("--out " + file + " is a directory; give the plan's file (" + file.resolve("plan.json")
          + ", for example)");
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw BatonException.invalid("--out " + file + ": cannot make its directory " + dir + " (" + e.getMessage() + ")");
    }
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, ".plan-", ".tmp");
    } catch (IOException e) {
      throw BatonException.invalid("--out " + file + ": cannot write in " + dir + " (" + e + ")");
    }
    try {
      Files.writeString(tmp, toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a plan written by {@link #write}.
   *
   * @throws BatonException INVALID_ARGUMENT naming {@code shown} when the file is not a saved plan of this
   *     format, or when its content no longer matches its digest (it was edited after it was saved)
   */
  public static SavedPlan read(Path file, String shown) {
    JsonObject o;
    try {
      o = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (java.nio.file.NoSuchFileException e) {
      throw BatonException.invalid(shown + ": no such file; write one with \"controller plan DIR --out " + shown + "\"");
    } catch (IOException e) {
      throw BatonException.invalid(shown + ": cannot read: " + e.getMessage());
    } catch (DecodeException | ClassCastException e) {
      throw BatonException.invalid(shown + ": not a saved plan (not a JSON object); write one with \"controller plan"
          + " DIR --out " + shown + "\"");
    }
    if (!FORMAT.equals(o.getValue("format"))) {
      throw BatonException.invalid(shown + ": not a saved plan of format " + FORMAT + " (its format: "
          + o.getValue("format") + "); write it again with this controller's \"plan --out\"");
    }
    SavedPlan p;
    try {
      List<Change> changes = new ArrayList<>();
      o.getJsonArray("changes").forEach(c -> changes.add(Change.fromJson((JsonObject) c)));
      SortedMap<String, String> files = new TreeMap<>();
      JsonObject defs = o.getJsonObject("definitions");
      defs.getJsonObject("files").forEach(e -> files.put(e.getKey(), (String) e.getValue()));
      List<String> targets = new ArrayList<>();
      o.getJsonArray("targets").forEach(t -> targets.add((String) t));
      p = new SavedPlan(o.getString("directory"), new Scope(o.getString("platform"), o.getString("customer"),
          o.getString("environment")), o.getString("provider"), o.getString("created_at"), targets,
          new Definitions(defs.getString("digest"), files), changes);
    } catch (RuntimeException e) {
      throw BatonException.invalid(shown + ": not a complete saved plan (" + e.getMessage() + "); write it again with"
          + " \"controller plan DIR --out " + shown + "\"");
    }
    if (!p.digest().equals(o.getString("digest"))) {
      throw BatonException.invalid(shown + ": its content does not match its digest " + o.getString("digest")
          + ": it was changed after it was saved; a reviewed plan is applied as it was written, so compute it again"
          + " with \"controller plan DIR --out " + shown + "\"");
    }
    return p;
  }
}
