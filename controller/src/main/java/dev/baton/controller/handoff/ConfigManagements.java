package dev.baton.controller.handoff;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * The configuration managers this controller offers, found with {@link ServiceLoader} (each is
 * listed in {@code META-INF/services/dev.baton.controller.handoff.ConfigManagement$Factory}), and
 * what the controller asks of all of them: to forget a node gone for good, and their periodic care.
 */
public final class ConfigManagements {
  private static final Logger LOG = Logger.getLogger("baton.handoff");
  private final List<ConfigManagement> all;

  public ConfigManagements(List<ConfigManagement> all) {
    this.all = List.copyOf(all);
  }

  /** Every configuration manager on the class path, made for {@code context}. */
  public static ConfigManagements load(ConfigManagement.Context context) {
    List<ConfigManagement> found = new ArrayList<>();
    for (ConfigManagement.Factory f : ServiceLoader.load(ConfigManagement.Factory.class,
        ConfigManagements.class.getClassLoader())) {
      found.add(f.create(context));
    }
    return new ConfigManagements(found);
  }

  public List<ConfigManagement> all() {
    return all;
  }

  /** The configuration manager of a type, if this controller has it. */
  public <T extends ConfigManagement> Optional<T> find(Class<T> type) {
    return all.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** A node is gone for good: each manager removes what it keeps of it (blocking; one's failure stops no other). */
  public void forget(String nodeId) {
    for (ConfigManagement cm : all) {
      try {
        cm.forget(nodeId);
      } catch (RuntimeException e) {
        LOG.warning(() -> cm.kind() + ": could not forget node " + nodeId + ": " + e.getMessage());
      }
    }
  }

  /** Each manager's periodic care (blocking; one's failure stops no other). */
  public void upkeep(boolean leader) {
    for (ConfigManagement cm : all) {
      try {
        cm.upkeep(leader);
      } catch (RuntimeException e) {
        LOG.warning(() -> cm.kind() + ": upkeep failed: " + e.getMessage());
      }
    }
  }
}
