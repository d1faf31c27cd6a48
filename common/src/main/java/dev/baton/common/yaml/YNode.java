package dev.baton.common.yaml;

import dev.baton.common.error.Pos;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the place it was written. Produced by {@link SafeYaml}; only plain data
 * (mappings, sequences, scalars) ever reaches this tree.
 */
public sealed interface YNode permits YNode.YMap, YNode.YSeq, YNode.YScalar {

  Pos pos();

  /** A short name of the node's shape for error messages: "a mapping", "a list", "a text". */
  String describe();

  /** A key of a mapping, with the position of the key itself. */
  record Key(String name, Pos pos) {}

  /** A mapping whose keys are unique texts, in file order. */
  record YMap(Pos pos, Map<String, Key> keys, Map<String, YNode> values) implements YNode {
    public YMap {
      keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
      values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public YNode get(String key) {
      return values.get(key);
    }

    public Pos keyPos(String key) {
      Key k = keys.get(key);
      return k == null ? pos : k.pos();
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** A sequence. */
  record YSeq(Pos pos, List<YNode> items) implements YNode {
    public YSeq {
      items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar as written. {@code plain} is false for quoted or block scalars; {@code isNull} is
   * true for {@code ~}, {@code null} and an empty value. The text is never converted here: the
   * schema decides what it means, so {@code no} stays the text "no" where a text is expected.
   */
  record YScalar(Pos pos, String text, boolean plain, boolean isNull) implements YNode {
    @Override
    public String describe() {
      if (isNull) {
        return "an empty value";
      }
      return "the text \"" + text + "\"";
    }
  }
}
