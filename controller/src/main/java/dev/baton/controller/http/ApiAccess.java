package dev.baton.controller.http;

import dev.baton.controller.access.Operator;
import dev.baton.controller.access.OperatorTokens;
import dev.baton.controller.access.Role;
import dev.baton.controller.security.Refusals;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * Who may do what through the API. {@link #authenticate} finds the operator of the request's
 * bearer token (401 otherwise); {@link #authorize} then refuses (403, logged and counted) a request
 * the token's role does not allow — reading needs {@code read}, a change {@code operate}, operator
 * tokens and the masters' certificates {@code admin} — and a change to another customer's platform
 * when the token is limited to one. What a limited token reads is filtered by each route
 * ({@link #sees}); a change whose customer cannot be told is refused to it (fail closed).
 */
final class ApiAccess {
  static final String OPERATOR = "baton.operator";
  /** Paths only an admin may use (any method). */
  private static final List<String> ADMIN = List.of("/api/v1/operator-tokens", "/api/v1/puppet/masters");
  /** What only a token of every customer may read: it is the controller's, not a customer's. */
  private static final List<String> CONTROLLER_WIDE = List.of("/api/v1/refusals");

  private final OperatorTokens tokens;
  private final Refusals refusals;
  /** The customer a change names when its body does not (a node's, a token's), or null. */
  private final Function<RoutingContext, String> customerOfPath;

  ApiAccess(OperatorTokens tokens, Refusals refusals, Function<RoutingContext, String> customerOfPath) {
    this.tokens = tokens;
    this.refusals = refusals;
    this.customerOfPath = customerOfPath;
  }

  /** The operator the request authenticated as (set by {@link #authenticate}). */
  static Operator of(RoutingContext ctx) {
    return ctx.get(OPERATOR);
  }

  void authenticate(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    String presented = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : "";
    OperatorTokens.Check c = tokens.check(presented);
    if (c.operator() == null) {
      refusals.refuse(c.refusal(), ctx.request().method() + " " + ctx.request().path() + " from "
          + ctx.request().remoteAddress());
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ApiServer.error(ctx, 401, switch (c.refusal()) {
        case "api_token_expired" -> "this operator token has expired; ask an admin for a new one (controller tokens create)";
        case "api_token_revoked" -> "this operator token was revoked";
        default -> presented.isEmpty() ? "an operator token is required (Authorization: Bearer ...)"
            : "this operator token is not one this controller knows (mistyped, or made on another controller that is"
                + " not of its cluster?)";
      });
      return;
    }
    ctx.put(OPERATOR, c.operator());
    ctx.next();
  }

  void authorize(RoutingContext ctx) {
    Operator op = of(ctx);
    String path = ctx.request().path();
    boolean read = ctx.request().method() == HttpMethod.GET;
    Role needed = ADMIN.stream().anyMatch(path::startsWith) ? Role.ADMIN : read ? Role.READ : Role.OPERATE;
    if (!op.role().allows(needed)) {
      refuse(ctx, "api_role", 403, "token " + op.name() + " has the role " + op.role().label() + "; "
          + ctx.request().method() + " " + path + " needs " + needed.label());
      return;
    }
    if (!op.unscoped()) {
      if (CONTROLLER_WIDE.stream().anyMatch(path::startsWith)) {
        refuse(ctx, "api_scope", 403, "token " + op.name() + " is limited to customer " + op.customer() + "; " + path
            + " is the controller's, for a token of every customer");
        return;
      }
      if (!read) {
        String customer = customerOf(ctx);
        if (customer == null || !op.sees(customer)) {
          refuse(ctx, "api_scope", 403, "token " + op.name() + " is limited to customer " + op.customer()
              + (customer == null ? "; this change is not one customer's" : "; this change is customer " + customer + "'s"));
          return;
        }
      }
    }
    ctx.next();
  }

  /** True when the request's operator may see what belongs to {@code customer}. */
  static boolean sees(RoutingContext ctx, String customer) {
    return of(ctx).sees(customer);
  }

  /**
   * A read of one thing of another customer: answered as if it did not exist (404), so that a
   * limited token cannot probe for other customers' names, but counted and logged as a refusal.
   */
  void hidden(RoutingContext ctx, String what) {
    refusals.refuse("api_scope", "token " + of(ctx).name() + " (customer " + of(ctx).customer() + ") read " + what
        + " of another customer from " + ctx.request().remoteAddress());
    ApiServer.error(ctx, 404, "no " + what);
  }

  private void refuse(RoutingContext ctx, String reason, int status, String message) {
    refusals.refuse(reason, message + " (from " + ctx.request().remoteAddress() + ")");
    ApiServer.error(ctx, status, message);
  }

  /** The customer a change is for: its body's {@code customer}, a lock's scope, else what its path names. */
  private String customerOf(RoutingContext ctx) {
    JsonObject b = null;
    try {
      b = ctx.body() == null ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      // not JSON: the route answers 400; for the scope it names no customer
    }
    if (b != null && b.getValue("customer") instanceof String c) {
      return c;
    }
    if (b != null && b.getValue("scope") instanceof String key && key.split("/").length >= 3) {
      return dev.baton.controller.definition.Scope.ofKey(key).customer(); // a lock's
    }
    return customerOfPath.apply(ctx);
  }
}
