package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.gateway.downstream.Downstream;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The admin routes: cache warm, flush and stats. They need {@code Authorization: Bearer <ADMIN_TOKEN>}; without a
 * configured token they are disabled, never open.
 */
final class AdminRoutes {

  private final Downstream cacheService;
  private final Optional<byte[]> token;
  private final long timeoutMillis;

  AdminRoutes(Downstream cacheService, StoreDashConfig config) {
    this.cacheService = cacheService;
    this.token = config.adminToken().map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.timeoutMillis = config.requestTimeout().toMillis();
  }

  /** A route handler: lets the request through only with the admin token. */
  void authorize(RoutingContext rc) {
    if (authorized(rc)) {
      rc.next();
    }
  }

  /**
   * Whether the request carries the admin token; when it does not, the request has already been failed with 401
   * (no or a wrong token) or 403 (admin routes disabled).
   */
  boolean authorized(RoutingContext rc) {
    if (token.isEmpty()) {
      rc.fail(403, new IllegalStateException("admin routes are disabled: no ADMIN_TOKEN is configured"));
      return false;
    }
    String header = rc.request().getHeader("Authorization");
    byte[] given = header != null && header.startsWith("Bearer ")
      ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    // Constant-time comparison: the time taken says nothing about how much of a guess was right.
    if (!MessageDigest.isEqual(given, token.get())) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"storedash-admin\"");
      rc.fail(401, new IllegalStateException(header == null
        ? "this route needs Authorization: Bearer <admin token>" : "the admin token is not valid"));
      return false;
    }
    return true;
  }

  /** POST /api/v1/admin/cache/warm, body {@code {"stores": ["S001", ...]}} or empty for every store. */
  void warm(RoutingContext rc) {
    JsonObject command = new JsonObject().put("action", "warm");
    String body = rc.body().asString();
    if (body != null && !body.isBlank()) {
      try {
        JsonArray stores = new JsonObject(body).getJsonArray("stores");
        if (stores != null) {
          for (Object store : stores) {
            DashboardQuery.checkStore(String.valueOf(store));
          }
          command.put("stores", stores);
        }
      } catch (DecodeException | ClassCastException e) {
        rc.fail(400, new IllegalArgumentException("the body must be JSON like {\"stores\": [\"S001\"]}"));
        return;
      } catch (IllegalArgumentException e) {
        rc.fail(400, e);
        return;
      }
    }
    send(rc, command, 202);
  }

  /** DELETE /api/v1/admin/cache?tier=L2&store=S001 (both optional). */
  void flush(RoutingContext rc) {
    JsonObject command = new JsonObject().put("action", "flush");
    String tier = rc.queryParams().get("tier");
    String store = rc.queryParams().get("store");
    try {
      if (tier != null && !tier.matches("L[1-4]")) {
        throw new IllegalArgumentException("tier must be L1, L2, L3 or L4, got '" + tier + "'");
      }
      if (store != null) {
        DashboardQuery.checkStore(store);
      }
    } catch (IllegalArgumentException e) {
      rc.fail(400, e);
      return;
    }
    send(rc, command.put("tier", tier).put("store", store), 200);
  }

  void stats(RoutingContext rc) {
    send(rc, new JsonObject().put("action", "stats"), 200);
  }

  private void send(RoutingContext rc, JsonObject command, int status) {
    rc.put(GatewayVerticle.DOWNSTREAM_KEY, cacheService.service());
    cacheService.<JsonObject>request(Addresses.CACHE_ADMIN, command, new DeliveryOptions().setSendTimeout(timeoutMillis))
      .onSuccess(reply -> rc.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(reply.body().toBuffer()))
      .onFailure(e -> rc.fail(GatewayVerticle.httpStatusOf(e), e));
  }
}
