package dev.baton.controller.serve;

import dev.baton.common.error.BatonException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where the controller's HTTP API listens, and the names its TLS certificate gives it. Loopback
 * keeps plain HTTP (only this host's users reach it, and they hold the operator token file
 * anyway); any other address, the wildcard included, is served over TLS only: the operator token
 * rides in every request and must never cross a network in the clear.
 *
 * @param host the address bound (127.0.0.1 by default)
 * @param names host names and addresses operators reach the API by, named in its certificate
 */
public record ApiBinding(String host, List<String> names) {
  public static final ApiBinding LOOPBACK = new ApiBinding("127.0.0.1", List.of());

  public ApiBinding {
    names = List.copyOf(names);
    if (host == null || host.isBlank()) {
      throw BatonException.invalid("--api-bind needs an address (127.0.0.1, 0.0.0.0 or one of this host's)");
    }
  }

  /** True unless the address is loopback: everything but loopback is served over TLS. */
  public boolean tls() {
    try {
      return !InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw BatonException.invalid("--api-bind " + host + ": not an address of this host (" + e.getMessage() + ")");
    }
  }

  public String scheme() {
    return tls() ? "https" : "http";
  }

  /** What {@code controller.json} says of the API (besides its port), for the CLI on this host. */
  public io.vertx.core.json.JsonObject runtime() {
    return new io.vertx.core.json.JsonObject().put("api_host", localHost()).put("api_scheme", scheme())
        .put("api_bind", host).put("api_names", new io.vertx.core.json.JsonArray(names));
  }

  /** The address a client on this host connects to: the wildcard is reached on loopback. */
  public String localHost() {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
  }
}
