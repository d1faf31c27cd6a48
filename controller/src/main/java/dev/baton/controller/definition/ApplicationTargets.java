package dev.baton.controller.definition;

import dev.baton.controller.definition.model.ApplicationSpec;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.InstanceSpec;
import dev.baton.controller.definition.model.ResourceKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The groups and instances an application runs on: those it names, and those of the roles it
 * names (a group's {@code role}, an instance's Puppet role), each once and in definition order.
 */
public final class ApplicationTargets {
  private ApplicationTargets() {}

  public static List<Resource> of(Platform platform, ApplicationSpec a) {
    Set<Resource> out = new LinkedHashSet<>();
    for (String g : a.groups() == null ? List.<String>of() : a.groups()) {
      platform.find(ResourceKind.AUTOSCALING_GROUP, g).ifPresent(out::add);
    }
    for (String i : a.instances() == null ? List.<String>of() : a.instances()) {
      platform.find(ResourceKind.INSTANCE, i).ifPresent(out::add);
    }
    for (String role : a.roles() == null ? List.<String>of() : a.roles()) {
      out.addAll(ofRole(platform, role));
    }
    return new ArrayList<>(out);
  }

  static List<Resource> ofRole(Platform platform, String role) {
    List<Resource> out = new ArrayList<>();
    for (Resource r : platform.ofKind(ResourceKind.AUTOSCALING_GROUP)) {
      if (role.equals(r.spec(AutoscalingGroupSpec.class).role())) {
        out.add(r);
      }
    }
    for (Resource r : platform.ofKind(ResourceKind.INSTANCE)) {
      if (role.equals(puppetRole(r.spec(InstanceSpec.class)))) {
        out.add(r);
      }
    }
    return out;
  }

  static Set<String> roles(Platform platform) {
    Set<String> out = new TreeSet<>();
    platform.ofKind(ResourceKind.AUTOSCALING_GROUP).stream().map(r -> r.spec(AutoscalingGroupSpec.class).role())
        .filter(Objects::nonNull).forEach(out::add);
    platform.ofKind(ResourceKind.INSTANCE).stream().map(r -> puppetRole(r.spec(InstanceSpec.class)))
        .filter(Objects::nonNull).forEach(out::add);
    return out;
  }

  private static String puppetRole(InstanceSpec i) {
    return i.handoff() == null || i.handoff().puppet() == null ? null : i.handoff().puppet().role();
  }
}
