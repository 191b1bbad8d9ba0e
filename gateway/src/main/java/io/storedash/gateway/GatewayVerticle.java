package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.Failure;
import io.storedash.common.Gzip;
import io.storedash.common.QueryKind;
import io.storedash.common.QueryParams;
import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.common.client.CacheClient;
import io.storedash.common.client.MonitorClient;
import io.storedash.common.client.QueryClient;
import io.storedash.gateway.downstream.Downstream;
import io.storedash.gateway.downstream.Instances;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.gateway.http.AccessLog;
import io.storedash.gateway.http.CredentialsInUrl;
import io.storedash.gateway.http.Lingering;
import io.storedash.gateway.http.RequestBodies;
import io.storedash.gateway.http.SlowClients;
import io.storedash.gateway.http.ApiDocument;
import io.storedash.gateway.http.ConstantPayload;
import io.storedash.gateway.http.ContentNegotiation;
import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.storedash.gateway.http.RequestStats;
import io.storedash.gateway.http.SecurityHeaders;
import io.storedash.gateway.http.VendorAssets;
import io.storedash.gateway.live.MonitorFeed;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP face of StoreDash: the API under {@code /api/v1} (described by {@code openapi.yaml}), the dashboard page
 * and the API docs. Each dashboard request is validated into a {@link DashboardQuery} before any event-bus message
 * is sent, then asked of cache-service (query-service directly when no cache-service instance is running), and the
 * result bytes are streamed to the client without being parsed. Every downstream service sits behind its own
 * circuit breaker. Failures become problem+json: no instance or an open circuit → 503, timeout → 504, a service's
 * failure → its code; no stack trace or SQL ever reaches an answer.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final String JSON = "application/json; charset=utf-8";

  /** The routing-context key under which a handler records which service it asked, for the error's wording. */
  static final String DOWNSTREAM_KEY = "downstream";
  /** With the admin token, asks query-service directly: the load test's uncached path. */
  public static final String BYPASS_HEADER = "X-Cache-Bypass";
  /** Body limit of the JSON admin commands. */
  static final long ADMIN_BODY_LIMIT = 64 * 1024;
  /** The longest request line (method, path, query, version) the gateway reads. */
  static final int MAX_INITIAL_LINE = 4096;
  /** The most bytes of request headers the gateway reads. */
  static final int MAX_HEADER_BYTES = 8192;
  static final String IMPORT_PATH = "/api/v1/imports";
  static final String WARM_PATH = "/api/v1/admin/cache/warm";
  /** The only requests that may carry a body. */
  private static final RequestBodies BODIES = new RequestBodies(Set.of("POST " + IMPORT_PATH, "POST " + WARM_PATH));

  /** The per-store views, each at {@code /api/v1/stores/{store}/<kind>}. */
  static final List<QueryKind> STORE_KINDS = List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS,
    QueryKind.CATEGORIES, QueryKind.HOURS, QueryKind.PRODUCTS, QueryKind.DIAGNOSIS, QueryKind.ORDERS);

  private final ServiceContext service;
  private final RequestStats stats = new RequestStats();
  private final ConstantPayload constant = new ConstantPayload();
  private final Instances instances = new Instances();
  private Downstream cacheService;
  private Downstream queryService;
  private Downstream monitorService;
  private CacheClient cacheClient;
  private QueryClient queryClient;
  private MonitorClient monitorClient;
  private MonitorFeed monitorFeed;
  private AdminRoutes admin;
  private ImportRoutes imports;
  private HttpServer server;
  private SlowClients slowClients;
  private long rotateTimer;

  public GatewayVerticle(ServiceContext service) {
    this.service = service;
  }

  private record Assets(ApiDocument api, VendorAssets vendor) {
  }

  @Override
  public Future<?> start() {
    Duration timeout = service.config().requestTimeout();
    cacheService = Downstream.cacheService(vertx, ServiceNames.CACHE);
    queryService = Downstream.of(vertx, ServiceNames.QUERY);
    monitorService = Downstream.of(vertx, ServiceNames.MONITOR);
    cacheClient = CacheClient.create(cacheService, timeout);
    queryClient = QueryClient.create(queryService, timeout);
    monitorClient = MonitorClient.create(monitorService, timeout);
    monitorFeed = new MonitorFeed(vertx, monitorClient);
    admin = new AdminRoutes(cacheClient, service.config());
    slowClients = new SlowClients(vertx, service.config().httpSlowClientTimeout().toMillis(),
      service.config().httpIdleTimeout().toMillis());
    imports = new ImportRoutes(vertx, queryService, service.config().requestTimeout(), slowClients);

    service.heartbeatStats(() -> new JsonObject()
      .put("requests", stats.lastMinute())
      .put("breakers", new JsonObject()
        .put(cacheService.service(), cacheService.state())
        .put(queryService.service(), queryService.state())
        .put(monitorService.service(), monitorService.state()))
      .put("monitor_streams", monitorFeed.streams()));
    rotateTimer = vertx.setPeriodic(10_000, t -> stats.rotate());
    MessageConsumer<JsonObject> heartbeats = vertx.eventBus().consumer(Addresses.HEARTBEAT,
      msg -> instances.heartbeat(msg.body(), System.currentTimeMillis()));
    readinessChecks();

    return vertx.executeBlocking(() -> new Assets(ApiDocument.load(), VendorAssets.load()))
      .compose(assets -> Future.all(heartbeats.completion(), monitorFeed.start(), listen(router(assets))))
      .onSuccess(v -> vertx.eventBus().publish(Addresses.HEARTBEAT_REQUEST, new JsonObject()));
  }

  /**
   * Ready when query-service has a live instance: without one no view that is not cached can be answered. A missing
   * cache-service (the gateway asks query-service directly) or monitor-service (only the monitor panel is affected)
   * leaves the gateway ready but degraded, so that a load balancer does not take every gateway out of service for
   * a fault that costs one panel.
   */
  private void readinessChecks() {
    service.readinessCheck(ServiceNames.QUERY, promise -> {
      int live = instances.live(ServiceNames.QUERY, System.currentTimeMillis());
      JsonObject data = new JsonObject().put("live_instances", live);
      promise.complete(live > 0 ? Status.OK(data) : Status.KO(data.put("reason", "no live query-service instance in the heartbeats")));
    });
    for (String optional : List.of(ServiceNames.CACHE, ServiceNames.MONITOR)) {
      service.readinessCheck(optional, promise -> {
        int live = instances.live(optional, System.currentTimeMillis());
        JsonObject data = new JsonObject().put("live_instances", live);
        promise.complete(Status.OK(live > 0 ? data : data.put("degraded", true).put("reason", "no live " + optional + " instance")));
      });
    }
  }

  private Router router(Assets assets) {
    Router router = Router.router(vertx);
    router.route().handler(this::measure);
    router.route().handler(new SecurityHeaders());
    router.route().handler(new AccessLog(admin.token()));
    router.route().handler(new CredentialsInUrl(admin.token()));
    router.route().handler(BODIES::handle);

    router.get("/api/v1/stores").handler(rc -> dashboard(rc, QueryKind.STORES, DashboardQuery.ALL_STORES));
    for (QueryKind kind : STORE_KINDS) {
      router.get("/api/v1/stores/:store/" + kind.wireName()).handler(rc -> dashboard(rc, kind, rc.pathParam("store")));
    }
    router.get("/api/v1/ranking").handler(rc -> dashboard(rc, QueryKind.RANKING, DashboardQuery.ALL_STORES));
    router.get("/api/v1/monitor").handler(this::monitor);
    router.get("/api/v1/monitor/stream").handler(monitorFeed::subscribe);
    router.get("/api/v1/bench/constant").handler(this::constant);

    // Token and admission are checked before a byte of the upload is read; the file then streams to query-service.
    router.post(IMPORT_PATH).handler(admin::authorize);
    router.post(IMPORT_PATH).handler(imports::admit);
    router.post(IMPORT_PATH).handler(imports::importFile);
    router.route("/api/v1/admin/*").handler(admin::authorize);
    router.post(WARM_PATH).handler(BodyHandler.create(false).setBodyLimit(ADMIN_BODY_LIMIT)).handler(admin::warm);
    router.delete("/api/v1/admin/cache").handler(admin::flush);
    router.get("/api/v1/admin/cache/stats").handler(admin::stats);

    router.get("/openapi.yaml").handler(assets.api()::serveYaml);
    router.get("/openapi.json").handler(assets.api()::serveJson);
    // "/docs" also matches "/docs/", which the static handler serves.
    router.get("/docs").handler(rc -> {
      if (rc.request().path().equals("/docs")) {
        rc.redirect("/docs/");
      } else {
        rc.next();
      }
    });
    router.get(VendorAssets.ECHARTS_PATH).handler(assets.vendor()::echarts);
    // Status only on this port, and metrics only with the admin token: the details are on the management port.
    service.mountPublicProbes(router, admin::authorizeMetrics);
    router.get("/*").handler(StaticHandler.create("webroot")
      .setIndexPage("index.html")
      .setDefaultContentEncoding("UTF-8")
      .setCachingEnabled(true)
      // Short: a new release's page and scripts are picked up within a minute, revalidated by Last-Modified.
      .setMaxAgeSeconds(60));

    router.route().failureHandler(this::onFailure);
    // Failures the router meets before any route (a path that is not valid percent-encoding): problems too.
    router.errorHandler(400, rc -> Problems.send(rc.response(), 400, "the path " + Problems.shown(rc.request().path())
      + " is not a valid URL path (a '%' must be followed by two hex digits)", "/"));
    router.errorHandler(500, rc -> {
      LOG.error("request {} {} failed outside any route", rc.request().method(), rc.request().path(), rc.failure());
      Problems.send(rc.response(), 500, "internal error; the gateway log has the details", "/");
    });
    router.errorHandler(404, rc -> Problems.send(rc.response(), 404, "no such resource: " + rc.request().path(), rc.request().path()));
    router.errorHandler(405, rc -> Problems.send(rc.response(), 405, rc.request().method() + " is not allowed on " + rc.request().path(), rc.request().path()));
    return router;
  }

  private Future<HttpServer> listen(Router router) {
    return vertx.createHttpServer(new HttpServerOptions()
        // Cached answers already travel as the gzip bytes cache-service stored: nothing is compressed twice.
        .setCompressionSupported(false)
        // Request bodies are never inflated: an upload is read as the bytes it is (a gzip bomb stays small).
        .setDecompressionSupported(false)
        // HTTP/1.1 only: with h2c on, a connection has no HttpConnection (and no deadline) until its first bytes.
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) service.config().httpIdleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxInitialLineLength(MAX_INITIAL_LINE)
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setMaxFormAttributeSize(8192)
        .setMaxFormFields(ImportRoutes.MAX_FORM_FIELDS))
      .connectionHandler(slowClients::connected)
      .invalidRequestHandler(this::invalidRequest)
      .requestHandler(request -> {
        slowClients.headArrived(request);
        router.handle(request);
      })
      .listen(service.config().httpPort())
      .onSuccess(s -> {
        server = s;
        LOG.info("gateway listening on http://127.0.0.1:{}", s.actualPort());
      });
  }

  /**
   * A request Netty could not decode (a line or headers over their limits, or not HTTP): problem+json with what was
   * wrong, then the connection closes.
   */
  private void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String detail;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      detail = "the request line (method, path and query) is longer than " + MAX_INITIAL_LINE + " bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      detail = "the request headers are larger than " + MAX_HEADER_BYTES / 1024 + " KiB in total";
    } else {
      status = 400;
      detail = "the request is not valid HTTP/1.1 (a malformed request line, header or chunk)";
    }
    request.response().putHeader("Connection", "close");
    Problems.send(request.response(), Problems.problem(status, detail, "/"));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(rotateTimer);
    if (slowClients != null) {
      slowClients.stop();
    }
    // Stop accepting, let requests in flight finish within the grace period; event streams end at once.
    return Future.join(monitorFeed.stop(), server == null ? Future.succeededFuture()
      : server.shutdown(service.config().requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS));
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
    boolean bypass = rc.request().getHeader(BYPASS_HEADER) != null;
    if (bypass && !admin.authorized(rc)) {
      return;
    }
    answer(rc, query, bypass);
  }

  /**
   * The query a request asks: {@code from}/{@code to} plus the kind's own parameters. Each parameter is checked on
   * its own first, so that the 400 names the one that is wrong; anything unknown, or given twice, is refused so
   * that a typo never silently answers another question.
   *
   * @throws ParameterProblem naming the parameter
   */
  static DashboardQuery queryOf(QueryKind kind, String store, MultiMap queryParams) {
    for (String name : queryParams.names()) {
      if (queryParams.getAll(name).size() > 1) {
        throw new ParameterProblem(name, "parameter " + name + " is given more than once");
      }
      if (!name.equals("from") && !name.equals("to") && !QueryParams.namesOf(kind).contains(name)) {
        throw new ParameterProblem(name, "unknown parameter '" + name + "'; " + kind.wireName() + " takes from, to"
          + QueryParams.namesOf(kind).stream().sorted().map(n -> ", " + n).reduce("", String::concat));
      }
    }
    try {
      DashboardQuery.of(kind, store, null, null);
    } catch (IllegalArgumentException e) {
      throw new ParameterProblem("store", e.getMessage());
    }
    LocalDate from = day("from", queryParams.get("from"));
    LocalDate to = day("to", queryParams.get("to"));
    Map<String, String> params = new TreeMap<>();
    for (String name : QueryParams.namesOf(kind)) {
      String value = queryParams.get(name);
      if (value != null) {
        try {
          DashboardQuery.of(kind, store, null, null, Map.of(name, value));
        } catch (IllegalArgumentException e) {
          throw new ParameterProblem(name, e.getMessage());
        }
        params.put(name, value);
      }
    }
    try {
      return DashboardQuery.of(kind, store, from, to, params);
    } catch (IllegalArgumentException e) {
      // Each part was valid alone: what is left is the range (both given, in order, not too long).
      throw new ParameterProblem(from != null && to == null ? "to" : "from", e.getMessage());
    }
  }

  private static LocalDate day(String name, String value) {
    try {
      return DashboardQuery.parseDay(name, value);
    } catch (IllegalArgumentException e) {
      throw new ParameterProblem(name, e.getMessage());
    }
  }

  private void answer(RoutingContext rc, DashboardQuery query, boolean bypassCache) {
    Future<DashboardReply> reply;
    if (bypassCache) {
      rc.put(DOWNSTREAM_KEY, ServiceNames.QUERY);
      reply = queryClient.compute(query);
    } else {
      rc.put(DOWNSTREAM_KEY, ServiceNames.CACHE);
      reply = cacheClient.query(query)
        .recover(e -> {
          if (e instanceof DownstreamFailure df
            && (df.kind() == DownstreamFailure.Kind.NO_INSTANCE || df.kind() == DownstreamFailure.Kind.CIRCUIT_OPEN)) {
            // No cache-service instance, or none that answers: ask query-service directly rather than fail.
            rc.put(DOWNSTREAM_KEY, ServiceNames.QUERY);
            return queryClient.compute(query)
              .recover(e2 -> Future.failedFuture(!(e2 instanceof DownstreamFailure df2 && df2.kind() == DownstreamFailure.Kind.NO_INSTANCE) ? e2
                : df.kind() == DownstreamFailure.Kind.CIRCUIT_OPEN ? df
                : new HttpException(503, "no instance of cache-service or query-service is running")));
          }
          return Future.failedFuture(e);
        });
    }
    reply.onSuccess(result -> respond(rc, result)).onFailure(e -> rc.fail(httpStatusOf(e), e));
  }

  /**
   * The snapshot monitor-service published last, while it is fresh (every instance publishes every 5 s): no
   * event-bus round trip, and the loss of one monitor-service instance goes unnoticed. Without a fresh one, the
   * gateway asks monitor-service, and answers 503 when none does.
   */
  private void monitor(RoutingContext rc) {
    rc.put(DOWNSTREAM_KEY, ServiceNames.MONITOR);
    MonitorFeed.Snapshot fresh = monitorFeed.freshSnapshot();
    if (fresh != null) {
      rc.response()
        .putHeader("Content-Type", JSON)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Age", String.valueOf(fresh.ageSeconds()))
        .end(fresh.json());
      return;
    }
    monitorClient.snapshot()
      .onSuccess(snapshot -> rc.response()
        .putHeader("Content-Type", JSON)
        .putHeader("Cache-Control", "no-store")
        .end(snapshot.toBuffer()))
      .onFailure(e -> rc.fail(httpStatusOf(e), e));
  }

  /** The load-test baseline: the hot path of a cache hit without the event bus. */
  private void constant(RoutingContext rc) {
    sendResult(rc, constant.gzip(), true, constant.etag(), "CONST", "gateway;dur=0");
  }

  /** The HTTP status of a failure: a route's own {@link HttpException} as it says, anything else as {@link Failure} says. */
  static int httpStatusOf(Throwable e) {
    if (e instanceof HttpException he) {
      return he.getStatusCode();
    }
    return Failure.of(e).httpStatus();
  }

  private void respond(RoutingContext rc, DashboardReply reply) {
    String tier = reply.tier();
    String status = reply.cacheStatus();
    String xCache = tier == null ? "BYPASS" : "HIT".equals(status) ? tier : status;
    long totalMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - rc.<Long>get("started"));
    StringBuilder timing = new StringBuilder("gateway;dur=").append(totalMicros / 1000.0);
    if (tier != null) {
      timing.append(", cache;desc=\"").append(tier).append(' ').append(status).append('"');
    }
    if (reply.computeMs() != null) {
      timing.append(", compute;dur=").append(reply.computeMs());
    }
    sendResult(rc, reply.body(), reply.gzipped(), reply.etag(), xCache, timing.toString());
  }

  /** Result bytes as they are: stored gzip to clients that accept it, decoded only for those that do not. */
  private static void sendResult(RoutingContext rc, Buffer body, boolean gzipped, String etag, String xCache, String timing) {
    HttpServerResponse response = rc.response();
    response.putHeader("Content-Type", JSON)
      .putHeader("X-Cache", xCache)
      .putHeader("Server-Timing", timing)
      .putHeader("Vary", "Accept-Encoding")
      .putHeader("Cache-Control", "no-cache");
    if (etag != null) {
      response.putHeader("ETag", etag);
      if (ContentNegotiation.matches(rc.request().getHeader("If-None-Match"), etag)) {
        response.setStatusCode(304).end();
        return;
      }
    }
    if (gzipped) {
      if (ContentNegotiation.acceptsGzip(rc.request().getHeader("Accept-Encoding"))) {
        response.putHeader("Content-Encoding", "gzip").end(body);
        return;
      }
      body = Buffer.buffer(Gzip.decompress(body.getBytes()));
    }
    response.end(body);
  }

  private void onFailure(RoutingContext rc) {
    Throwable failure = rc.failure();
    int status = rc.statusCode() > 0 ? rc.statusCode() : httpStatusOf(failure);
    String path = rc.request().path();
    String downstream = rc.get(DOWNSTREAM_KEY);
    JsonObject problem;
    if (failure instanceof DownstreamFailure df) {
      problem = Problems.problem(status, df.getMessage(), path).put("service", df.service());
      if (df.kind() == DownstreamFailure.Kind.CIRCUIT_OPEN) {
        rc.response().putHeader("Retry-After", String.valueOf(df.retryAfterSeconds()));
      }
    } else if (failure instanceof ParameterProblem pp) {
      problem = Problems.problem(status, Problems.capped(pp.getMessage()), path).put("parameter", Problems.shown(pp.parameter()));
    } else if (failure instanceof ReplyException re) {
      // A service's own answer: its sentence, unless it is a bug report, which stays in that service's log.
      String who = downstream == null ? "a StoreDash service" : downstream;
      String detail = status == 500 ? who + " failed with an internal error; its log has the details"
        : Problems.safeDetail(re.getMessage(), who + " answered " + status);
      if (status >= 500) {
        LOG.warn("{} {} answered {} by {}: {}", rc.request().method(), path, status, who, re.getMessage());
      }
      problem = Problems.problem(status, detail, path);
      if (downstream != null && status >= 500) {
        problem.put("service", downstream);
      }
    } else if (status == 413 && !(failure instanceof HttpException)) {
      problem = Problems.problem(status, "the body is larger than this route accepts (at most "
        + ADMIN_BODY_LIMIT / 1024 + " KiB)", path);
    } else if (status >= 500 && !(failure instanceof HttpException)) {
      LOG.error("request {} {} failed", rc.request().method(), path, failure);
      problem = Problems.problem(status, "internal error; the gateway log has the details", path);
    } else {
      String message = failure instanceof HttpException he ? he.getPayload() : failure == null ? null : failure.getMessage();
      problem = Problems.problem(status, Problems.safeDetail(message, Problems.title(status)), path);
    }
    if (Lingering.bodyPending(rc.request())) {
      // Refused before its body was read: that body is not wanted, and the connection cannot be reused.
      rc.response().putHeader("Connection", "close");
      Problems.send(rc.response(), problem).onComplete(ar -> Lingering.drainThenClose(vertx, rc.request()));
    } else {
      Problems.send(rc.response(), problem);
    }
  }
}
