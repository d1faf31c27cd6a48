package dev.baton.controller.cli;

/** How a command prints its result. */
enum OutputFormat {
  TEXT, JSON
}
