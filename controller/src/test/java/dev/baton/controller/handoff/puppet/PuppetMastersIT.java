package dev.baton.controller.handoff.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.common.error.BatonException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The masters file (errors with file, line and column; reloaded without a restart) and the choice of a master. */
class PuppetMastersIT {
  @TempDir
  Path dir;

  static PuppetMasters.Master master(String name, String region, String zone) {
    return new PuppetMasters.Master(name, URI.create("https://" + name + ":8140"), region, zone, null, "", null);
  }

  @Test
  void theNodesZoneFirstThenItsRegionThenAnyTheLeastLoadedFirst() {
    Set<String> down = new HashSet<>();
    Map<String, Integer> load = new HashMap<>();
    PuppetMasters ms = new PuppetMasters(List.of(master("eu-a1", "eu-west-1", "eu-west-1a"),
        master("eu-a2", "eu-west-1", "eu-west-1a"), master("eu-b1", "eu-west-1", "eu-west-1b"),
        master("us-a1", "us-east-1", "us-east-1a")), m -> !down.contains(m.name()));
    java.util.function.ToIntFunction<String> l = n -> load.getOrDefault(n, 0);

    assertEquals("eu-a1", ms.choose("eu-west-1", "eu-west-1a", Set.of(), l).orElseThrow().name(), "zone, then by name");
    load.put("eu-a1", 3);
    assertEquals("eu-a2", ms.choose("eu-west-1", "eu-west-1a", Set.of(), l).orElseThrow().name(), "the least loaded");
    load.put("eu-a2", 2);
    assertEquals("eu-b1", ms.choose("eu-west-1", "eu-west-1c", Set.of(), l).orElseThrow().name(),
        "no master in the zone: the region's least loaded");
    load.remove("eu-a2");
    assertEquals("us-a1", ms.choose("us-east-1", "us-east-1a", Set.of(), l).orElseThrow().name());
    assertEquals("eu-a2", ms.choose("ap-south-1", null, Set.of(), l).orElseThrow().name(), "no master in the region: any");
    assertEquals("eu-b1", ms.choose("eu-west-1", "eu-west-1a", Set.of("eu-a1", "eu-a2"), l).orElseThrow().name(),
        "masters to avoid (lost during this hand-off) are passed over");

    down.add("eu-a2");
    down.add("eu-a1");
    ms.checkAll();
    assertEquals("eu-b1", ms.choose("eu-west-1", "eu-west-1a", Set.of(), l).orElseThrow().name(), "unhealthy ones are not chosen");
    assertTrue(ms.health("eu-a1").map(h -> !h.healthy()).orElse(false));
    down.addAll(List.of("eu-b1", "us-a1"));
    ms.checkAll();
    assertEquals(Optional.empty(), ms.choose("eu-west-1", "eu-west-1a", Set.of(), l));
    down.clear();
    ms.checkAll();
    assertEquals("eu-a2", ms.choose("eu-west-1", "eu-west-1a", Set.of(), l).orElseThrow().name(), "back when healthy again");
  }

  String pems() throws Exception {
    CertificateAuthority ca = CertificateAuthority.openOrCreate(dir.resolve("ca"), "test CA");
    var kp = Keys.ec();
    var cert = ca.issueClient(kp.getPublic(), "baton-controller", Duration.ofDays(1), Map.of());
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Files.writeString(dir.resolve("client.pem"), Pem.encode(cert));
    Files.writeString(dir.resolve("client.key"), Pem.encode(kp.getPrivate()));
    return "    ca_cert: ca.pem\n    client_cert: client.pem\n    client_key: client.key\n";
  }

  @Test
  void addingOrRemovingAMasterTakesEffectWithoutARestartAndABadEditChangesNothing() throws Exception {
    String pems = pems();
    Path file = dir.resolve("puppet-masters.yaml");
    PuppetMasters ms = new PuppetMasters(file);
    assertEquals(List.of(), ms.all(), "no file: no masters");

    Files.writeString(file, "masters:\n  - name: puppet-a\n    url: https://puppet-a.example.net\n    zone: z-a\n" + pems);
    ms.reload();
    assertEquals(List.of("puppet-a"), ms.all().stream().map(PuppetMasters.Master::name).toList());
    assertEquals(8140, ms.all().get(0).port(), "Puppet's port by default");

    Files.writeString(file, Files.readString(file) + "  - name: puppet-b\n    url: https://10.0.0.9:8141\n    address: 10.0.0.9\n" + pems);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(2)));
    ms.reload();
    assertEquals(List.of("puppet-a", "puppet-b"), ms.all().stream().map(PuppetMasters.Master::name).toList());

    Files.writeString(file, "masters:\n  - name: puppet-a\n    url: http://puppet-a.example.net\n" + pems);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(4)));
    ms.reload();
    assertEquals(2, ms.all().size(), "a file with errors is not used");
    assertTrue(ms.loadError().contains("puppet-masters.yaml:3:10: error: url must be https://HOST[:PORT]"), ms.loadError());

    Files.delete(file);
    ms.reload();
    assertEquals(List.of(), ms.all(), "removed: no masters");
  }

  @Test
  void everyErrorOfTheFileNamesItsLine() throws Exception {
    String pems = pems();
    Path file = dir.resolve("puppet-masters.yaml");
    Files.writeString(file, """
        masters:
          - name: puppet-a
            url: https://puppet-a.example.net
            colour: blue
        %s  - name: puppet-a
            url: https://puppet-b.example.net
        %s  - name: Puppet_C
            url: https://puppet-c.example.net
            address: not-an-ip
            ca_cert: missing.pem
            client_cert: client.pem
            client_key: client.key
          - url: https://puppet-d.example.net
        """.formatted(pems, pems));
    BatonException e = assertThrows(BatonException.class, () -> new PuppetMasters(file));
    String f = file.toString();
    assertEquals(String.join("\n",
        f + ":4:5: error: unknown key \"colour\"; a master has [address, ca, ca_cert, client_cert, client_key, crl_file, name, region, url, zone]",
        f + ":8:5: error: master \"puppet-a\" is listed twice (first at line 2)",
        f + ":13:11: error: a master's name is lowercase letters, digits, '.' and '-'",
        f + ":15:14: error: address must be an IP address (it is written to the node's /etc/hosts)",
        f + ":16:14: error: cannot read " + dir.resolve("missing.pem") + " (ca_cert): NoSuchFileException",
        f + ":19:5: error: a master needs \"ca_cert\"",
        f + ":19:5: error: a master needs \"client_cert\"",
        f + ":19:5: error: a master needs \"client_key\"",
        f + ":19:5: error: a master needs \"name\""), e.getMessage());
  }

  @Test
  void pathsInTheMastersFileStayBesideItUnlessAbsolute(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("puppet-masters.yaml");
    Files.writeString(file, """
        masters:
          - name: puppet-a
            url: https://puppet-a.example.net
            ca_cert: ../../../../etc/shadow
            client_cert: /etc/shadow-absolutely-not-here
            client_key: sub/../../client.key
        """);
    BatonException e = assertThrows(BatonException.class, () -> new PuppetMasters(file));
    String f = file.toString();
    assertEquals(String.join("\n",
        f + ":4:14: error: ca_cert \"../../../../etc/shadow\" leads out of " + dir + "; keep the file under " + dir
            + " or write its absolute path",
        f + ":5:18: error: cannot read /etc/shadow-absolutely-not-here (client_cert): NoSuchFileException",
        f + ":6:17: error: client_key \"sub/../../client.key\" leads out of " + dir + "; keep the file under " + dir
            + " or write its absolute path"), e.getMessage());
  }

  @Test
  void mastersAreDiscoveredOnAwsByTheirTags() throws Exception {
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer ec2 = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    ec2.createContext("/", ex -> {
      asked.add(java.net.URLDecoder.decode(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
          java.nio.charset.StandardCharsets.UTF_8));
      byte[] out = ("<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
          + "<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-0m1</instanceId>"
          + "<privateDnsName>ip-10-0-1-10.eu-west-1.compute.internal</privateDnsName><privateIpAddress>10.0.1.10"
          + "</privateIpAddress><placement><availabilityZone>eu-west-1a</availabilityZone></placement>"
          + "<instanceState><code>16</code><name>running</name></instanceState>"
          + "<tagSet><item><key>Name</key><value>Puppet-EU-1</value></item></tagSet></item></instancesSet></item>"
          + "</reservationSet></DescribeInstancesResponse>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    ec2.start();
    try (var discovery = new dev.baton.controller.provider.aws.AwsMasterDiscovery()) {
      String pems = pems();
      Path file = dir.resolve("puppet-masters.yaml");
      Files.writeString(file, "discover:\n  - provider: aws\n    region: eu-west-1\n    tags: {baton:role: puppet-master}\n"
          + "    endpoint_url: http://127.0.0.1:" + ec2.getAddress().getPort() + "\n" + pems.replace("    ", "    "));
      PuppetMasters ms = new PuppetMasters(file, null, discovery);
      assertEquals(1, ms.all().size());
      PuppetMasters.Master m = ms.all().get(0);
      assertEquals("puppet-eu-1", m.name());
      assertEquals(URI.create("https://ip-10-0-1-10.eu-west-1.compute.internal:8140"), m.url());
      assertEquals("eu-west-1a", m.zone());
      assertEquals("10.0.1.10", m.address(), "for the nodes' /etc/hosts");
      assertTrue(asked.get(0).contains("Action=DescribeInstances") && asked.get(0).contains("Filter.1.Name=tag:baton:role")
          && asked.get(0).contains("Filter.1.Value.1=puppet-master") && asked.get(0).contains("Filter.2.Value.1=running"),
          asked.get(0));
    } finally {
      ec2.stop(0);
    }
  }

  @Test
  void aRunSummaryInOneLine() {
    String yaml = """
        ---
        version:
          config: 1795314709
          puppet: 7.23.0
        resources:
          changed: 1
          failed: 1
          total: 9
        time:
          total: 1.53
        events:
          failure: 1
          success: 1
          total: 2
        """;
    assertEquals("resources: 9 total, 1 changed, 1 failed; events: 1 failure, 1 success; 1.5 s; catalog 1795314709",
        RunSummary.line(yaml));
    assertEquals("no run summary", RunSummary.line(null));
    assertEquals("; Error: /Stage[main]/Main/Node[default]/Exec[x]/returns: change from 'notrun' to ['0'] failed",
        PuppetManagement.firstError("Info: Using environment 'production'\n"
            + "\u001B[1;31mError: Facter: Permission denied @ rb_sysopen - /proc/1/environ\u001B[0m\n"
            + "Error: '/bin/false' returned 1 instead of one of [0]\n"
            + "Error: /Stage[main]/Main/Node[default]/Exec[x]/returns: change from 'notrun' to ['0'] failed\n"
            + "Notice: Applied catalog in 0.02 seconds"), "the error about a resource, not Facter's noise");
    assertEquals("; Error: Could not retrieve catalog from remote server",
        PuppetManagement.firstError("Error: Facter: noise\nError: Could not retrieve catalog from remote server\n"));
    assertEquals("unreadable run summary", RunSummary.line("[a, b"));
  }
}
