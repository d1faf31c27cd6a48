package dev.baton.controller.definition;

import dev.baton.common.error.Diagnostics;
import dev.baton.common.error.Pos;
import dev.baton.common.yaml.SafeYaml;
import dev.baton.common.yaml.YNode;
import java.util.List;

/** Parses the YAML text of a {@code @Field(dflt=...)} into a node. */
final class DefaultParser {
  private DefaultParser() {}

  static YNode parse(String yaml, Pos at) {
    Diagnostics d = new Diagnostics();
    List<SafeYaml.Document> docs = SafeYaml.loadAll(at.file(), "v: " + yaml, d);
    if (!d.isEmpty() || docs.isEmpty()) {
      throw new IllegalStateException("bad default " + yaml + ": " + d.sorted());
    }
    return ((YNode.YMap) docs.get(0).root()).get("v");
  }
}
