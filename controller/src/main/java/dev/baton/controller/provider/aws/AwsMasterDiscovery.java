package dev.baton.controller.provider.aws;

import dev.baton.controller.handoff.puppet.PuppetMasters;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Puppet masters found on EC2 by their tags: one filtered, paginated {@code DescribeInstances} of
 * the running instances carrying every tag of the discovery. A master is named by its
 * {@code Name} tag (else its instance ID), reached at its private DNS name (else address).
 */
public final class AwsMasterDiscovery implements PuppetMasters.Discoverer, AutoCloseable {
  private final Map<String, Ec2Client> clients = new ConcurrentHashMap<>();

  @Override
  public List<PuppetMasters.Found> find(PuppetMasters.Discovery d) {
    Ec2Client ec2 = clients.computeIfAbsent(d.region() + " " + d.endpointUrl(), k -> {
      var b = Ec2Client.builder().region(Region.of(d.region()));
      if (d.endpointUrl() != null) {
        b.endpointOverride(URI.create(d.endpointUrl()));
      }
      return b.build();
    });
    List<Filter> filters = new ArrayList<>();
    d.tags().forEach((k, v) -> filters.add(Filter.builder().name("tag:" + k).values(v).build()));
    filters.add(Filter.builder().name("instance-state-name").values("running").build());
    List<PuppetMasters.Found> out = new ArrayList<>();
    for (var r : Ec2Kinds.call("DescribeInstances", () -> ec2.describeInstancesPaginator(b -> b.filters(filters)))
        .reservations()) {
      for (Instance i : r.instances()) {
        String name = i.tags().stream().filter(t -> t.key().equals("Name")).map(t -> t.value().toLowerCase(java.util.Locale.ROOT))
            .filter(n -> n.matches("[a-z0-9][a-z0-9.-]{0,62}")).findFirst().orElse(i.instanceId());
        String host = i.privateDnsName() != null && !i.privateDnsName().isBlank() ? i.privateDnsName() : i.privateIpAddress();
        out.add(new PuppetMasters.Found(name, host, i.privateIpAddress(), d.region(),
            i.placement() == null ? null : i.placement().availabilityZone()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    clients.values().forEach(Ec2Client::close);
  }
}
