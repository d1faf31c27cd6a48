package dev.baton.controller.provider.local;

import static dev.baton.controller.provider.local.LocalCloudProvider.GROUP;

import dev.baton.controller.definition.model.ResourceKind;
import dev.baton.controller.provider.CloudId;
import dev.baton.controller.provider.LiveResource;
import dev.baton.controller.definition.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The A records of a group's nodes in the local cloud: a DNS record of the node's own
 * ({@code rrset-INSTANCE}), tagged {@code baton:node} with its instance, so that only the node's
 * record is ever removed in its name.
 */
final class LocalNodeRecords {
  private final LocalStore store;

  LocalNodeRecords(LocalStore store) {
    this.store = store;
  }

  void upsert(Scope scope, String zone, String name, String address, String instanceId) throws IOException {
    Map<String, String> tags = new LinkedHashMap<>(scope.tags());
    tags.put(GROUP, "node"); // not a resource of the platform: plans never list it
    tags.put("baton:node", instanceId);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("zone", zone);
    a.put("record", name);
    a.put("type", "A");
    a.put("ttl", 60);
    a.put("values", List.of(address));
    synchronized (store.writeLock) {
      store.write(new LiveResource(ResourceKind.DNS_RECORD, null, new CloudId("rrset-" + instanceId), a, tags, ""));
    }
  }

  void delete(String name, String instanceId) throws IOException {
    synchronized (store.writeLock) {
      LiveResource r = store.read(ResourceKind.DNS_RECORD, "rrset-" + instanceId);
      if (r != null && instanceId.equals(r.tags().get("baton:node")) && name.equals(r.attributes().get("record"))) {
        Files.deleteIfExists(store.file(ResourceKind.DNS_RECORD, "rrset-" + instanceId));
      }
    }
  }
}
