package dev.baton.controller.intent;

import java.util.List;

/**
 * What {@code provision} tells the controller one node (an instance) or every node of a group is
 * to become, before any registers: so that the controller can name, attest and hand off a node
 * that registers at any hour. Built from the definitions by {@link Intents}; one JSON form
 * ({@link IntentCodec}) on the API and in the controller's store.
 *
 * @param uuid the resource's UUID (its {@code baton:uuid} tag)
 * @param name the resource's name: the node's name (an instance), the group's (a group)
 * @param kind instance or group
 * @param region the platform's region
 * @param imageFamily the image's family (what cloud-init installs with), {@code debian} when the definitions name none
 * @param image the machine image (a local machine, e.g. {@code debian-12}), or null
 * @param packages extra packages cloud-init installs
 * @param handoff how the node is handed off
 * @param certname the node's certname (an instance; a group's nodes get theirs from {@link GroupIntent#certnamePattern})
 * @param zone the node's availability zone (an instance), or null
 * @param group what a group's nodes share, or null for an instance
 * @param cloud how to reach the node's cloud (AWS), or null for the local cloud
 * @param endpoints where the platform's cloud nodes reach the controller (empty: where it listens)
 */
public record NodeIntent(String uuid, String name, Kind kind, String region, String imageFamily, String image,
    List<String> packages, HandoffIntent handoff, String certname, String zone, GroupIntent group, CloudIntent cloud,
    List<String> endpoints) {

  public static final String DEFAULT_IMAGE_FAMILY = "debian";

  /** What the intent describes; {@link #wire} is its name in the definitions and on the wire. */
  public enum Kind {
    INSTANCE("instance"), AUTOSCALING_GROUP("autoscaling_group");

    public final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public static Kind of(String wire) {
      for (Kind k : values()) {
        if (k.wire.equals(wire)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown node kind " + wire + " (instance or autoscaling_group)");
    }
  }

  public NodeIntent {
    packages = packages == null ? List.of() : List.copyOf(packages);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    imageFamily = imageFamily == null ? DEFAULT_IMAGE_FAMILY : imageFamily;
    handoff = handoff == null ? HandoffIntent.NONE : handoff;
    if (kind == Kind.AUTOSCALING_GROUP && group == null) {
      throw new IllegalArgumentException("the intent of group " + name + " has no group settings");
    }
  }

  /** The intent of a node the controller knows nothing of: it is handed off to no tool. */
  public static NodeIntent unknown(String uuid) {
    return new NodeIntent(uuid, uuid, Kind.INSTANCE, null, null, null, List.of(), HandoffIntent.NONE, null, null, null,
        null, List.of());
  }

  public boolean isGroup() {
    return kind == Kind.AUTOSCALING_GROUP;
  }

  /** The same intent told how to reach its cloud and where its nodes reach the controller. */
  public NodeIntent placed(CloudIntent c, List<String> e) {
    return new NodeIntent(uuid, name, kind, region, imageFamily, image, packages, handoff, certname, zone, group, c, e);
  }
}
