package io.storedash.gateway;

import io.storedash.common.ActionThresholds;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.CacheClient;
import io.storedash.common.client.QueryClient;
import io.storedash.gateway.auth.Audit;
import io.storedash.gateway.auth.Caller;
import io.storedash.gateway.auth.Guard;
import io.storedash.gateway.auth.Role;
import io.storedash.gateway.http.AdminToken;
import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.TreeSet;

/**
 * The admin routes: cache warm, flush and stats (hq or ops), HQ's sales channels with their fee flags (hq) and the
 * 今日必做 thresholds (hq). Each change is recorded in the audit log.
 */
final class AdminRoutes {

  /** A channel code as query-service makes them (docs/DESIGN.md §3.3): ASCII letters, digits, _ and -. */
  static final String CHANNEL_CODE = "[A-Za-z0-9_-]{1,40}";
  static final String CACHE_PATH = "/api/v1/admin/cache";

  private final CacheClient cacheService;
  private final QueryClient queryService;
  private final AdminToken token;
  private final Audit audit;

  AdminRoutes(CacheClient cacheService, QueryClient queryService, AdminToken token, Audit audit) {
    this.cacheService = cacheService;
    this.queryService = queryService;
    this.token = token;
    this.audit = audit;
  }

  AdminToken token() {
    return token;
  }

  /**
   * A route handler of {@code /api/v1/admin/*}: cache admin (warm, flush, stats) for hq or ops, everything else
   * (channels, users, the audit log) for hq. The break-glass admin token is hq.
   */
  void authorize(RoutingContext rc) {
    boolean cache = rc.request().path().startsWith(CACHE_PATH);
    if (cache ? Guard.allows(rc, "cache admin", "hq or ops", Role::operates)
      : Guard.allows(rc, "this admin route", "hq", Role::administers)) {
      rc.next();
    }
  }

  /** {@code /metrics} on the public port: hq or ops (or the admin token); the management port needs nothing. */
  void authorizeMetrics(RoutingContext rc) {
    if (Guard.allows(rc, "metrics on this port", "hq or ops (the management port, MANAGEMENT_PORT, needs none)",
      Role::operates)) {
      rc.next();
    }
  }

  /**
   * Whether the caller may bypass the cache (hq, the admin token: ops may not read sales); when not, the request
   * has already been failed with 401 or 403.
   */
  boolean authorized(RoutingContext rc) {
    return Guard.allows(rc, "the cache bypass (" + DashboardRoutes.BYPASS_HEADER + ")", "hq", role -> role == Role.HQ);
  }

  /** POST /api/v1/admin/cache/warm, body {@code {"stores": ["S001", ...]}} or empty for every store. */
  void warm(RoutingContext rc) {
    JsonArray warmed = null;
    String body = rc.body().asString();
    if (body != null && !body.isBlank()) {
      try {
        JsonObject json = new JsonObject(body);
        for (String name : json.fieldNames()) {
          if (!name.equals("stores")) {
            throw new IllegalArgumentException("the body takes only \"stores\", got '" + Problems.shown(name) + "'");
          }
        }
        JsonArray stores = json.getJsonArray("stores");
        if (stores != null) {
          for (Object store : stores) {
            if (!(store instanceof String code)) {
              throw new IllegalArgumentException("stores must be store codes as strings, got " + Problems.shown(String.valueOf(store)));
            }
            DashboardQuery.checkStore(code);
          }
          warmed = stores;
        }
      } catch (DecodeException | ClassCastException e) {
        rc.fail(400, new IllegalArgumentException("the body must be JSON like {\"stores\": [\"S001\"]}"));
        return;
      } catch (IllegalArgumentException e) {
        rc.fail(400, e);
        return;
      }
    }
    JsonArray stores = warmed;
    send(rc, cacheService.warm(warmed).compose(reply -> audit.record(rc, Audit.Action.CACHE_WARM, null,
      new JsonObject().put("stores", stores)).map(reply)), 202);
  }

  /** DELETE /api/v1/admin/cache?tier=L2&store=S001 (both optional). */
  void flush(RoutingContext rc) {
    if (!onlyParameters(rc, Set.of("tier", "store"))) {
      return;
    }
    String tier = rc.queryParams().get("tier");
    String store = rc.queryParams().get("store");
    try {
      if (tier != null && !tier.matches("L[1-4]")) {
        throw new ParameterProblem("tier", "tier must be L1, L2, L3 or L4, got '" + Problems.shown(tier) + "'");
      }
      if (store != null) {
        DashboardQuery.checkStore(store);
      }
    } catch (IllegalArgumentException e) {
      rc.fail(400, e);
      return;
    }
    send(rc, cacheService.flush(tier, store).compose(reply -> audit.record(rc, Audit.Action.CACHE_FLUSH, store,
      new JsonObject().put("tier", tier)).map(reply)), 200);
  }

  void stats(RoutingContext rc) {
    if (!onlyParameters(rc, Set.of())) {
      return;
    }
    send(rc, cacheService.stats(), 200);
  }

  /** GET /api/v1/admin/channels: every sales channel with its fee flag and orders. */
  void channels(RoutingContext rc) {
    if (!onlyParameters(rc, Set.of())) {
      return;
    }
    send(rc, queryService.channels(new JsonObject().put("action", "list")), 200, ServiceNames.QUERY);
  }

  /**
   * PUT /api/v1/admin/channels/{code}, body {@code {"charges_fee": true|false}}: whether the channel's platform takes
   * a service fee. query-service re-derives the figures of its orders.
   */
  void setChannel(RoutingContext rc) {
    if (!onlyParameters(rc, Set.of())) {
      return;
    }
    String code = rc.pathParam("code");
    if (code == null || !code.matches(CHANNEL_CODE)) {
      rc.fail(400, new ParameterProblem("code", "a channel code is 1 to 40 letters, digits, _ or -, got '"
        + Problems.shown(String.valueOf(code)) + "'"));
      return;
    }
    Buffer buffer = rc.body() == null ? null : rc.body().buffer();
    JsonObject body;
    try {
      Object decoded = buffer == null || buffer.length() == 0 ? null : Json.decodeValue(buffer);
      if (buffer != null && buffer.length() > 0 && !(decoded instanceof JsonObject)) {
        throw new DecodeException("not an object");
      }
      body = (JsonObject) decoded;
    } catch (DecodeException e) {
      rc.fail(400, new ParameterProblem("charges_fee", "the body is not a JSON object; it must be "
        + "{\"charges_fee\": true} or {\"charges_fee\": false}"));
      return;
    }
    Object flag = body == null ? null : body.getValue("charges_fee");
    if (!(flag instanceof Boolean) || body.size() != 1) {
      rc.fail(400, new ParameterProblem("charges_fee", "the body must be {\"charges_fee\": true} or "
        + "{\"charges_fee\": false}" + (body == null ? " (it is empty)" : !body.containsKey("charges_fee") ? " (charges_fee is missing)"
        : !(flag instanceof Boolean) ? " (charges_fee is not true or false)" : " (it has other members)")));
      return;
    }
    send(rc, queryService.channels(new JsonObject().put("action", "set").put("code", code).put("charges_fee", flag))
      .compose(reply -> audit.record(rc, Audit.Action.CHANNEL_CHANGED, code, new JsonObject().put("charges_fee", flag))
        .map(reply)),
      200, ServiceNames.QUERY);
  }

  /** GET /api/v1/admin/action-settings: the 今日必做 thresholds in force, their revision and who changed them last. */
  void actionSettings(RoutingContext rc) {
    if (!onlyParameters(rc, Set.of())) {
      return;
    }
    send(rc, queryService.actionSettings(new JsonObject().put("action", "get")), 200, ServiceNames.QUERY);
  }

  /**
   * PUT /api/v1/admin/action-settings, body: the thresholds to change, e.g. {@code {"delivery_cost_max": 8}}. Checked
   * here (a 400 names the member), stored by query-service, audited; then cache-service drops every stored list and
   * warms the hot stores' again, so no list answers by the old thresholds (docs/DESIGN.md §14.1).
   */
  void setActionSettings(RoutingContext rc) {
    if (!onlyParameters(rc, Set.of())) {
      return;
    }
    JsonObject change;
    try {
      Object decoded = rc.body() == null || rc.body().length() == 0 ? null : Json.decodeValue(rc.body().buffer());
      if (!(decoded instanceof JsonObject object) || object.isEmpty()) {
        throw new DecodeException("not a non-empty object");
      }
      change = object;
      ActionThresholds.DEFAULTS.with(change);
    } catch (DecodeException e) {
      rc.fail(400, new ParameterProblem("body", "the body must be a JSON object of the thresholds to change, "
        + "e.g. {\"delivery_cost_max\": 8}; the thresholds are " + ActionThresholds.FIELDS));
      return;
    } catch (ActionThresholds.Invalid e) {
      rc.fail(400, new ParameterProblem(e.field(), e.getMessage()));
      return;
    }
    String by = Caller.of(rc) == null ? null : Caller.of(rc).name();
    send(rc, queryService.actionSettings(new JsonObject().put("action", "set").put("thresholds", change).put("by", by))
      .compose(reply -> audit.record(rc, Audit.Action.ACTION_SETTINGS_CHANGED, null, change.copy())
        .compose(v -> cacheService.flushKind(QueryKind.ACTIONS)
          .map(flushed -> reply.put("cache", "flushed"))
          // The thresholds are stored: a cache-service that cannot flush now leaves lists until their TTL, said so.
          .otherwise(e -> reply.put("cache", "not flushed: " + e.getMessage() + "; lists follow within CACHE_TTL_ACTIONS")))),
      200, ServiceNames.QUERY);
  }

  /** Refuses a parameter the route does not take, or one given twice: a typo must not flush more than was meant. */
  static boolean onlyParameters(RoutingContext rc, Set<String> allowed) {
    for (String name : rc.queryParams().names()) {
      if (!allowed.contains(name)) {
        rc.fail(400, new ParameterProblem(name, "unknown parameter '" + Problems.shown(name) + "'; this route takes "
          + (allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed)))));
        return false;
      }
      if (rc.queryParams().getAll(name).size() > 1) {
        rc.fail(400, new ParameterProblem(name, "parameter " + name + " is given more than once"));
        return false;
      }
    }
    return true;
  }

  private void send(RoutingContext rc, Future<JsonObject> answer, int status) {
    send(rc, answer, status, ServiceNames.CACHE);
  }

  private void send(RoutingContext rc, Future<JsonObject> answer, int status, String service) {
    rc.put(FailureResponses.DOWNSTREAM_KEY, service);
    answer
      .onSuccess(reply -> rc.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(reply.toBuffer()))
      .onFailure(e -> rc.fail(FailureResponses.statusOf(e), e));
  }
}
