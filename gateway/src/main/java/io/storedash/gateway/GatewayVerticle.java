package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Failures;
import io.storedash.common.Gzip;
import io.storedash.common.QueryKind;
import io.storedash.common.QueryParams;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.gateway.http.Problems;
import io.storedash.gateway.http.RequestStats;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP face of StoreDash: validates each request into a {@link DashboardQuery}, asks cache-service over the event
 * bus (query-service directly when no cache-service instance is running), and streams the result bytes to the
 * client without parsing them. Event-bus failures become problem+json: no handler → 503, timeout → 504, a
 * service's failure → its code.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final String JSON = "application/json; charset=utf-8";

  /** The per-store views, each at {@code /api/v1/stores/{store}/<kind>}. */
  private static final List<QueryKind> STORE_KINDS = List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS,
    QueryKind.CATEGORIES, QueryKind.HOURS, QueryKind.PRODUCTS, QueryKind.DIAGNOSIS, QueryKind.ORDERS);

  private final ServiceContext service;
  private final RequestStats stats = new RequestStats();
  private AdminRoutes admin;
  private HttpServer server;
  private long rotateTimer;

  public GatewayVerticle(ServiceContext service) {
    this.service = service;
  }

  @Override
  public Future<?> start() {
    admin = new AdminRoutes(vertx, service.config());
    Router router = Router.router(vertx);
    router.route().handler(this::measure);
    router.get("/api/v1/stores").handler(rc -> dashboard(rc, QueryKind.STORES, DashboardQuery.ALL_STORES));
    for (QueryKind kind : STORE_KINDS) {
      router.get("/api/v1/stores/:store/" + kind.wireName()).handler(rc -> dashboard(rc, kind, rc.pathParam("store")));
    }
    router.get("/api/v1/ranking").handler(rc -> dashboard(rc, QueryKind.RANKING, DashboardQuery.ALL_STORES));
    router.get("/api/v1/monitor").handler(this::monitor);
    router.get("/api/v1/monitor/stream").handler(this::monitorStream);
    router.route("/api/v1/admin/*").handler(admin::authorize);
    router.post("/api/v1/admin/cache/warm").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(admin::warm);
    router.delete("/api/v1/admin/cache").handler(admin::flush);
    router.get("/api/v1/admin/cache/stats").handler(admin::stats);
    service.mountProbes(router);
    router.route().failureHandler(this::onFailure);
    router.errorHandler(404, rc -> Problems.send(rc.response(), 404, "no such resource: " + rc.request().path(), rc.request().path()));
    router.errorHandler(405, rc -> Problems.send(rc.response(), 405, rc.request().method() + " is not allowed on " + rc.request().path(), rc.request().path()));

    service.heartbeatStats(() -> new JsonObject().put("requests", stats.lastMinute()));
    rotateTimer = vertx.setPeriodic(10_000, t -> stats.rotate());

    return vertx.createHttpServer(new HttpServerOptions()
        .setCompressionSupported(false)
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS))
      .requestHandler(router)
      .listen(service.config().httpPort())
      .onSuccess(s -> {
        server = s;
        LOG.info("gateway listening on http://127.0.0.1:{}", s.actualPort());
      });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(rotateTimer);
    // Stop accepting, let requests in flight finish within the grace period.
    return server.shutdown(service.config().requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
  }

  /** The port the gateway listens on (useful when HTTP_PORT is 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void measure(RoutingContext rc) {
    long started = System.nanoTime();
    rc.put("started", started);
    rc.addEndHandler(v -> stats.record(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started),
      rc.response().getStatusCode() < 500));
    rc.next();
  }

  private void dashboard(RoutingContext rc, QueryKind kind, String store) {
    DashboardQuery query;
    try {
      query = queryOf(kind, store, rc.queryParams());
    } catch (IllegalArgumentException e) {
      rc.fail(400, e);
      return;
    }
    answer(rc, query);
  }

  /**
   * The query a request asks: {@code from}/{@code to} plus the kind's own parameters; anything else, or a parameter
   * given twice, is refused so that a typo never silently answers another question.
   */
  static DashboardQuery queryOf(QueryKind kind, String store, MultiMap queryParams) {
    Map<String, String> params = new HashMap<>();
    for (String name : queryParams.names()) {
      if (queryParams.getAll(name).size() > 1) {
        throw new IllegalArgumentException("parameter " + name + " is given more than once");
      }
      if (!name.equals("from") && !name.equals("to")) {
        if (!QueryParams.namesOf(kind).contains(name)) {
          throw new IllegalArgumentException("unknown parameter '" + name + "'; " + kind.wireName() + " takes from, to"
            + QueryParams.namesOf(kind).stream().sorted().map(n -> ", " + n).reduce("", String::concat));
        }
        params.put(name, queryParams.get(name));
      }
    }
    return DashboardQuery.of(kind, store, DashboardQuery.parseDay("from", queryParams.get("from")),
      DashboardQuery.parseDay("to", queryParams.get("to")), params);
  }

  private void answer(RoutingContext rc, DashboardQuery query) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(service.config().requestTimeout().toMillis());
    vertx.eventBus().<Buffer>request(Addresses.DASHBOARD_QUERY, query.toJson(), options)
      .recover(e -> isNoHandlers(e)
        // No cache-service instance: ask query-service directly rather than fail.
        ? vertx.eventBus().request(Addresses.DASHBOARD_COMPUTE, query.toJson(), options)
        : Future.failedFuture(e))
      .onSuccess(reply -> respond(rc, reply))
      .onFailure(e -> rc.fail(httpStatusOf(e), e));
  }

  private void monitor(RoutingContext rc) {
    vertx.eventBus().<JsonObject>request(Addresses.MONITOR_SNAPSHOT, new JsonObject(),
        new DeliveryOptions().setSendTimeout(service.config().requestTimeout().toMillis()))
      .onSuccess(reply -> rc.response()
        .putHeader("Content-Type", JSON)
        .putHeader("Cache-Control", "no-store")
        .end(reply.body().toBuffer()))
      .onFailure(e -> rc.fail(httpStatusOf(e), e));
  }

  /** Server-sent events: the monitor snapshot as monitor-service publishes it, every 5 s, until the client leaves. */
  private void monitorStream(RoutingContext rc) {
    HttpServerResponse response = rc.response()
      .setChunked(true)
      .putHeader("Content-Type", "text/event-stream; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .putHeader("X-Accel-Buffering", "no");
    MessageConsumer<JsonObject> updates = vertx.eventBus().consumer(Addresses.MONITOR_UPDATES,
      msg -> response.write("event: snapshot\ndata: " + msg.body().encode() + "\n\n"));
    // A comment line every 15 s keeps proxies from closing an idle stream.
    long keepAlive = vertx.setPeriodic(15_000, t -> response.write(": keep-alive\n\n"));
    response.closeHandler(v -> {
      updates.unregister();
      vertx.cancelTimer(keepAlive);
    });
    response.write("retry: 5000\n\n");
    vertx.eventBus().<JsonObject>request(Addresses.MONITOR_SNAPSHOT, new JsonObject(),
        new DeliveryOptions().setSendTimeout(service.config().requestTimeout().toMillis()))
      .onSuccess(reply -> response.write("event: snapshot\ndata: " + reply.body().encode() + "\n\n"))
      .onFailure(e -> response.write("event: unavailable\ndata: " + new JsonObject()
        .put("detail", "monitor-service did not answer: " + e.getMessage()).encode() + "\n\n"));
  }

  private static boolean isNoHandlers(Throwable e) {
    return e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  static int httpStatusOf(Throwable e) {
    if (e instanceof ReplyException re) {
      return switch (re.failureType()) {
        case NO_HANDLERS -> 503;
        case TIMEOUT -> 504;
        default -> re.failureCode() >= 400 && re.failureCode() < 600 ? re.failureCode() : 500;
      };
    }
    return Failures.codeOf(e);
  }

  private void respond(RoutingContext rc, Message<Buffer> reply) {
    MultiMap headers = reply.headers();
    HttpServerResponse response = rc.response();
    String etag = headers.get(ReplyHeaders.ETAG);
    String tier = headers.get(ReplyHeaders.TIER);
    String status = headers.get(ReplyHeaders.CACHE_STATUS);
    String xCache = tier == null ? "BYPASS" : "HIT".equals(status) ? tier : status;
    long totalMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - rc.<Long>get("started"));
    StringBuilder timing = new StringBuilder("gateway;dur=").append(totalMicros / 1000.0);
    if (tier != null) {
      timing.append(", cache;desc=\"").append(tier).append(' ').append(status).append('"');
    }
    String computeMs = headers.get(ReplyHeaders.COMPUTE_MS);
    if (computeMs != null) {
      timing.append(", compute;dur=").append(computeMs);
    }
    response.putHeader("Content-Type", JSON)
      .putHeader("X-Cache", xCache)
      .putHeader("Server-Timing", timing.toString())
      .putHeader("Vary", "Accept-Encoding")
      .putHeader("Cache-Control", "no-cache");
    if (etag != null) {
      response.putHeader("ETag", etag);
      String ifNoneMatch = rc.request().getHeader("If-None-Match");
      if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
        response.setStatusCode(304).end();
        return;
      }
    }
    Buffer body = reply.body();
    if ("gzip".equals(headers.get(ReplyHeaders.ENCODING))) {
      if (acceptsGzip(rc.request().getHeader("Accept-Encoding"))) {
        response.putHeader("Content-Encoding", "gzip").end(body);
        return;
      }
      body = Buffer.buffer(Gzip.decompress(body.getBytes()));
    }
    response.end(body);
  }

  /** If-None-Match may list several tags, or {@code *}; weak comparison, as RFC 9110 asks for GET. */
  static boolean matches(String ifNoneMatch, String etag) {
    String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || (c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] coding = part.trim().split(";");
      if (coding[0].trim().equals("gzip") || coding[0].trim().equals("*")) {
        return !(coding.length > 1 && coding[1].replace(" ", "").matches("q=0(\\.0*)?"));
      }
    }
    return false;
  }

  private void onFailure(RoutingContext rc) {
    Throwable failure = rc.failure();
    int status = rc.statusCode() > 0 ? rc.statusCode() : failure instanceof HttpException he ? he.getStatusCode() : 500;
    String detail;
    if (status >= 500 && !(failure instanceof ReplyException)) {
      LOG.error("request {} {} failed", rc.request().method(), rc.request().uri(), failure);
      detail = "internal error; the gateway log has the details";
    } else if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      detail = "no instance of the service for this request is running";
    } else if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      detail = "the request did not complete within " + service.config().requestTimeout().toMillis() + " ms";
    } else if (failure != null && failure.getMessage() != null) {
      detail = failure.getMessage();
    } else {
      detail = Problems.title(status);
    }
    Problems.send(rc.response(), status, detail, rc.request().path());
  }
}
