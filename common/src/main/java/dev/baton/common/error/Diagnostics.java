package dev.baton.common.error;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Collects every problem of a run, so that all of them are reported at once, sorted. */
public final class Diagnostics {
  private final TreeSet<Diagnostic> items = new TreeSet<>();

  public void error(Pos pos, String message) {
    items.add(new Diagnostic(pos, message));
  }

  public void addAll(Diagnostics other) {
    items.addAll(other.items);
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public int size() {
    return items.size();
  }

  public List<Diagnostic> sorted() {
    return new ArrayList<>(items);
  }

  /** Throws an {@link InvalidDefinitionException} carrying every problem if there is any. */
  public void throwIfAny() {
    if (!items.isEmpty()) {
      throw new InvalidDefinitionException(sorted());
    }
  }
}
