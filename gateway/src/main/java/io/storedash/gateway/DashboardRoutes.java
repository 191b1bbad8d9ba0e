package io.storedash.gateway;

import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.Gzip;
import io.storedash.common.QueryKind;
import io.storedash.common.QueryParams;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.CacheClient;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.client.MonitorClient;
import io.storedash.common.client.QueryClient;
import io.storedash.common.Failure;
import io.storedash.gateway.auth.Access;
import io.storedash.gateway.auth.Caller;
import io.storedash.gateway.auth.StoreDirectory;
import io.storedash.gateway.http.ConstantPayload;
import io.storedash.gateway.http.ContentNegotiation;
import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Recent;
import io.storedash.gateway.http.export.ExportRequest;
import io.storedash.gateway.http.export.Exports;
import io.storedash.gateway.live.MonitorFeed;
import io.storedash.gateway.live.MonitorView;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard API: each request is validated into a {@link DashboardQuery} before any event-bus message is sent,
 * then asked of cache-service (query-service directly when no cache-service instance is running or its circuit is
 * open), and the result bytes are streamed to the client without being parsed. Also the monitor snapshot and the
 * load-test baseline.
 */
final class DashboardRoutes {

  /** With the admin token, asks query-service directly: the load test's uncached path. */
  static final String BYPASS_HEADER = "X-Cache-Bypass";
  /** The per-store views, each at {@code /api/v1/stores/{store}/<kind>}. */
  static final List<QueryKind> STORE_KINDS = List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS,
    QueryKind.CATEGORIES, QueryKind.HOURS, QueryKind.PRODUCTS, QueryKind.DIAGNOSIS, QueryKind.ORDERS, QueryKind.ACTIONS,
    QueryKind.LOSING_PRODUCTS);
  /**
   * The gateway's own parameter on every view of {@code all} (docs/DESIGN.md §13.2): the caller's stores of that city.
   * It never reaches the other services as text: it becomes the query's set of stores ({@link #withinAccess}).
   */
  static final String CITY = "city";
  private static final String JSON = "application/json; charset=utf-8";
  /** The most URIs {@link #validated} keeps; longer URIs are not kept at all. */
  static final int VALIDATED_URIS = 4096;
  static final int MAX_KEPT_URI = 512;
  /** What {@link #decoded} holds at most, in bytes. */
  static final long DECODED_BYTES = 8L << 20;
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized(JSON);
  private static final CharSequence X_CACHE = HttpHeaders.createOptimized("X-Cache");
  private static final CharSequence SERVER_TIMING = HttpHeaders.createOptimized("Server-Timing");
  private static final CharSequence VARY = HttpHeaders.createOptimized("Vary");
  private static final CharSequence ACCEPT_ENCODING = HttpHeaders.createOptimized("Accept-Encoding");
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");
  private static final CharSequence CONTENT_ENCODING = HttpHeaders.createOptimized("Content-Encoding");
  private static final CharSequence GZIP = HttpHeaders.createOptimized("gzip");

  private final CacheClient cacheService;
  private final QueryClient queryService;
  private final MonitorClient monitorService;
  private final MonitorFeed monitorFeed;
  private final AdminRoutes admin;
  private final StoreDirectory directory;
  private final Exports exports;
  private final ConstantPayload constant = new ConstantPayload();
  /** Queries validated lately, by URI: a dashboard asks the same few URIs over and over (docs/DESIGN.md §12.1). */
  private final Recent<String, Asked> validated = new Recent<>(VALIDATED_URIS, uri -> 1);

  /** A request's query and the city it narrows {@code all} to (null: none). */
  record Asked(DashboardQuery query, String city) {
  }
  /**
   * Stored gzip answers decoded for clients that do not take gzip, by query and entity tag (one query over one data
   * version is always the same bytes): decoded once, not per request.
   */
  private final Recent<String, Buffer> decoded = new Recent<>(DECODED_BYTES, Buffer::length);

  DashboardRoutes(CacheClient cacheService, QueryClient queryService, MonitorClient monitorService, MonitorFeed monitorFeed,
                  AdminRoutes admin, StoreDirectory directory, Exports exports) {
    this.cacheService = cacheService;
    this.queryService = queryService;
    this.monitorService = monitorService;
    this.monitorFeed = monitorFeed;
    this.admin = admin;
    this.directory = directory;
    this.exports = exports;
  }

  void mount(Router router) {
    router.get("/api/v1/stores").handler(rc -> dashboard(rc, QueryKind.STORES, DashboardQuery.ALL_STORES));
    for (QueryKind kind : STORE_KINDS) {
      router.get("/api/v1/stores/:store/" + kind.wireName()).handler(rc -> dashboard(rc, kind, rc.pathParam("store")));
    }
    router.get("/api/v1/ranking").handler(rc -> dashboard(rc, QueryKind.RANKING, DashboardQuery.ALL_STORES));
    router.get("/api/v1/monitor").handler(this::monitor);
    router.get(MonitorFeed.PATH).handler(rc -> monitorFeed.subscribe(rc, seesMonitorDetails(rc), readsSalesOf(rc)));
    router.get("/api/v1/bench/constant").handler(this::constant);
  }

  private void dashboard(RoutingContext rc, QueryKind kind, String store) {
    if (Exports.exportable(kind) && exported(rc, kind, store)) {
      return;
    }
    // The URI names the kind, the store and every parameter: the same URI is always the same query.
    String uri = rc.request().uri();
    Asked asked = validated.get(uri);
    if (asked == null) {
      try {
        // Without the export's format and lang: they are no part of the view (nor of its cache key).
        MultiMap viewParams = Exports.exportable(kind) ? ExportRequest.viewParams(rc.queryParams()) : rc.queryParams();
        asked = new Asked(queryOf(kind, store, viewParams), cityOf(kind, store, viewParams));
      } catch (IllegalArgumentException e) {
        rc.fail(400, e);
        return;
      }
      if (uri.length() <= MAX_KEPT_URI) {
        validated.put(uri, asked);
      }
    }
    // The sales guard before these routes lets only a caller with a role that reads sales through.
    Caller caller = Caller.of(rc);
    boolean bypass = rc.request().getHeader(BYPASS_HEADER) != null;
    if (bypass && !admin.authorized(rc)) {
      return;
    }
    withinAccess(caller.effectiveAccess(), asked.query(), asked.city())
      .onSuccess(scoped -> answer(rc, scoped, bypass))
      .onFailure(e -> rc.fail(FailureResponses.statusOf(e), e));
  }

  /**
   * Answers with the view as a file when the request asks for one (docs/DESIGN.md §13.1), or with the 400 of a wrong
   * {@code format} or {@code lang}.
   *
   * @return whether the request is answered here (else it asks for the JSON view)
   */
  private boolean exported(RoutingContext rc, QueryKind kind, String store) {
    ExportRequest export;
    try {
      export = ExportRequest.of(rc.request());
    } catch (IllegalArgumentException e) {
      rc.fail(400, e);
      return true;
    }
    if (export == null) {
      return false;
    }
    export(rc, kind, store, export);
    return true;
  }

  /**
   * The view as a file: validated as the JSON view is, then every page asked as the page asks it — within the
   * caller's access, through cache-service, charged to the caller's admission budget.
   */
  private void export(RoutingContext rc, QueryKind kind, String store, ExportRequest export) {
    MultiMap params = ExportRequest.viewParams(rc.queryParams());
    DashboardQuery query;
    try {
      query = queryOf(kind, store, params);
      cityOf(kind, store, params);
    } catch (IllegalArgumentException e) {
      rc.fail(400, e);
      return;
    }
    Caller caller = Caller.of(rc);
    String client = clientOf(rc);
    exports.export(rc, export, query, params, client, caller.name(), pageParams -> {
      try {
        DashboardQuery page = queryOf(kind, store, pageParams);
        // A city narrows every page as it narrows the JSON view: the caller's stores of that city.
        return withinAccess(caller.effectiveAccess(), page, cityOf(kind, store, pageParams))
          .compose(scoped -> throughCache(rc, scoped, client));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /**
   * The query as the caller may ask it: unchanged for every-store access; over exactly the caller's stores when it
   * covers {@code all} (the overview, the ranking and the store list of "my stores"); refused as an unknown store,
   * with the very answer a store that does not exist gets, when it names a store outside the caller's access. With a
   * city (a query over {@code all}), over the caller's stores of that city — for any caller, hq too — so a city
   * narrows what the caller sees and never adds to it; a city no store of theirs has is the empty set.
   */
  Future<DashboardQuery> withinAccess(Access access, DashboardQuery query, String city) {
    if (city != null) {
      return directory.loaded().map(v -> query.restrictedTo(directory.storesIn(access, city)));
    }
    if (access.everyStore()) {
      return Future.succeededFuture(query);
    }
    // Only a city assignment needs to know where the stores are.
    Future<Void> known = access.cities().isEmpty() ? Future.succeededFuture() : directory.loaded();
    return known.compose(v -> {
      if (query.coversAllStores()) {
        return Future.succeededFuture(query.restrictedTo(directory.storesOf(access)));
      }
      String store = query.store();
      if (directory.allows(access, store)) {
        return Future.succeededFuture(query);
      }
      if (access.cities().isEmpty() || directory.knows(store)) {
        return Future.failedFuture(Failure.unknownStore(store));
      }
      // A store the list does not know yet may be a new store of an assigned city: look once more.
      return directory.lookUpUnknown().compose(w -> directory.allows(access, store) ? Future.succeededFuture(query)
        : Future.failedFuture(Failure.unknownStore(store)));
    });
  }

  /**
   * The query a request asks: {@code from}/{@code to} plus the kind's own parameters. Each parameter is checked on
   * its own first, so that the 400 names the one that is wrong; anything unknown, or given twice, is refused so
   * that a typo never silently answers another question.
   *
   * @throws ParameterProblem naming the parameter
   */
  static DashboardQuery queryOf(QueryKind kind, String store, MultiMap queryParams) {
    // The action list is of one day (its own parameter, day): a range is no parameter of it.
    boolean ranged = kind != QueryKind.ACTIONS;
    for (String name : queryParams.names()) {
      if (queryParams.getAll(name).size() > 1) {
        throw new ParameterProblem(name, "parameter " + name + " is given more than once");
      }
      boolean range = name.equals("from") || name.equals("to");
      if (!(ranged && range) && !QueryParams.namesOf(kind).contains(name) && !(name.equals(CITY) && takesCity(kind))) {
        throw new ParameterProblem(name, "unknown parameter '" + name + "'; " + kind.wireName() + " takes "
          + (ranged ? "from, to" + QueryParams.namesOf(kind).stream().sorted().map(n -> ", " + n).reduce("", String::concat)
          : String.join(", ", new TreeSet<>(QueryParams.namesOf(kind))))
          + (takesCity(kind) ? ", " + CITY : ""));
      }
    }
    try {
      DashboardQuery.checkStoreOf(kind, store);
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
          DashboardQuery.checkParam(kind, name, value);
        } catch (IllegalArgumentException e) {
          throw new ParameterProblem(name, e.getMessage());
        }
        params.put(name, value);
      }
    }
    if (params.containsKey("day") && (from != null || to != null)) {
      throw new ParameterProblem("day", "day replaces from and to: give day, or from and to");
    }
    if (params.containsKey("min_amount") && params.containsKey("max_amount")
      && QueryParams.cents("min_amount", params.get("min_amount")) > QueryParams.cents("max_amount", params.get("max_amount"))) {
      throw new ParameterProblem("max_amount", "max_amount (" + params.get("max_amount") + ") is below min_amount ("
        + params.get("min_amount") + ")");
    }
    try {
      return DashboardQuery.of(kind, store, from, to, params);
    } catch (IllegalArgumentException e) {
      // Each part was valid alone, and so were the pairs above: what is left is the range (both given, in order, not
      // too long).
      throw new ParameterProblem(from != null && to == null ? "to" : "from", e.getMessage());
    }
  }

  /** Whether a kind takes {@code city}: those that answer for {@code all} (the store list and the ranking too). */
  static boolean takesCity(QueryKind kind) {
    return kind.allowsAllStores();
  }

  /**
   * The city a request narrows {@code all} to, or null; checked after {@link #queryOf}.
   *
   * @throws ParameterProblem naming {@code city}: on a single store's view, or not a city's name
   */
  static String cityOf(QueryKind kind, String store, MultiMap queryParams) {
    String city = queryParams.get(CITY);
    if (city == null) {
      return null;
    }
    if (!DashboardQuery.ALL_STORES.equals(DashboardQuery.checkStoreOf(kind, store))) {
      throw new ParameterProblem(CITY, "city narrows 'all' to the stores of a city; the view of store " + store
        + " takes none");
    }
    if (!QueryParams.isText(city)) {
      throw new ParameterProblem(CITY, "city must be a city's name as the store list writes it: 1 to 64 characters, "
        + "not only spaces, no control characters");
    }
    return city;
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
    String client = clientOf(rc);
    if (bypassCache) {
      rc.put(FailureResponses.DOWNSTREAM_KEY, ServiceNames.QUERY);
      reply = queryService.compute(query, client);
    } else {
      reply = throughCache(rc, query, client);
    }
    reply.onSuccess(result -> respond(rc, query, result)).onFailure(e -> rc.fail(FailureResponses.statusOf(e), e));
  }

  /** The answer from cache-service, or from query-service when no cache-service answers. */
  private Future<DashboardReply> throughCache(RoutingContext rc, DashboardQuery query, String client) {
    rc.put(FailureResponses.DOWNSTREAM_KEY, ServiceNames.CACHE);
    return cacheService.query(query, client).recover(e -> withoutCache(rc, query, client, e));
  }

  /**
   * No cache-service instance, or none that answers: asks query-service directly rather than fail. When query-service
   * has no instance either, the answer says both are missing (or that cache-service's circuit is open).
   */
  private Future<DashboardReply> withoutCache(RoutingContext rc, DashboardQuery query, String client, Throwable cacheFailure) {
    if (!(cacheFailure instanceof DownstreamFailure df)
      || (df.kind() != DownstreamFailure.Kind.NO_INSTANCE && df.kind() != DownstreamFailure.Kind.CIRCUIT_OPEN)) {
      return Future.failedFuture(cacheFailure);
    }
    rc.put(FailureResponses.DOWNSTREAM_KEY, ServiceNames.QUERY);
    return queryService.compute(query, client).recover(e -> Future.failedFuture(
      !(e instanceof DownstreamFailure none && none.kind() == DownstreamFailure.Kind.NO_INSTANCE) ? e
        : df.kind() == DownstreamFailure.Kind.CIRCUIT_OPEN ? df
        : new HttpException(503, "no instance of cache-service or query-service is running")));
  }

  /**
   * Whose admission budget a computation this request causes is charged to (docs/DESIGN.md §12.3): the caller's
   * user, token or break-glass token; the address only for a request without a caller (no dashboard route has one).
   */
  static String clientOf(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    if (caller != null && caller.client() != null) {
      return caller.client();
    }
    io.vertx.core.net.SocketAddress remote = rc.request().remoteAddress();
    return "addr:" + (remote == null ? "unknown" : remote.hostAddress());
  }

  /**
   * The snapshot monitor-service published last, while it is fresh (every instance publishes every 5 s): no
   * event-bus round trip, and the loss of one monitor-service instance goes unnoticed. Without a fresh one, the
   * gateway asks monitor-service, and answers 503 when none does.
   */
  private void monitor(RoutingContext rc) {
    rc.put(FailureResponses.DOWNSTREAM_KEY, ServiceNames.MONITOR);
    boolean details = seesMonitorDetails(rc);
    MonitorFeed.Snapshot fresh = monitorFeed.freshSnapshot(details);
    if (fresh != null) {
      rc.response()
        .putHeader("Content-Type", JSON)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Age", String.valueOf(fresh.ageSeconds()))
        .end(fresh.json());
      return;
    }
    monitorService.snapshot()
      .onSuccess(snapshot -> rc.response()
        .putHeader("Content-Type", JSON)
        .putHeader("Cache-Control", "no-store")
        .end(details ? snapshot.toBuffer() : MonitorView.statusOnly(snapshot).toBuffer()))
      .onFailure(e -> rc.fail(FailureResponses.statusOf(e), e));
  }

  /** The monitor is public, but only {@code ops} and {@code hq} see hosts, ports, versions, node ids and figures. */
  /** The stores whose data changes the caller's page is told of: none for a role that reads no sales. */
  private static Access readsSalesOf(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    return caller != null && caller.role().readsSales() ? caller.effectiveAccess() : null;
  }

  private static boolean seesMonitorDetails(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    return caller != null && caller.role().operates();
  }

  /** The load-test baseline: the hot path of a cache hit without the event bus. */
  private void constant(RoutingContext rc) {
    sendResult(rc, constant.gzip(), true, constant.etag(), constant.etag(), "CONST", "gateway;dur=0");
  }

  private void respond(RoutingContext rc, DashboardQuery query, DashboardReply reply) {
    String tier = reply.tier();
    String status = reply.cacheStatus();
    String xCache = tier == null ? "BYPASS" : "HIT".equals(status) ? tier : status;
    long totalMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - rc.<Long>get(GatewayVerticle.STARTED_KEY));
    StringBuilder timing = new StringBuilder("gateway;dur=").append(totalMicros / 1000.0);
    if (tier != null) {
      timing.append(", cache;desc=\"").append(tier).append(' ').append(status).append('"');
    }
    if (reply.computeMs() != null) {
      timing.append(", compute;dur=").append(reply.computeMs());
    }
    // The tag belongs to this query's answer: the key names both, so no other query's bytes can ever be sent.
    String decodedKey = reply.etag() == null ? null : query.canonical() + "\n" + reply.etag();
    sendResult(rc, reply.body(), reply.gzipped(), reply.etag(), decodedKey, xCache, timing.toString());
  }

  /**
   * Result bytes as they are: stored gzip to clients that accept it, decoded for those that do not — once per query
   * and entity tag, not once per request.
   */
  private void sendResult(RoutingContext rc, Buffer body, boolean gzipped, String etag, String decodedKey, String xCache,
                          String timing) {
    HttpServerResponse response = rc.response();
    response.putHeader(CONTENT_TYPE, JSON_TYPE)
      .putHeader(X_CACHE, xCache)
      .putHeader(SERVER_TIMING, timing)
      .putHeader(VARY, ACCEPT_ENCODING)
      .putHeader(CACHE_CONTROL, NO_CACHE);
    if (etag != null) {
      response.putHeader(ETAG, etag);
      if (ContentNegotiation.matches(rc.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
        response.setStatusCode(304).end();
        return;
      }
    }
    if (gzipped) {
      if (ContentNegotiation.acceptsGzip(rc.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
        response.putHeader(CONTENT_ENCODING, GZIP).end(body);
        return;
      }
      body = plain(body, decodedKey);
    }
    response.end(body);
  }

  /** @param key what names these bytes for good (the query and its entity tag), or null: decoded, not kept */
  private Buffer plain(Buffer gzip, String key) {
    Buffer plain = key == null ? null : decoded.get(key);
    if (plain == null) {
      plain = Buffer.buffer(Gzip.decompress(gzip.getBytes()));
      if (key != null) {
        decoded.put(key, plain);
      }
    }
    return plain;
  }
}
