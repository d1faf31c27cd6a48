package dev.baton.controller.definition;

import dev.baton.common.error.Pos;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a resource was written, by path ({@code ingress[0].ports}). A path with
 * no value of its own resolves to its nearest written parent, and finally to the resource.
 */
public final class Positions {
  private final Pos root;
  private final Map<String, Pos> values = new HashMap<>();

  public Positions(Pos root) {
    this.root = root;
  }

  void put(String path, Pos pos) {
    values.put(path, pos);
  }

  public Pos root() {
    return root;
  }

  /** True when a value was written at exactly this path (even one that was then refused). */
  public boolean has(String path) {
    return values.containsKey(path);
  }

  public Pos at(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Pos pos = values.get(p);
      if (pos != null) {
        return pos;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return root;
  }
}
