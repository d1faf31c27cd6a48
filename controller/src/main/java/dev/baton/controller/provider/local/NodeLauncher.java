package dev.baton.controller.provider.local;

import dev.baton.cloudinit.UserData;
import dev.baton.controller.definition.Scope;
import java.io.IOException;

/**
 * What a provider needs from a controller to launch nodes: the user data a new instance boots
 * with (the controller renders it from the node's intent, with a join token issued now), and to
 * hear when an instance ends. Every method may block.
 */
public interface NodeLauncher {
  /** The user data of a new local instance (a process or a machine): its token bound to {@code instanceId}. */
  UserData.Rendered userData(Scope scope, String uuid, String instanceId) throws IOException;

  /** The user data every instance of a local group boots with: the group's token. */
  default UserData.Rendered groupUserData(Scope scope, String groupUuid) throws IOException {
    throw new UnsupportedOperationException("this launcher makes single instances only");
  }

  /** The user data of a cloud instance (MIME multipart, gzipped when needed); the token is bound once the cloud confirms it. */
  default byte[] cloudUserData(Scope scope, String uuid) throws IOException {
    throw new UnsupportedOperationException("this launcher makes local instances only");
  }

  /** The user data of a cloud group's launch template, with the group's token. */
  default byte[] cloudGroupUserData(Scope scope, String groupUuid) throws IOException {
    throw new UnsupportedOperationException("this launcher makes local instances only");
  }

  /** Tells the controller the instance is gone. Best effort. */
  void terminated(String instanceId);

  /** Long work under way (making a machine image), in a sentence, for whoever waits. */
  default void progress(String message) {}
}
