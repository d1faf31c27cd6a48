package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.NodeCommand;
import dev.baton.controller.handoff.Handoff;
import dev.baton.controller.handoff.StepFailure;
import io.vertx.core.Future;
import java.util.List;
import java.util.logging.Logger;

/**
 * The SIGN step: the node's certificate request is signed only if its name, instance ID, UUID and
 * nonce are this node's and this hand-off's (see {@link PuppetCa.Expected}); anything else is
 * refused and left unsigned. With the embedded CA the request comes over the bridge and the
 * certificate goes back the same way; with a master's own CA the node files it there.
 */
final class PuppetSigning {
  static final String STEP = "SIGN";
  private static final Logger LOG = Logger.getLogger("baton.puppet");

  private final EmbeddedPuppetCa embedded;

  PuppetSigning(EmbeddedPuppetCa embedded) {
    this.embedded = embedded;
  }

  /** @param master the node's master as it is now (it may leave the masters file while the node files its request) */
  Future<Void> sign(Handoff h, java.util.function.Supplier<PuppetMasters.Master> master, String certname) {
    PuppetMasters.Master chosen;
    try {
      chosen = master.get();
    } catch (BatonException e) {
      return Future.failedFuture(e);
    }
    return (chosen.embedded() ? signEmbedded(h, certname) : signThroughCa(h, master, certname)).recover(err ->
        Future.failedFuture(err instanceof BatonException b && b.code() == ErrorCode.PERMISSION_DENIED
            ? new StepFailure(ErrorCode.PERMISSION_DENIED, STEP, "SIGN refused: "
                + err.getMessage().replaceFirst("^puppet: ", ""), StepFailure.NO_EXIT)
            : err));
  }

  private Future<Void> signEmbedded(Handoff h, String certname) {
    return h.request(new NodeCommand.PuppetCsr(STEP)).compose(res -> {
      if (!res.ok() || res.csrPem() == null) {
        return Future.failedFuture(new BatonException(ErrorCode.UNAVAILABLE, "the node could not make its request:"
            + lastLine(res.output())));
      }
      return h.vertx().executeBlocking(() -> {
        String cert = embedded.sign(res.csrPem(), new PuppetCa.Expected(certname, h.node().id(), h.node().uuid(),
            h.state().getString("nonce")));
        LOG.info(() -> "puppet: the embedded CA signed " + certname + " for instance " + h.node().id());
        return cert;
      }, false);
    }).compose(cert -> h.request(new NodeCommand.PuppetInstall(STEP, cert))).compose(res -> exit0(STEP, res));
  }

  private Future<Void> signThroughCa(Handoff h, java.util.function.Supplier<PuppetMasters.Master> master,
      String certname) {
    return h.request(new NodeCommand.PuppetSubmit(STEP, 300)).compose(res -> {
      if (!res.ok()) {
        return Future.failedFuture(new BatonException(ErrorCode.UNAVAILABLE, "the node could not file its request:"
            + lastLine(res.output())));
      }
      return h.vertx().<Void>executeBlocking(() -> {
        PuppetMasters.Master m = master.get();
        if (m.ca().state(certname).isEmpty()) {
          List<String> waiting = m.ca().requested().stream().map(r -> r.getString("name")).toList();
          throw BatonException.denied("no certificate request was filed under " + certname + " on " + m.name()
              + " (requests waiting there: " + (waiting.isEmpty() ? "none" : String.join(", ", waiting)) + ")");
        }
        m.ca().signAttested(new PuppetCa.Expected(certname, h.node().id(), h.node().uuid(), h.state().getString("nonce")));
        LOG.info(() -> "puppet: signed " + certname + " on " + m.name() + " for instance " + h.node().id());
        return null;
      }, false);
    });
  }

  /** A Puppet operation of the agent that must answer 0. */
  static Future<Void> exit0(String step, CommandResult res) {
    if (res.ok()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(StepFailure.exited(step, step + ": the agent answered: " + lastLine(res.output()),
        res.exitCode()));
  }

  static String lastLine(String out) {
    return out.isBlank() ? " (no output)" : " " + out.lines().reduce((a, b) -> b).orElse("").strip();
  }
}
