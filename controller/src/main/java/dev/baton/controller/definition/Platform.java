package dev.baton.controller.definition;

import dev.baton.controller.definition.model.EnvironmentSpec;
import dev.baton.controller.definition.model.PlatformSpec;
import dev.baton.controller.definition.model.ResourceKind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A loaded, valid platform: one customer's definitions in one environment. Instances of this
 * class exist only for definitions that passed every check.
 *
 * @param dir the platform directory
 * @param env the chosen environment, or null when the platform defines none
 * @param files every file the loader read, by path relative to {@code dir} ({@code /}-separated, sorted), with the
 *     SHA-256 (hex) of the bytes it read: what a saved plan records, so that it can tell which file moved since
 */
public record Platform(Path dir, PlatformSpec spec, String env, List<Resource> resources, Positions positions,
    java.util.SortedMap<String, String> files) {

  public Platform {
    files = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(files));
  }

  /** Tag keys Baton owns on every resource; definitions may not set them. */
  public static final String TAG_UUID = "baton:uuid";
  public static final String TAG_PLATFORM = "baton:platform";
  public static final String TAG_CUSTOMER = "baton:customer";
  public static final String TAG_ENV = "baton:env";
  public static final String TAG_PROTECT = "baton:protect";
  public static final String TAG_NAME = "Name";

  /** Where a key of platform.yaml is written ({@code controller.endpoints[0]}), for an error message. */
  public dev.baton.common.error.Pos pos(String path) {
    return positions.at(path);
  }

  public String name() {
    return spec.name();
  }

  /** Platform name and environment, such as {@code acme-cms/prod}: what one lock and one state cover. */
  public String qualifiedName() {
    return env == null ? spec.name() : spec.name() + "/" + env;
  }

  /** The off-hours of this environment: its own, else the platform's; null when none. */
  public dev.baton.controller.definition.model.ScheduleSpec schedule() {
    EnvironmentSpec e = env == null ? null : spec.environments().get(env);
    return e != null && e.schedule() != null ? e.schedule() : spec.schedule();
  }

  public Optional<Resource> find(ResourceKind kind, String name) {
    return resources.stream().filter(r -> r.kind() == kind && r.name().equals(name)).findFirst();
  }

  /** What a cloud provider creates: every resource but the applications. */
  public List<Resource> cloudResources() {
    return resources.stream().filter(r -> r.kind().cloud()).toList();
  }

  public List<Resource> ofKind(ResourceKind kind) {
    return resources.stream().filter(r -> r.kind() == kind).toList();
  }

  /**
   * Every tag the live resource must carry: the platform's, the environment's and the
   * resource's own, then Baton's ownership tags (which nothing can override).
   */
  public Map<String, String> tagsOf(Resource r) {
    Map<String, String> tags = new TreeMap<>();
    tags.putAll(spec.tags());
    if (env != null) {
      EnvironmentSpec e = spec.environments().get(env);
      if (e != null) {
        tags.putAll(e.tags());
      }
    }
    tags.putAll(r.tags());
    tags.putIfAbsent(TAG_NAME, env == null ? r.name() : r.name() + "-" + env);
    tags.put(TAG_UUID, r.uuid());
    tags.put(TAG_PLATFORM, spec.name());
    tags.put(TAG_CUSTOMER, spec.customer());
    if (env != null) {
      tags.put(TAG_ENV, env);
    }
    if (Boolean.TRUE.equals(r.common().protect())) {
      tags.put(TAG_PROTECT, "true");
    }
    return tags;
  }

  /** The variables in force: built-ins, then the platform's, then the environment's. */
  public static Map<String, String> variables(PlatformSpec spec, String env) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("platform", spec.name());
    vars.put("customer", spec.customer());
    vars.put("region", spec.region());
    vars.put("env", env == null ? "" : env);
    if (spec.variables() != null) {
      vars.putAll(spec.variables());
    }
    if (env != null && spec.environments() != null && spec.environments().containsKey(env)) {
      vars.putAll(spec.environments().get(env).variables());
    }
    return vars;
  }
}
