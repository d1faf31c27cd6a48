package dev.baton.controller.provider.local;

import dev.baton.controller.provider.Scope;
import java.io.IOException;

/**
 * What the local provider needs from a controller to launch an instance: the user data a real
 * instance would get (with a join token bound to the new instance), and to hear when one ends.
 */
public interface NodeLauncher {
  /** The {@code #cloud-config} part of the instance's user data. Blocking. */
  String userData(Scope scope, String uuid, String instanceId, String imageFamily) throws IOException;

  /**
   * The whole user data of a cloud instance (MIME multipart, gzipped when needed), with a join
   * token the controller binds to the instance once the cloud confirms it. Blocking.
   */
  default byte[] cloudUserData(Scope scope, String uuid, String imageFamily) throws IOException {
    throw new UnsupportedOperationException("this launcher makes local instances only");
  }

  /** The whole user data of a cloud group's launch template, with the group's token. Blocking. */
  default byte[] cloudGroupUserData(Scope scope, String groupUuid, String imageFamily) throws IOException {
    throw new UnsupportedOperationException("this launcher makes local instances only");
  }

  /**
   * The {@code #cloud-config} of a group's launch template: the group's token, which every
   * instance the group launches registers with. Blocking.
   */
  default String groupUserData(Scope scope, String groupUuid, String imageFamily) throws IOException {
    throw new UnsupportedOperationException("this launcher makes single instances only");
  }

  /** Tells the controller the instance is gone. Blocking; best effort. */
  void terminated(String instanceId);
}
