package dev.baton.controller.cli;

import dev.baton.controller.plan.Action;
import dev.baton.controller.plan.AttributeDiff;
import dev.baton.controller.plan.Plan;
import dev.baton.controller.plan.PlannedChange;
import java.util.List;
import java.util.Map;

/**
 * A plan as Markdown for a pull-request comment ({@code plan --output markdown}). Live values come
 * from the cloud, where anyone with access may have written anything: every value is escaped, so
 * none can close a table cell, open a code span, or inject HTML into the comment.
 */
final class PlanMarkdown {
  /** A change with more attribute rows than this, or a value longer than {@link #LONG_VALUE}, is folded. */
  static final int LONG_ROWS = 3;
  static final int LONG_VALUE = 80;

  private final PlanPrinter printer;

  PlanMarkdown(PlanPrinter printer) {
    this.printer = printer;
  }

  /**
   * @param digest the plan's digest (names what a later provision --plan applies), or null
   * @param targets what the plan was narrowed to, empty for everything
   * @param pending the changes left out by the targets
   */
  String render(Plan plan, String digest, List<String> targets, List<PlannedChange> pending) {
    StringBuilder md = new StringBuilder();
    Map<Action, Integer> s = plan.summary();
    md.append("### Plan for ").append(esc(plan.scope().toString())).append(" (customer ")
        .append(esc(plan.scope().customer())).append(", ").append(esc(plan.provider())).append(" provider)\n\n");
    md.append("**").append(s.get(Action.CREATE)).append(" to create, ").append(s.get(Action.UPDATE))
        .append(" to update, ").append(s.get(Action.REPLACE)).append(" to replace, ").append(s.get(Action.DELETE))
        .append(" to delete, ").append(s.get(Action.NOOP)).append(" unchanged")
        .append(plan.notChecked().isEmpty() ? "" : ", " + plan.notChecked().size() + " not checked").append("**\n\n");
    if (digest != null) {
      md.append("Plan digest: <code>").append(esc(digest)).append("</code>\n\n");
    }
    if (!targets.isEmpty()) {
      md.append("Targets: ").append(String.join(", ", targets.stream().map(PlanMarkdown::esc).toList()))
          .append(" (and what they depend on)\n\n");
    }
    if (plan.offHours() != null) {
      md.append("Off-hours: ").append(esc(plan.offHours())).append("\n\n");
    }
    List<PlannedChange> changes = plan.effective();
    if (changes.isEmpty()) {
      md.append("No changes.\n");
    } else {
      md.append("| | Action | Resource | Attributes | Why |\n|---|---|---|---|---|\n");
      for (PlannedChange c : changes) {
        md.append("| ").append(c.action().symbol().trim()).append(" | ").append(c.action().word()).append(" | ")
            .append(esc(c.address())).append(" | ")
            .append(esc(String.join(", ", c.diff().stream().map(AttributeDiff::attribute).toList()))).append(" | ")
            .append(esc(c.reason())).append(" |\n");
      }
      for (PlannedChange c : changes) {
        if (!c.diff().isEmpty()) {
          md.append('\n').append(diff(c));
        }
      }
    }
    if (!plan.kept().isEmpty()) {
      md.append("\nKept:\n\n");
      plan.kept().forEach(k -> md.append("- ").append(esc(k.address())).append(": ").append(esc(k.reason())).append('\n'));
    }
    if (!plan.unchecked().isEmpty()) {
      md.append("\nNot checked:\n\n");
      plan.unchecked().forEach((k, why) -> md.append("- ").append(esc(k.yaml())).append(": ").append(esc(why))
          .append('\n'));
    }
    if (!pending.isEmpty()) {
      md.append("\n").append(pending.size()).append(" other change").append(pending.size() == 1 ? "" : "s")
          .append(" not targeted, left pending:\n\n");
      pending.forEach(p -> md.append("- ").append(p.action().word()).append(' ').append(esc(p.address())).append('\n'));
    }
    return md.toString();
  }

  /** The attributes of one change: a table, folded into a details block when long. */
  private String diff(PlannedChange c) {
    StringBuilder t = new StringBuilder("| Attribute | Live | Defined |\n|---|---|---|\n");
    boolean long_ = c.diff().size() > LONG_ROWS;
    for (AttributeDiff d : c.diff()) {
      String live = printer.show(d.actual());
      String defined = printer.follows(d) ? "follows the new " + String.join(", ", printer.renewedTargets(d.expected()))
          : printer.show(d.expected());
      long_ |= live.length() > LONG_VALUE || defined.length() > LONG_VALUE;
      String note = d.mode() == dev.baton.controller.definition.model.OnChange.REPLACE ? " (forces replacement)" : "";
      t.append("| ").append(esc(d.attribute())).append(esc(note)).append(" | ").append(esc(live)).append(" | ")
          .append(esc(defined)).append(" |\n");
    }
    String head = esc(c.action().word() + " " + c.address()) + ": " + c.diff().size() + " attribute"
        + (c.diff().size() == 1 ? "" : "s");
    return long_ ? "<details><summary>" + head + "</summary>\n\n" + t + "\n</details>\n" : "**" + head + "**\n\n" + t;
  }

  /**
   * Text safe in a Markdown table cell and in HTML: letters, digits and harmless punctuation as
   * they are, line breaks as {@code <br>}, everything else (pipes, backticks, HTML, Markdown
   * emphasis, anything outside ASCII) as a numeric character reference, which renders as the
   * character itself and means nothing to Markdown or HTML.
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int cp = cps[i];
      // an underscore inside a word (security_group) is no emphasis in GitHub Markdown: kept readable
      boolean inWord = cp == '_' && i > 0 && i < cps.length - 1 && ascii(cps[i - 1]) && ascii(cps[i + 1]);
      if (cp < 128 && (Character.isLetterOrDigit(cp) || " .,:;/=+-@%{}()?'\"$^".indexOf(cp) >= 0) || inWord) {
        out.appendCodePoint(cp);
      } else if (cp == '\n') {
        out.append("<br>");
      } else if (cp == '\r') {
        // dropped: \r\n is one line break
      } else if (cp < 0x20 || cp == 0x7f) {
        out.append("&#xFFFD;"); // a control character: shown as the replacement character
      } else {
        out.append("&#").append(cp).append(';');
      }
    }
    return out.toString();
  }

  private static boolean ascii(int cp) {
    return cp < 128 && Character.isLetterOrDigit(cp);
  }
}
