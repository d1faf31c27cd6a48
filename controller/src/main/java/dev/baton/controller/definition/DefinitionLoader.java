package dev.baton.controller.definition;

import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.InvalidDefinitionException;
import dev.baton.common.error.Pos;
import dev.baton.common.text.Utf8Text;
import dev.baton.common.yaml.SafeYaml;
import dev.baton.common.yaml.YNode;
import dev.baton.common.yaml.YNode.YMap;
import dev.baton.common.yaml.YNode.YScalar;
import dev.baton.controller.definition.Schema.FieldInfo;
import dev.baton.controller.definition.model.CommonFields;
import dev.baton.controller.definition.model.PlatformSpec;
import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.definition.model.ResourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a platform directory: {@code platform.yaml} at its root and every {@code *.yaml} /
 * {@code *.yml} below it (hidden folders excluded), several documents per file allowed. All
 * problems of all files are collected; a platform with any problem is never returned.
 */
public final class DefinitionLoader {
  public static final String PLATFORM_FILE = "platform.yaml";
  /** Most definition files one platform may have. */
  public static final int MAX_FILES = 5000;

  private DefinitionLoader() {}

  /**
   * Loads and validates the platform in {@code dir} for {@code env}.
   *
   * @param display how to print the directory in messages (as the user typed it)
   * @param env the environment, or null for a platform that defines none
   * @throws InvalidDefinitionException with every problem found
   */
  public static Platform load(Path dir, String display, String env) {
    Diagnostics diags = new Diagnostics();
    java.util.SortedMap<String, String> files = new java.util.TreeMap<>();
    Loaded head = readPlatform(dir, display, diags, files);
    if (head == null) {
      diags.throwIfAny();
      throw new IllegalStateException("unreachable");
    }
    PlatformSpec spec = head.spec;
    String chosen = env;
    if (!spec.environments().isEmpty()) {
      if (env == null) {
        diags.error(head.pos, "this platform has environments (" + String.join(", ", spec.environments().keySet())
            + "); choose one with --env");
      } else if (!spec.environments().containsKey(env)) {
        diags.error(head.positions.at("environments"), "unknown environment \"" + env + "\"; this platform defines: "
            + String.join(", ", spec.environments().keySet()) + Suggest.didYouMean(env, spec.environments().keySet()));
      }
    } else if (env != null) {
      diags.error(head.pos, "this platform defines no environments, so --env " + env
          + " cannot be used; add \"environments:\" to " + PLATFORM_FILE + " or leave --env out");
      chosen = null;
    }
    checkActionsAndSchedules(spec, head.positions, diags);
    diags.throwIfAny();
    List<Resource> resources = readResources(dir, display, spec, chosen, diags, files);
    Platform platform = new Platform(dir, spec, chosen, resources, head.positions, files);
    new Validator(platform, head.positions, head.pos, diags).run();
    diags.throwIfAny();
    return platform;
  }

  /** Built-in actions of {@code controller run}; the platform's own may not take their names. */
  public static final java.util.Set<String> BUILT_IN_ACTIONS = java.util.Set.of("puppet-run", "facts");

  private static void checkActionsAndSchedules(PlatformSpec spec, Positions positions, Diagnostics diags) {
    for (var e : spec.actions().entrySet()) {
      String at = "actions." + e.getKey();
      if (BUILT_IN_ACTIONS.contains(e.getKey())) { // names themselves are checked with every map key
        diags.error(positions.at(at), "action \"" + e.getKey() + "\" is built in; give yours another name");
      }
      if (e.getValue().command() != null && e.getValue().command().isBlank()) {
        diags.error(positions.at(at + ".command"), "the command of action \"" + e.getKey() + "\" is empty");
      }
    }
    checkSchedule(spec.schedule(), "schedule", positions, diags);
    spec.environments().forEach((name, e) -> checkSchedule(e.schedule(), "environments." + name + ".schedule", positions,
        diags));
  }

  private static void checkSchedule(dev.baton.controller.definition.model.ScheduleSpec s, String at, Positions positions,
      Diagnostics diags) {
    if (s == null) {
      return;
    }
    String zone = s.timeZone();
    try {
      Cron.parse("0 0 * * *", zone);
    } catch (IllegalArgumentException e) {
      diags.error(positions.at(at + ".time_zone"), at + ".time_zone: " + e.getMessage());
      zone = null;
    }
    for (String field : List.of("stop", "start")) {
      String expr = field.equals("stop") ? s.stop() : s.start();
      if (expr == null) {
        continue; // required: reported by the binder
      }
      try {
        Cron.parse(expr, zone);
      } catch (IllegalArgumentException e) {
        diags.error(positions.at(at + "." + field), at + "." + field + ": " + e.getMessage());
      }
    }
    if (s.stop() != null && s.stop().trim().equals(s.start() == null ? null : s.start().trim())) {
      diags.error(positions.at(at + ".start"), "a schedule's start and stop are the same time; they must differ");
    }
  }

  /** The environments a platform defines (empty when none, or when platform.yaml is unreadable). */
  public static List<String> environments(Path dir, String display) {
    Loaded head = readPlatform(dir, display, new Diagnostics(), new java.util.TreeMap<>());
    return head == null ? List.of() : List.copyOf(head.spec.environments().keySet());
  }

  private record Loaded(PlatformSpec spec, Pos pos, Positions positions) {}

  private static Loaded readPlatform(Path dir, String display, Diagnostics diags, Map<String, String> read) {
    if (!Files.isDirectory(dir)) {
      diags.error(Pos.ofFile(display), Files.exists(dir)
          ? "not a directory; give the platform's folder, the one that holds " + PLATFORM_FILE
          : "no such directory");
      return null;
    }
    Path file = dir.resolve(PLATFORM_FILE);
    String shown = join(display, PLATFORM_FILE);
    if (!Files.isRegularFile(file)) {
      diags.error(Pos.ofFile(display), "no " + PLATFORM_FILE + " here; a platform directory starts with one"
          + " (\"controller new platform NAME --in " + display + "\" writes it)");
      return null;
    }
    String text = read(file, shown, diags, PLATFORM_FILE, read);
    if (text == null) {
      return null;
    }
    List<SafeYaml.Document> docs = SafeYaml.loadAll(shown, text, diags);
    if (docs.isEmpty()) {
      if (diags.isEmpty()) {
        diags.error(Pos.ofFile(shown), "the file is empty; it must describe the platform (name, customer, provider, region)");
      }
      return null;
    }
    if (docs.size() > 1) {
      diags.error(docs.get(1).pos(), PLATFORM_FILE + " holds one document; put resources in other files");
    }
    YNode root = docs.get(0).root();
    if (!(root instanceof YMap map)) {
      diags.error(root.pos(), PLATFORM_FILE + " must be a mapping (name: ..., customer: ...), not " + root.describe());
      return null;
    }
    Positions positions = new Positions(map.pos());
    Binder binder = new Binder(diags, null, "");
    binder.begin(positions);
    PlatformSpec spec = binder.bind(PlatformSpec.class, map, "");
    if (spec.name() == null || spec.customer() == null || spec.provider() == null || spec.region() == null) {
      return null;
    }
    return new Loaded(spec, map.pos(), positions);
  }

  private static List<Resource> readResources(Path dir, String display, PlatformSpec spec, String env,
      Diagnostics diags, Map<String, String> read) {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> !isHidden(dir.relativize(p)))
          .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
          .filter(p -> !dir.relativize(p).toString().equals(PLATFORM_FILE))
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      diags.error(Pos.ofFile(display), "cannot list the directory: " + e.getMessage());
      return List.of();
    }
    if (files.size() > MAX_FILES) {
      diags.error(Pos.ofFile(display), "more than " + MAX_FILES + " definition files; is this the right directory?");
      return List.of();
    }
    String hint = env == null ? "in " + PLATFORM_FILE : "in " + PLATFORM_FILE + " (for every environment) or under"
        + " environments: " + env + ":";
    Binder binder = new Binder(diags, Platform.variables(spec, env), hint);
    List<Resource> out = new ArrayList<>();
    for (Path file : files) {
      String relative = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
      String shown = join(display, relative);
      String text = read(file, shown, diags, relative, read);
      if (text == null) {
        continue;
      }
      for (SafeYaml.Document doc : SafeYaml.loadAll(shown, text, diags)) {
        Resource r = readResource(doc.root(), binder);
        if (r != null) {
          out.add(r);
        }
      }
    }
    return out;
  }

  private static Resource readResource(YNode root, Binder binder) {
    Diagnostics diags = binderDiags(binder);
    if (!(root instanceof YMap map)) {
      diags.error(root.pos(), "a resource must be a mapping that starts with \"kind:\", not " + root.describe());
      return null;
    }
    YNode kindNode = map.get("kind");
    if (!(kindNode instanceof YScalar ks) || ks.isNull()) {
      diags.error(map.pos(), "missing \"kind\": every resource says what it is, with one of "
          + String.join(", ", ResourceKind.yamlNames()));
      return null;
    }
    if (ks.text().equals("platform")) {
      diags.error(ks.pos(), "the platform itself is described in " + PLATFORM_FILE + " at the root of the directory");
      return null;
    }
    ResourceKind kind = ResourceKind.byYaml(ks.text()).orElse(null);
    if (kind == null) {
      String hint = Suggest.didYouMean(ks.text(), ResourceKind.yamlNames());
      diags.error(ks.pos(), "unknown kind \"" + ks.text() + "\"" + (hint.isEmpty()
          ? "; the kinds are: " + String.join(", ", ResourceKind.yamlNames()) : hint));
      return null;
    }
    Positions positions = new Positions(map.pos());
    binder.begin(positions);
    List<FieldInfo> common = Schema.fields(CommonFields.class);
    List<FieldInfo> own = Schema.fields(kind.specType());
    Set<String> known = new LinkedHashSet<>(Binder.keys(common));
    known.addAll(Binder.keys(own));
    binder.checkUnknownKeys(map, "", known, Words.a(kind.yaml()));
    CommonFields c = Binder.construct(CommonFields.class, binder.bindFields(common, map, ""));
    ResourceSpec spec = Binder.construct(kind.specType(), binder.bindFields(own, map, ""));
    if (c.name() == null) {
      return null;
    }
    return new Resource(kind, c, spec, positions, binder.references());
  }

  private static Diagnostics binderDiags(Binder b) {
    return b.diagnostics();
  }

  /** The text of {@code file}; records the SHA-256 of the bytes read under {@code relative} in {@code read}. */
  private static String read(Path file, String shown, Diagnostics diags, String relative, Map<String, String> read) {
    try {
      long size = Files.size(file);
      if (size > SafeYaml.MAX_FILE_BYTES) {
        diags.error(Pos.ofFile(shown), "file is larger than " + (SafeYaml.MAX_FILE_BYTES / 1024)
            + " KiB; split it into several files");
        return null;
      }
      byte[] bytes = Files.readAllBytes(file);
      read.put(relative, java.util.HexFormat.of().formatHex(sha256(bytes)));
      return Utf8Text.decode(bytes);
    } catch (Utf8Text.NotUtf8Exception e) {
      diags.error(new Pos(shown, e.line(), e.column()), "not UTF-8 text: byte " + e.hex()
          + " here is not part of a UTF-8 character; save the file as UTF-8"
          + " (from Latin-1 or Windows-1252: iconv -f CP1252 -t UTF-8)");
    } catch (IOException e) {
      diags.error(Pos.ofFile(shown), "cannot read: " + e.getMessage());
    }
    return null;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      String s = part.toString();
      if (s.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  static String join(String display, String relative) {
    if (display.equals(".") || display.isEmpty()) {
      return relative;
    }
    return display.endsWith("/") ? display + relative : display + "/" + relative;
  }

  /** The variables of a platform in an environment, for tools that show them. */
  public static Map<String, String> variables(PlatformSpec spec, String env) {
    return Platform.variables(spec, env);
  }
}
