package dev.baton.controller.definition;

/** Small helpers for messages written in English. */
public final class Words {
  private Words() {}

  /** "a subnet", "an instance", "an iam_user". */
  public static String a(String noun) {
    return ("aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
  }
}
