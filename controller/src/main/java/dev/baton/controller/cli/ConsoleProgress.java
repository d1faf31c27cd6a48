package dev.baton.controller.cli;

import dev.baton.controller.plan.Engine;
import dev.baton.controller.plan.PlannedChange;

/**
 * Progress of an apply on standard error: one line per resource as it finishes, with its
 * elapsed time; on a terminal also a bar that is redrawn in place.
 */
final class ConsoleProgress implements Engine.Listener {
  private final Terminal t;
  private final int total;
  private final boolean debug;
  private int done;
  private int failed;
  private int running;
  private boolean barShown;

  ConsoleProgress(Terminal t, int total, boolean debug) {
    this.t = t;
    this.total = total;
    this.debug = debug;
  }

  @Override
  public synchronized void started(PlannedChange c, String step) {
    running++;
    if (debug) {
      line("  ... " + step + " " + c.address());
    }
    bar();
  }

  @Override
  public synchronized void retrying(PlannedChange c, int attempt, Throwable why) {
    if (debug || attempt >= 3) {
      line("  ... " + c.address() + ": retry " + attempt + " after: " + why.getMessage());
    }
  }

  @Override
  public synchronized void finished(Engine.Outcome o) {
    if (o.status() != Engine.Status.SKIPPED) {
      running = Math.max(0, running - 1);
    }
    done++;
    String time = PlanPrinter.duration(o.millis());
    String head = "  " + o.change().action().symbol() + " " + o.change().action().word() + " " + o.change().address();
    switch (o.status()) {
      case DONE -> line(head + " " + t.green("done") + " (" + time + ")");
      case FAILED -> {
        failed++;
        String where = o.change().resource() != null ? " [" + o.change().resource().pos().file() + ":"
            + o.change().resource().pos().line() + "]" : "";
        line(head + " " + t.red("FAILED") + " (" + time + "): " + o.message() + where);
      }
      case SKIPPED -> line(head + " " + t.yellow("skipped") + ": " + o.message());
    }
    bar();
  }

  synchronized void end() {
    if (barShown) {
      t.err().print("\r\u001b[2K");
      t.err().flush();
      barShown = false;
    }
  }

  private void line(String s) {
    if (barShown) {
      t.err().print("\r\u001b[2K");
    }
    t.err().println(s);
    barShown = false;
  }

  private void bar() {
    if (!t.interactive()) {
      return;
    }
    int width = 30;
    int filled = total == 0 ? width : Math.min(width, done * width / total);
    t.err().print("\r\u001b[2K[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + done + "/" + total
        + (running > 0 ? ", " + running + " in progress" : "") + (failed > 0 ? ", " + failed + " failed" : ""));
    t.err().flush();
    barShown = true;
  }
}
