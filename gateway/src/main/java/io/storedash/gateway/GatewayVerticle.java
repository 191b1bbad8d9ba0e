package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.gateway.auth.StoreDirectory;
import io.storedash.common.MonotonicClock;
import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.client.CacheClient;
import io.storedash.common.client.MonitorClient;
import io.storedash.common.client.QueryClient;
import io.storedash.common.http.HttpLimits;
import io.storedash.common.http.SlowClients;
import io.storedash.gateway.auth.Guard;
import io.storedash.gateway.auth.OidcSignIn;
import io.storedash.gateway.auth.Role;
import io.storedash.gateway.auth.SignIn;
import io.storedash.gateway.downstream.Downstream;
import io.storedash.gateway.downstream.Instances;
import io.storedash.gateway.http.AccessLog;
import io.storedash.gateway.http.AdminToken;
import io.storedash.gateway.http.ApiDocument;
import io.storedash.gateway.http.CredentialsInUrl;
import io.storedash.gateway.http.Problems;
import io.storedash.gateway.http.RequestBodies;
import io.storedash.gateway.http.RequestStats;
import io.storedash.gateway.http.SecurityHeaders;
import io.storedash.gateway.http.VendorAssets;
import io.storedash.gateway.http.export.Exports;
import io.storedash.gateway.live.MonitorFeed;
import io.storedash.gateway.push.SubscriptionRoutes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The HTTP face of StoreDash: the API under {@code /api/v1} (described by {@code openapi.yaml}), the dashboard page
 * and the API docs. This class wires: the dashboard views are {@link DashboardRoutes}, the admin commands
 * {@link AdminRoutes}, uploads {@link ImportRoutes}, and every failure's answer {@link FailureResponses}. Every
 * downstream service sits behind its own circuit breaker ({@link Downstream}), which its typed client sends through.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /** The routing-context key of the time the request arrived, for Server-Timing. */
  static final String STARTED_KEY = "started";
  /** Body limit of the JSON admin commands. */
  static final long ADMIN_BODY_LIMIT = 64 * 1024;
  static final String IMPORT_PATH = "/api/v1/imports";
  static final String WARM_PATH = "/api/v1/admin/cache/warm";
  /** HQ's channel list; {@code CHANNELS_PATH + "/:code"} changes one channel's fee flag. */
  static final String CHANNELS_PATH = "/api/v1/admin/channels";
  static final String ACTION_SETTINGS_PATH = "/api/v1/admin/action-settings";
  /** The only requests that may carry a body. */
  private static final RequestBodies BODIES = new RequestBodies(Stream.concat(Stream.of("POST " + IMPORT_PATH,
    "POST " + WARM_PATH, "PUT " + CHANNELS_PATH + "/*", "PUT " + ACTION_SETTINGS_PATH, "POST " + SubscriptionRoutes.PATH),
    SignIn.BODY_ROUTES.stream()).collect(Collectors.toSet()));

  private final ServiceContext service;
  private final RequestStats stats = new RequestStats();
  private final Clock clock;
  private final Instances instances;
  private MonitorFeed monitorFeed;
  private StoreDirectory directory;
  private SignIn signIn;
  /** Single sign-on, when OIDC_ISSUER is set; else null. */
  private OidcSignIn singleSignOn;
  private AdminRoutes admin;
  private ImportRoutes imports;
  private ImportHistoryRoutes importHistory;
  private DashboardRoutes dashboards;
  private SubscriptionRoutes subscriptions;
  private FailureResponses failures;
  private HttpServer server;
  private SlowClients slowClients;
  private long rotateTimer;
  private AccessLog accessLog;
  private CredentialsInUrl credentialsInUrl;

  public GatewayVerticle(ServiceContext service) {
    this(service, MonotonicClock.create());
  }

  /** @param clock what heartbeats, circuit-breaker windows and the age of monitor snapshots are measured by */
  public GatewayVerticle(ServiceContext service, Clock clock) {
    this.service = service;
    this.clock = clock;
    this.instances = new Instances(clock);
  }

  private record Assets(ApiDocument api, VendorAssets vendor) {
  }

  @Override
  public Future<?> start() {
    Duration timeout = service.config().requestTimeout();
    Downstream cacheService = Downstream.cacheService(vertx, ServiceNames.CACHE, clock);
    Downstream queryService = Downstream.of(vertx, ServiceNames.QUERY, clock);
    Downstream monitorService = Downstream.of(vertx, ServiceNames.MONITOR, clock);
    MessageSignatures signatures = service.signatures();
    CacheClient cacheClient = CacheClient.create(cacheService, signatures, timeout);
    MonitorClient monitorClient = MonitorClient.create(monitorService, timeout);
    QueryClient queryClient = QueryClient.create(queryService, signatures, timeout);
    AdminToken adminToken = new AdminToken(service.config().adminToken());
    accessLog = AccessLog.of(adminToken, service.config().load(), service.meterRegistry());
    signIn = new SignIn(vertx, signatures, service.config(), adminToken, clock);
    // Discovers the issuer in the background: the gateway starts (and answers 503 on single sign-on) without it.
    singleSignOn = service.config().oidc().map(oidc -> new OidcSignIn(vertx, oidc, signIn.singleSignOn())).orElse(null);
    admin = new AdminRoutes(cacheClient, queryClient, adminToken, signIn.audit());
    slowClients = HttpLimits.slowClients(vertx, service.config(), request -> Problems.send(request.response(),
      Problems.problem(408, "the request body did not arrive within " + service.config().httpSlowClientTimeout().toMillis()
        / 1000.0 + " s of its headers", request.path())));
    imports = new ImportRoutes(vertx, signatures, queryService, timeout, slowClients, clock, signIn.audit());
    importHistory = new ImportHistoryRoutes(queryClient, signIn.audit());
    DashboardQuery everyStore = DashboardQuery.of(QueryKind.STORES, DashboardQuery.ALL_STORES, null, null);
    directory = new StoreDirectory(vertx, signatures,
      () -> cacheClient.query(everyStore).recover(e -> queryClient.compute(everyStore)), clock);
    monitorFeed = new MonitorFeed(vertx, signatures, monitorClient, clock, service.config().limits(), service.meterRegistry(),
      directory);
    Exports exports = new Exports(vertx, service.config().load().exportMaxRows(),
      java.time.Clock.system(service.config().timezone()));
    dashboards = new DashboardRoutes(cacheClient, queryClient, monitorClient, monitorFeed, admin, directory, exports);
    failures = new FailureResponses(vertx, ADMIN_BODY_LIMIT);
    subscriptions = new SubscriptionRoutes(vertx, signatures, directory, timeout, signIn.audit());

    service.heartbeatStats(() -> new JsonObject()
      .put("requests", stats.lastMinute())
      .put("breakers", new JsonObject()
        .put(cacheService.service(), cacheService.state())
        .put(queryService.service(), queryService.state())
        .put(monitorService.service(), monitorService.state()))
      .put("monitor_streams", monitorFeed.streams()));
    rotateTimer = vertx.setPeriodic(10_000, t -> stats.rotate());
    // Only a member's heartbeat counts: a forged one would make readiness believe in an instance that is not there.
    MessageConsumer<JsonObject> heartbeats = vertx.eventBus().consumer(Addresses.HEARTBEAT,
      signatures.verified(Addresses.HEARTBEAT, msg -> instances.heartbeat(msg.body())));
    readinessChecks();

    return vertx.executeBlocking(() -> new Assets(ApiDocument.load(), VendorAssets.load()))
      .compose(assets -> Future.all(heartbeats.completion(), monitorFeed.start(), signIn.start())
        .compose(v -> listen(router(assets))))
      .onSuccess(v -> {
        JsonObject request = new JsonObject();
        vertx.eventBus().publish(Addresses.HEARTBEAT_REQUEST, request, signatures.sign(Addresses.HEARTBEAT_REQUEST, request));
      })
      // The store list is not waited for: until it is in, a city assignment grants nothing (the checks fail closed).
      .onSuccess(v -> directory.start());
  }

  /**
   * Ready when query-service has a live instance: without one no view that is not cached can be answered. A missing
   * cache-service (the gateway asks query-service directly) or monitor-service (only the monitor panel is affected)
   * leaves the gateway ready but degraded, so that a load balancer does not take every gateway out of service for
   * a fault that costs one panel.
   */
  private void readinessChecks() {
    service.readinessCheck(ServiceNames.QUERY, promise -> {
      int live = instances.live(ServiceNames.QUERY);
      JsonObject data = new JsonObject().put("live_instances", live);
      promise.complete(live > 0 ? Status.OK(data) : Status.KO(data.put("reason", "no live query-service instance in the heartbeats")));
    });
    for (String optional : List.of(ServiceNames.CACHE, ServiceNames.MONITOR)) {
      service.readinessCheck(optional, promise -> {
        int live = instances.live(optional);
        JsonObject data = new JsonObject().put("live_instances", live);
        promise.complete(Status.OK(live > 0 ? data : data.put("degraded", true).put("reason", "no live " + optional + " instance")));
      });
    }
  }

  /**
   * The static handler fails (500 from inside Vert.x Web) on a path such as {@code /..%2F..} whose normalised form is
   * empty, and no file of the page has an encoded slash or backslash in its name: such a path is not found here.
   */
  private static void refuseOddStaticPaths(RoutingContext rc) {
    String normalized = rc.normalizedPath();
    String raw = rc.request().path().toLowerCase(Locale.ROOT);
    if (normalized == null || !normalized.startsWith("/") || raw.contains("%2f") || raw.contains("%5c")) {
      Problems.send(rc.response(), Problems.problem(404, "no such page or file", rc.request().path()));
      return;
    }
    rc.next();
  }

  private Router router(Assets assets) {
    Router router = Router.router(vertx);
    credentialsInUrl = new CredentialsInUrl(admin.token());
    router.route().handler(this::front);

    // Who calls: a bearer token or the session cookie; /api/v1/* refuses anonymous requests but on public routes.
    signIn.mountSessionHandler(router);
    if (singleSignOn != null) {
      // Before the authentication handler: the browser has no caller yet on either step.
      singleSignOn.mount(router);
    }
    router.route("/api/v1/*").handler(signIn.authentication());
    router.route("/metrics").handler(signIn.authentication());
    Handler<RoutingContext> sales = Guard.require("sales figures", "hq, manager or viewer", Role::readsSales);
    router.get("/api/v1/stores").handler(sales);
    router.get("/api/v1/stores/*").handler(sales);
    router.get("/api/v1/ranking").handler(sales);

    dashboards.mount(router);
    signIn.mount(router);
    subscriptions.mount(router);

    // Role and admission are checked before a byte of the upload is read; the file then streams to query-service.
    router.post(IMPORT_PATH).handler(Guard.require("imports", "hq or manager", Role::imports));
    router.post(IMPORT_PATH).handler(imports::admit);
    router.post(IMPORT_PATH).handler(imports::importFile);
    Handler<RoutingContext> importers = Guard.require("imports", "hq or manager", Role::imports);
    router.get(IMPORT_PATH).handler(importers).handler(importHistory::list);
    router.post(ImportHistoryRoutes.UNDO_PATH).handler(importers).handler(importHistory::undo);
    router.route("/api/v1/admin/*").handler(admin::authorize);
    router.post(WARM_PATH).handler(BodyHandler.create(false).setBodyLimit(ADMIN_BODY_LIMIT)).handler(admin::warm);
    router.delete("/api/v1/admin/cache").handler(admin::flush);
    router.get("/api/v1/admin/cache/stats").handler(admin::stats);
    router.get(CHANNELS_PATH).handler(admin::channels);
    router.put(CHANNELS_PATH + "/:code").handler(BodyHandler.create(false).setBodyLimit(ADMIN_BODY_LIMIT))
      .handler(admin::setChannel);
    router.get(ACTION_SETTINGS_PATH).handler(admin::actionSettings);
    router.put(ACTION_SETTINGS_PATH).handler(BodyHandler.create(false).setBodyLimit(ADMIN_BODY_LIMIT))
      .handler(admin::setActionSettings);

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
    // Status only on this port, and metrics only for hq or ops: the details are on the management port.
    service.mountPublicProbes(router, admin::authorizeMetrics);
    router.get("/*").handler(GatewayVerticle::refuseOddStaticPaths);
    router.get("/*").handler(StaticHandler.create("webroot")
      .setIndexPage("index.html")
      .setDefaultContentEncoding("UTF-8")
      .setCachingEnabled(true)
      // Short: a new release's page and scripts are picked up within a minute, revalidated by Last-Modified.
      .setMaxAgeSeconds(60));

    failures.mount(router);
    return router;
  }

  private Future<HttpServer> listen(Router router) {
    // Idle timeout, request line and header limits, no inflated bodies, no h2c: as every StoreDash server.
    return vertx.createHttpServer(HttpLimits.serverOptions(service.config())
        // Cached answers already travel as the gzip bytes cache-service stored: nothing is compressed twice.
        .setCompressionSupported(false)
        .setMaxFormAttributeSize(8192)
        .setMaxFormFields(ImportRoutes.MAX_FORM_FIELDS))
      .connectionHandler(slowClients::connected)
      .invalidRequestHandler(FailureResponses::invalidRequest)
      .requestHandler(request -> {
        slowClients.headArrived(request);
        // An event stream beyond the caps is refused before the router: a flood of them comes as thousands a second.
        if (!monitorFeed.refusedAtOnce(request)) {
          router.handle(request);
        }
      })
      .listen(service.config().httpPort())
      .onSuccess(s -> {
        server = s;
        LOG.info("gateway listening on http://127.0.0.1:{}", s.actualPort());
      });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(rotateTimer);
    if (accessLog != null) {
      accessLog.close();
    }
    if (singleSignOn != null) {
      singleSignOn.close();
    }
    if (slowClients != null) {
      slowClients.stop();
    }
    // Stop accepting, let requests in flight finish within the grace period; event streams end at once.
    return Future.join(monitorFeed.stop(), directory.stop(), server == null ? Future.succeededFuture()
      : server.shutdown(service.config().requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS))
      .eventually(() -> signIn == null ? Future.succeededFuture() : signIn.close());
  }

  /** The port the gateway listens on (useful when HTTP_PORT is 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * What every request passes first, in one handler rather than five routes (each route the router walks costs on
   * every request, docs/DESIGN.md §12.1): its time is measured and its access-log line written when it ends, the
   * security headers are set, a credential in the URL is refused, and so is a body where none is taken.
   */
  private void front(RoutingContext rc) {
    long started = System.nanoTime();
    rc.put(STARTED_KEY, started);
    rc.addEndHandler(end -> {
      stats.record(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started), rc.response().getStatusCode() < 500);
      accessLog.ended(rc, end, started);
    });
    SecurityHeaders.apply(rc.response().headers());
    if (credentialsInUrl.admits(rc) && BODIES.admits(rc)) {
      rc.next();
    }
  }
}
