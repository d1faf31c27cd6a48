package dev.baton.agent.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the agent points Puppet at a master: puppet.conf edited in place, attributes written, values checked. */
class PuppetDriverTest {
  @TempDir
  Path dir;

  @Test
  void onlyTheKeysBatonSetsChangeInPuppetConf() {
    String before = "# site settings\n[main]\nserver = old.example.net\nlogdest = syslog\n\n[agent]\nruninterval = 1h\n";
    Map<String, String> v = new LinkedHashMap<>();
    v.put("server", "puppet-a.example.net");
    v.put("certname", "web-1.example.net");
    assertEquals("# site settings\n[main]\nserver = puppet-a.example.net\nlogdest = syslog\n\ncertname = web-1.example.net\n"
        + "[agent]\nruninterval = 1h\n", PuppetDriver.setMain(before, v));
    assertEquals("[main]\nserver = puppet-a.example.net\ncertname = web-1.example.net\n", PuppetDriver.setMain("", v));
    assertEquals("[main]\nserver = puppet-a.example.net\ncertname = web-1.example.net\n[agent]\nsplay = true\n",
        PuppetDriver.setMain("[agent]\nsplay = true\n", v));
  }

  /** A stand-in for the {@code puppet} command that answers {@code config print} from the private confdir. */
  Path fakePuppet() throws Exception {
    Path bin = dir.resolve("puppet");
    Files.writeString(bin, "#!/bin/sh\n# config print SETTING --confdir DIR\n[ \"$1 $2\" = \"config print\" ] && echo \"$5/$3\"\n");
    bin.toFile().setExecutable(true);
    return bin;
  }

  @Test
  void configureWritesTheMasterTheAttributesTheCaAndTheHostsLine() throws Exception {
    Path conf = dir.resolve("conf");
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1\tlocalhost\n10.0.0.1\told-master\t# baton: puppet master\n");
    PuppetDriver d = new PuppetDriver(new PuppetDriver.Settings(fakePuppet().toString(), conf, hosts), new CommandRunner(dir), dir);
    var res = d.configure(dev.baton.common.msg.NodeCommand.PuppetConfigure.fromJson(new JsonObject().put("server", "puppet-a.internal").put("port", 8141)
        .put("certname", "web-1.demo.test").put("address", "10.0.0.9").put("ca_pem", "CA").put("crl_pem", "CRL")
        .put("challenge", "n0nce_-x").put("extensions", new JsonObject().put("pp_instance_id", "i-0abc").put("pp_uuid",
            "79387f81-7703-4453-bcb9-fd3e04c2cdb6"))));
    assertEquals(0, res.exitCode(), res.output());
    String puppetConf = Files.readString(conf.resolve("puppet.conf"));
    assertTrue(puppetConf.contains("server = puppet-a.internal\nserverport = 8141\ncertname = web-1.demo.test\n"), puppetConf);
    assertEquals("---\n# written by the Baton agent for this hand-off\ncustom_attributes:\n  1.2.840.113549.1.9.7: \"n0nce_-x\"\n"
        + "extension_requests:\n  pp_instance_id: \"i-0abc\"\n  pp_uuid: \"79387f81-7703-4453-bcb9-fd3e04c2cdb6\"\n",
        Files.readString(conf.resolve("csr_attributes.yaml")));
    assertEquals("CA", Files.readString(conf.resolve("ssldir/certs/ca.pem")));
    assertEquals("CRL", Files.readString(conf.resolve("ssldir/crl.pem")));
    assertEquals("127.0.0.1\tlocalhost\n10.0.0.9\tpuppet-a.internal\t# baton: puppet master\n", Files.readString(hosts),
        "one line for the master, replacing the one before");
  }

  @Test
  void valuesThatCouldEscapeTheirFileAreRefused() throws Exception {
    PuppetDriver d = new PuppetDriver(new PuppetDriver.Settings(fakePuppet().toString(), dir.resolve("conf"), null),
        new CommandRunner(dir), dir);
    JsonObject ok = new JsonObject().put("server", "puppet-a").put("certname", "web-1").put("ca_pem", "CA")
        .put("challenge", "abc").put("extensions", new JsonObject());
    for (JsonObject bad : new JsonObject[] {ok.copy().put("server", "x\n[main]\nserver=evil"),
        ok.copy().put("certname", "../../etc/passwd"), ok.copy().put("challenge", "a\"\nextension_requests: {}"),
        ok.copy().put("extensions", new JsonObject().put("pp_role", "web\nfoo: bar"))}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.configure(
          dev.baton.common.msg.NodeCommand.PuppetConfigure.fromJson(bad)), bad.encode());
      assertTrue(e.getMessage().startsWith("puppet: refused"), e.getMessage());
    }
  }
}
