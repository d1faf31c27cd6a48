package dev.baton.common.yaml;

import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Safe YAML loading for definitions: SnakeYAML composes nodes only (nothing is ever
 * constructed, so no type can be instantiated), explicit tags other than YAML's own are
 * refused, keys must be unique, aliases, nesting and size are bounded. Every problem is
 * reported with its file, line and column; a file with problems yields no documents.
 */
public final class SafeYaml {
  /** Largest definition file accepted. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;
  /** Most aliases to mappings or lists in one file (stops "billion laughs"). */
  public static final int MAX_COLLECTION_ALIASES = 50;
  /** Deepest nesting accepted. */
  public static final int MAX_DEPTH = 40;
  /** Most nodes one file may expand to, aliases included. */
  public static final int MAX_NODES = 200_000;

  private static final Set<String> ALLOWED_TAGS = Set.of(
      Tag.STR.getValue(), Tag.INT.getValue(), Tag.FLOAT.getValue(), Tag.BOOL.getValue(),
      Tag.NULL.getValue(), Tag.MAP.getValue(), Tag.SEQ.getValue(), Tag.TIMESTAMP.getValue(),
      Tag.MERGE.getValue());

  private SafeYaml() {}

  /** One document of a file, with the position of its start. */
  public record Document(Pos pos, YNode root) {}

  /**
   * Loads every document of {@code text}. Problems go to {@code diags}; the documents of a
   * file with any problem are not returned (nothing half-read is ever used).
   */
  public static List<Document> loadAll(String file, String text, Diagnostics diags) {
    if (text.length() > MAX_FILE_BYTES) {
      diags.error(Pos.ofFile(file), "file is larger than " + (MAX_FILE_BYTES / 1024)
          + " KiB; split it into several files");
      return List.of();
    }
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(false);
    opts.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
    opts.setNestingDepthLimit(MAX_DEPTH);
    opts.setCodePointLimit(MAX_FILE_BYTES);
    opts.setAllowRecursiveKeys(false);
    opts.setProcessComments(false);
    Yaml yaml = new Yaml(new SafeConstructor(opts), new Representer(new DumperOptions()),
        new DumperOptions(), opts);
    Diagnostics local = new Diagnostics();
    List<Document> docs = new ArrayList<>();
    try {
      for (Node node : yaml.composeAll(new StringReader(text))) {
        if (node == null) {
          continue;
        }
        Converter c = new Converter(file, local);
        YNode root = c.convert(node, 0);
        if (root instanceof YNode.YScalar sc && sc.isNull()) {
          continue; // an empty document, such as after a trailing "---"
        }
        if (root != null) {
          docs.add(new Document(c.pos(node.getStartMark()), root));
        }
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      Pos pos = m == null ? Pos.ofFile(file) : new Pos(file, m.getLine() + 1, m.getColumn() + 1);
      String hint = "";
      if (m != null && lineAt(text, m.getLine()).contains("${")) {
        hint = "; a value that uses ${variable} inside [ ] or { } must be quoted: \"${name}\"";
      }
      local.error(pos, "invalid YAML: " + describe(e) + hint);
    } catch (YAMLException e) {
      limitPassed(yaml, file, text, e, local);
    }
    if (!local.isEmpty()) {
      diags.addAll(local);
      return List.of();
    }
    return docs;
  }

  /**
   * A YAMLException without a mark: the composer's alias and nesting limits. Both are placed at
   * the event where the limit was passed, so that the author sees which alias or which line.
   */
  private static void limitPassed(Yaml yaml, String file, String text, YAMLException e, Diagnostics diags) {
    String problem = e.getMessage() == null ? "" : e.getMessage();
    try {
      if (problem.contains("aliases for non-scalar nodes")) {
        ComposerLimits.TooManyAliases at = ComposerLimits.aliasPast(yaml, text, MAX_COLLECTION_ALIASES);
        if (at != null) {
          diags.error(pos(file, at.mark()), "invalid YAML: too many aliases: *" + at.anchor() + " here passes the limit of "
              + MAX_COLLECTION_ALIASES + " aliases to mappings or lists in one file; write the values out"
              + " instead of nesting anchors");
          return;
        }
      } else if (problem.contains("Nesting Depth")) {
        Mark at = ComposerLimits.depthPast(yaml, text, MAX_DEPTH);
        if (at != null) {
          diags.error(pos(file, at), "invalid YAML: nested deeper than " + MAX_DEPTH + " levels here;"
              + " flatten the structure");
          return;
        }
      }
    } catch (YAMLException again) {
      // the second pass failed before the limit: report the first failure, without a place
    }
    diags.error(Pos.ofFile(file), "invalid YAML: " + friendly(problem, ""));
  }

  private static Pos pos(String file, Mark m) {
    return new Pos(file, m.getLine() + 1, m.getColumn() + 1);
  }

  private static String describe(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext();
    return friendly(problem, context);
  }

  private static String friendly(String problem, String context) {
    String msg;
    if (problem.startsWith("Global tag is not allowed: ")) {
      return "the tag \"" + shortTag(problem.substring("Global tag is not allowed: ".length()).trim())
          + "\" is not allowed: definitions are plain data; remove the tag";
    } else if (problem.contains("mapping values are not allowed here")) {
      msg = "\"key: value\" is not allowed here; check the indentation of this line and the one above";
    } else if (problem.contains("aliases for non-scalar nodes")) {
      msg = "too many aliases (more than " + MAX_COLLECTION_ALIASES
          + "); write the values out instead of nesting anchors";
    } else if (problem.contains("Nesting Depth")) {
      msg = "nested deeper than " + MAX_DEPTH + " levels";
    } else if (problem.contains("TAB")) {
      msg = "a tab is used for indentation; indent with spaces";
    } else {
      msg = (context.isEmpty() ? "" : context + ": ") + problem;
    }
    return lowerFirst(msg.replaceAll("\\s+", " ").trim());
  }

  private static String shortTag(String tag) {
    return tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring("tag:yaml.org,2002:".length()) : tag;
  }

  private static String lineAt(String text, int line) {
    String[] lines = text.split("\n", -1);
    return line >= 0 && line < lines.length ? lines[line] : "";
  }

  private static String lowerFirst(String s) {
    if (s == null || s.isEmpty()) {
      return "unreadable input";
    }
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static final class Converter {
    private final String file;
    private final Diagnostics diags;
    private int nodes;

    Converter(String file, Diagnostics diags) {
      this.file = file;
      this.diags = diags;
    }

    Pos pos(Mark m) {
      return new Pos(file, m.getLine() + 1, m.getColumn() + 1);
    }

    YNode convert(Node node, int depth) {
      Pos pos = pos(node.getStartMark());
      if (++nodes > MAX_NODES) {
        if (nodes == MAX_NODES + 1) {
          diags.error(pos, "the file expands to more than " + MAX_NODES + " values; it is refused");
        }
        return null;
      }
      if (depth > MAX_DEPTH) {
        diags.error(pos, "nested deeper than " + MAX_DEPTH + " levels (is an alias used inside itself?)");
        return null;
      }
      String tag = node.getTag().getValue();
      if (!ALLOWED_TAGS.contains(tag)) {
        diags.error(pos, "the tag \"" + shortTag(tag) + "\" is not allowed: definitions are plain data;"
            + " remove the tag");
        return null;
      }
      if (node instanceof ScalarNode s) {
        boolean plain = s.isPlain();
        boolean isNull = plain && Tag.NULL.equals(s.getTag());
        return new YNode.YScalar(pos, s.getValue(), plain, isNull);
      }
      if (node instanceof SequenceNode s) {
        List<YNode> items = new ArrayList<>();
        for (Node child : s.getValue()) {
          YNode c = convert(child, depth + 1);
          if (c != null) {
            items.add(c);
          }
        }
        return new YNode.YSeq(pos, items);
      }
      MappingNode m = (MappingNode) node;
      Map<String, YNode.Key> keys = new LinkedHashMap<>();
      Map<String, YNode> values = new LinkedHashMap<>();
      List<NodeTuple> merges = new ArrayList<>();
      for (NodeTuple t : m.getValue()) {
        Node k = t.getKeyNode();
        Pos kpos = pos(k.getStartMark());
        if (Tag.MERGE.equals(k.getTag())) {
          merges.add(t);
          continue;
        }
        if (!(k instanceof ScalarNode ks)) {
          diags.error(kpos, "a key must be a plain name, not " + (k instanceof MappingNode ? "a mapping" : "a list"));
          continue;
        }
        String name = ks.getValue();
        YNode.Key prev = keys.get(name);
        if (prev != null) {
          diags.error(kpos, "duplicate key \"" + name + "\" (first set at line " + prev.pos().line()
              + "); keep only one");
          continue;
        }
        YNode v = convert(t.getValueNode(), depth + 1);
        if (v != null) {
          keys.put(name, new YNode.Key(name, kpos));
          values.put(name, v);
        }
      }
      // "<<: *defaults" merges: keys written in this mapping win over merged ones.
      for (NodeTuple t : merges) {
        List<Node> sources = t.getValueNode() instanceof SequenceNode sn ? sn.getValue() : List.of(t.getValueNode());
        for (Node src : sources) {
          YNode merged = convert(src, depth + 1);
          if (merged instanceof YNode.YMap mm) {
            for (Map.Entry<String, YNode> e : mm.values().entrySet()) {
              if (!values.containsKey(e.getKey())) {
                keys.put(e.getKey(), mm.keys().get(e.getKey()));
                values.put(e.getKey(), e.getValue());
              }
            }
          } else if (merged != null) {
            diags.error(merged.pos(), "\"<<\" merges only mappings, not " + merged.describe());
          }
        }
      }
      return new YNode.YMap(pos, keys, values);
    }

  }
}
