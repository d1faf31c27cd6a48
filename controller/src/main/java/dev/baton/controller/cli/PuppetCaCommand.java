package dev.baton.controller.cli;

import dev.baton.common.error.BatonException;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.serve.ControllerClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code controller puppet-ca master NAME}: a master's certificate from the controller's embedded Puppet CA. */
@Command(name = "puppet-ca", mixinStandardHelpOptions = true,
    description = {"The controller's embedded Puppet CA (docs/puppet.md, \"ca: embedded\").",
        "  master NAME   issue a Puppet master's server certificate and key, and write them with the CA",
        "                certificate and CRL to --out, to set the master up to trust this CA"},
    footer = {"", "Exit codes: 0 written, 1 refused or no controller running, 64 wrong usage."})
final class PuppetCaCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Parameters(index = "0", paramLabel = "ACTION", description = "master")
  String action;

  @Parameters(index = "1", paramLabel = "NAME", description = "The master's certname (also a DNS name of its certificate).")
  String name;

  @Option(names = "--alt", paramLabel = "NAME", description = "Another DNS name or IP address of the master; repeat.")
  List<String> alt = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where to write NAME.pem, NAME.key.pem (owner-only), ca.pem and crl.pem.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!action.equals("master")) {
      throw BatonException.invalid("puppet-ca: unknown action \"" + action + "\"; the action is: master");
    }
    if (!name.matches("[a-z0-9][a-z0-9.-]{0,252}")) {
      throw BatonException.invalid("puppet-ca: \"" + name + "\" is not a certname (lowercase letters, digits, '.', '-')");
    }
    ControllerClient c = main.access().require();
    List<String> names = new ArrayList<>(List.of(name));
    names.addAll(alt);
    JsonObject issued = c.post("/api/v1/puppet/masters", new JsonObject().put("name", name).put("names", new JsonArray(names)));
    Files.createDirectories(out);
    AtomicFiles.write(out.resolve(name + ".key.pem"), issued.getString("key_pem"), true);
    AtomicFiles.write(out.resolve(name + ".pem"), issued.getString("cert_pem"), false);
    AtomicFiles.write(out.resolve("ca.pem"), issued.getString("ca_pem"), false);
    AtomicFiles.write(out.resolve("crl.pem"), issued.getString("crl_pem"), false);
    Terminal t = main.terminal;
    t.out().println("Wrote " + out.resolve(name + ".pem") + ", " + name + ".key.pem, ca.pem and crl.pem.");
    t.out().println("On the master: disable Puppet's CA service (services.d/ca.cfg), point webserver.conf's ssl-cert,"
        + " ssl-key, ssl-ca-cert and ssl-crl-path at these files, and list the master in puppet-masters.yaml with"
        + " \"ca: embedded\" (and crl_file, where the controller keeps the CRL current).");
    return ExitCodes.OK;
  }
}
