package dev.baton.agent.deploy;

import dev.baton.common.msg.NodeCommand;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where an application's releases live on the node, from the command's {@code path}: absolute,
 * or relative to the agent's directory; {@code {name}} stands for the application's name. The
 * command came over the network, so a path that climbs ({@code ..}) or would put releases over
 * the agent's own files or the file system's root is refused, never normalised into something else.
 */
final class ApplicationRoot {
  /** The default of the application kind's {@code path}. */
  static final String DEFAULT_PATH = "apps/{name}";
  /** An application's name: it goes into a path and into the hooks' environment. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private ApplicationRoot() {}

  /** A command the agent refuses before anything changes (exit code 2). */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  static Path resolve(Path agentDir, NodeCommand.Application app) throws Refused {
    String name = app.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new Refused("deploy: refused application name " + (name == null ? "(none)" : "\"" + shorten(name) + "\"")
          + " (letters, digits, '.', '-', '_')");
    }
    String raw = app.path() == null || app.path().isBlank() ? DEFAULT_PATH : app.path();
    String path = raw.replace("{name}", name);
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      throw new Refused("deploy: " + name + ": path \"" + shorten(raw) + "\" is not a path");
    }
    for (Path part : p) {
      if (part.toString().equals("..")) {
        throw new Refused("deploy: " + name + ": path \"" + shorten(raw) + "\" has '..'; give the directory itself");
      }
    }
    Path base = agentDir.toAbsolutePath().normalize();
    Path root = (p.isAbsolute() ? p : base.resolve(p)).normalize();
    if (!p.isAbsolute() && !root.startsWith(base)) {
      throw new Refused("deploy: " + name + ": path \"" + shorten(raw) + "\" leaves the agent's directory");
    }
    if (root.equals(base) || root.getParent() == null) {
      throw new Refused("deploy: " + name + ": path \"" + shorten(raw) + "\" is " + (root.getParent() == null
          ? "the file system's root" : "the agent's own directory") + "; give the application a directory of its own");
    }
    return root;
  }

  private static String shorten(String s) {
    String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }
}
