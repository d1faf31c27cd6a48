package dev.baton.controller.intent;

import java.util.List;

/**
 * How a node is handed off: the configuration manager's name in the definitions
 * ({@code puppet}, {@code shell}, {@code none}, or a plugin's) and its settings.
 */
public record HandoffIntent(String configManagement, Shell shell, Puppet puppet) {
  public static final HandoffIntent NONE = new HandoffIntent("none", null, null);

  public HandoffIntent {
    configManagement = configManagement == null ? "none" : configManagement;
  }

  /** {@code shell}: a bootstrap and a final command (either may be absent), each given {@code timeoutSeconds}. */
  public record Shell(String bootstrap, String final_, int timeoutSeconds) {
    public static final int DEFAULT_TIMEOUT_SECONDS = 600;
  }

  /**
   * {@code puppet}: the node's role ({@code pp_role}), classes, and the environments of its runs. The
   * defaults here are the definitions' ({@code PuppetSpec}; a test holds them equal).
   *
   * @param bootstrapEnvironment blank: no bootstrap run
   */
  public record Puppet(String role, String environment, String bootstrapEnvironment, List<String> classes) {
    public static final String DEFAULT_ENVIRONMENT = "production";
    public static final String DEFAULT_BOOTSTRAP_ENVIRONMENT = "bootstrap";

    public Puppet {
      environment = environment == null ? DEFAULT_ENVIRONMENT : environment;
      bootstrapEnvironment = bootstrapEnvironment == null ? DEFAULT_BOOTSTRAP_ENVIRONMENT : bootstrapEnvironment;
      classes = classes == null ? List.of() : List.copyOf(classes);
    }

    /** True when the node has a bootstrap run before its final one. */
    public boolean bootstraps() {
      return !bootstrapEnvironment.isBlank();
    }
  }

  public Shell shellOrEmpty() {
    return shell != null ? shell : new Shell(null, null, Shell.DEFAULT_TIMEOUT_SECONDS);
  }

  public Puppet puppetOrDefaults() {
    return puppet != null ? puppet : new Puppet(null, null, null, List.of());
  }
}
