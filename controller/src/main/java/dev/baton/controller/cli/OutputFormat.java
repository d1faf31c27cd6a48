package dev.baton.controller.cli;

/** How a command prints its result. */
enum OutputFormat {
  TEXT, JSON,
  /** For a pull-request comment: plan only ({@link PlatformCommand#markdown()}). */
  MARKDOWN
}
