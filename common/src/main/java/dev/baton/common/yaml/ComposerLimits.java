package dev.baton.common.yaml;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Where SnakeYAML's composer passed one of its limits. It throws a plain {@code YAMLException}
 * for too many aliases to collections or too deep a nesting, without a mark; this walks the same
 * parser events again, counting as the composer counts (aliases to collections over the whole
 * stream, anchors per document; nesting checked at each node before it is entered), and finds the
 * event at which the limit was passed. Only called once the composer has refused the text, so the
 * second pass costs nothing in the normal case.
 */
final class ComposerLimits {
  private ComposerLimits() {}

  /** The alias that made one too many: its place and its anchor's name. */
  record TooManyAliases(Mark mark, String anchor) {}

  /** The first alias to a mapping or list beyond {@code max}, or null if there is none. */
  static TooManyAliases aliasPast(Yaml yaml, String text, int max) {
    Map<String, Boolean> collection = new HashMap<>();
    int count = 0;
    for (Event e : yaml.parse(new StringReader(text))) {
      if (e instanceof DocumentStartEvent) {
        collection.clear();
      } else if (e instanceof AliasEvent a) {
        if (Boolean.TRUE.equals(collection.get(a.getAnchor())) && ++count > max) {
          return new TooManyAliases(a.getStartMark(), a.getAnchor());
        }
      } else if (e instanceof NodeEvent n && n.getAnchor() != null) {
        collection.put(n.getAnchor(), e instanceof CollectionStartEvent);
      }
    }
    return null;
  }

  /** The first node nested deeper than {@code max} levels, or null if there is none. */
  static Mark depthPast(Yaml yaml, String text, int max) {
    int depth = 0;
    for (Event e : yaml.parse(new StringReader(text))) {
      if (e instanceof ScalarEvent || e instanceof CollectionStartEvent) {
        if (depth > max) {
          return e.getStartMark();
        }
        if (e instanceof CollectionStartEvent) {
          depth++;
        }
      } else if (e instanceof CollectionEndEvent) {
        depth--;
      }
    }
    return null;
  }
}
