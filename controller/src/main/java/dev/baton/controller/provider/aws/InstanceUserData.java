package dev.baton.controller.provider.aws;

import dev.baton.controller.definition.Scope;
import java.io.IOException;

/** The user data a new instance boots with (the agent's start-up and a join token). */
@FunctionalInterface
public interface InstanceUserData {
  byte[] userData(Scope scope, String uuid) throws IOException;

  /** The user data of a group's launch template: the group's token, for every instance it launches. */
  default byte[] groupUserData(Scope scope, String groupUuid) throws IOException {
    return userData(scope, groupUuid);
  }
}
