package dev.baton.controller.plan;

/** What the engine does to one resource. */
public enum Action {
  CREATE("+", "create"),
  UPDATE("~", "update"),
  REPLACE("±", "replace"),
  DELETE("-", "delete"),
  NOOP(" ", "unchanged");

  private final String symbol;
  private final String word;

  Action(String symbol, String word) {
    this.symbol = symbol;
    this.word = word;
  }

  public String symbol() {
    return symbol;
  }

  /** As written in JSON output and plans. */
  public String word() {
    return word;
  }
}
