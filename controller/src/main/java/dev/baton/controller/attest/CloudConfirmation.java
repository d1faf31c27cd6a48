package dev.baton.controller.attest;

import io.vertx.core.Future;

/** The check every attestor ends with: the cloud has the instance, running, carrying the token's UUID; its facts. */
final class CloudConfirmation {
  private CloudConfirmation() {}

  static Future<InstanceFacts> confirm(InstanceDirectory directory, String instanceId, TokenStore.Token token) {
    return directory.describe(instanceId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new Refused("unknown_instance", "the cloud has no instance " + instanceId));
      }
      InstanceFacts f = found.get();
      if (!f.running()) {
        return Future.failedFuture(new Refused("instance_not_running", "instance " + instanceId + " is " + f.state()));
      }
      if (token.group()) {
        return directory.groupOf(f).compose(group -> {
          if (group.isEmpty() || !token.uuid().equals(group.get())
              || !token.platform().equals(f.tags().get("baton:platform"))) {
            return Future.failedFuture(new Refused("instance_outside_group", "instance " + instanceId
                + " is not an instance of group " + token.name() + (group.isEmpty() ? " (it is in no group)" : "")));
          }
          return Future.succeededFuture(f);
        });
      }
      if (!token.uuid().equals(f.uuid()) || !token.platform().equals(f.tags().get("baton:platform"))) {
        return Future.failedFuture(new Refused("token_of_another_instance", "instance " + instanceId
            + " is not the resource the token was issued for (" + token.name() + ")"));
      }
      return Future.succeededFuture(f);
    });
  }
}
