package io.storedash.gateway.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.Addresses;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.MonitorClient;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.config.ServerLimits;
import io.storedash.gateway.auth.Access;
import io.storedash.gateway.auth.Audit;
import io.storedash.gateway.auth.StoreDirectory;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The monitor snapshot as server-sent events. One event-bus consumer per gateway instance fans every published
 * snapshot out to all open streams (a consumer per browser would be a cluster-wide subscription per tab). When no
 * snapshot has arrived for two publishing intervals, the feed asks monitor-service itself and, if it does not
 * answer, tells every stream {@code event: unavailable}, so the page can say the monitor is down instead of
 * silently showing old figures. Streams are capped in all and per client address ({@link StreamLimits}); a stream
 * beyond a cap is answered 503 or 429 with {@code Retry-After} and its connection closed, and every stream that ends
 * — client gone, connection idle, gateway stopping — gives its place back. All state is touched on the verticle's
 * event loop only.
 *
 * <p>The same streams carry {@code event: data-changed} after an import or a channel change, so that an open page
 * reloads its figures: each stream is told only the changed stores its caller may read (all of them for every-store
 * access, none for a role that reads no sales), and nothing when none of them are.
 */
public final class MonitorFeed {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorFeed.class);

  /** monitor-service publishes every 5 s; two missed snapshots mean it is gone or stuck. */
  static final Duration STALE_AFTER = Duration.ofSeconds(11);
  private static final long WATCH_EVERY_MS = 5_000;
  private static final long KEEP_ALIVE_EVERY_MS = 15_000;
  /**
   * What a refused stream is told to wait: places come free as pages close, not in a moment. (A browser's
   * EventSource does not read it and gives up on a refusal; the page tries again itself after as long.)
   */
  static final int RETRY_AFTER_SECONDS = 30;
  /** The route of the streams. */
  public static final String PATH = "/api/v1/monitor/stream";
  private static final CharSequence PROBLEM_TYPE = HttpHeaders.createOptimized(Problems.CONTENT_TYPE);
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  private static final CharSequence RETRY_AFTER_VALUE = HttpHeaders.createOptimized(String.valueOf(RETRY_AFTER_SECONDS));
  private static final CharSequence NOSNIFF_HEADER = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final MonitorClient monitorService;
  private final Clock clock;
  private final StreamLimits limits;
  /** Every open stream and the client address it is counted under. */
  private final Map<HttpServerResponse, String> streams = new LinkedHashMap<>();
  /** The streams of callers who see the monitor's details ({@code ops}, {@code hq}); the others get {@link MonitorView}. */
  private final Set<HttpServerResponse> detailed = new HashSet<>();
  /** The stores each stream's caller reads, for data-changed; a caller who reads no sales has no entry. */
  private final Map<HttpServerResponse, Access> readers = new HashMap<>();
  private final StoreDirectory directory;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter refusedByAddress;
  private final Counter refusedFull;
  private final Buffer addressFull;
  private final Buffer gatewayFull;
  private MessageConsumer<JsonObject> updates;
  private MessageConsumer<JsonObject> changes;
  private Buffer lastEvent;
  private Buffer lastStatusEvent;
  private Buffer lastSnapshot;
  private Buffer lastStatus;
  private long lastSnapshotAt;
  private long watchTimer;
  private long keepAliveTimer;
  private boolean polling;
  private long lastRefusalLogged;

  /**
   * @param signatures check that a published snapshot comes from monitor-service, a member: the gateway shows it
   * @param clock      what the age of the last snapshot is measured by
   * @param limits     SSE_MAX_STREAMS and SSE_MAX_STREAMS_PER_ADDRESS
   * @param directory where stores are, for a caller whose access names cities
   */
  public MonitorFeed(Vertx vertx, MessageSignatures signatures, MonitorClient monitorService, Clock clock,
                     ServerLimits limits, MeterRegistry registry, StoreDirectory directory) {
    this.vertx = vertx;
    this.directory = directory;
    this.signatures = signatures;
    this.monitorService = monitorService;
    this.clock = clock;
    this.limits = new StreamLimits(limits.sseMaxStreams(), limits.sseMaxStreamsPerAddress());
    this.registry = registry;
    meters.add(Gauge.builder("storedash_gateway_event_streams", this, MonitorFeed::streams)
      .description("Open event streams (GET /api/v1/monitor/stream) on this gateway").register(registry));
    meters.add(Gauge.builder("storedash_gateway_event_streams_max", this.limits, StreamLimits::max)
      .description("The most event streams this gateway serves (SSE_MAX_STREAMS)").register(registry));
    refusedByAddress = refusals(registry, "address_full");
    refusedFull = refusals(registry, "gateway_full");
    meters.add(refusedByAddress);
    meters.add(refusedFull);
    addressFull = Problems.problem(429, "this address already holds " + limits.sseMaxStreamsPerAddress()
      + " event streams on this gateway (SSE_MAX_STREAMS_PER_ADDRESS): close one (another tab) or try again in "
      + RETRY_AFTER_SECONDS + " s; GET /api/v1/monitor answers without a stream", PATH).toBuffer();
    gatewayFull = Problems.problem(503, "this gateway already serves " + limits.sseMaxStreams() + " event streams "
      + "(SSE_MAX_STREAMS): try again in " + RETRY_AFTER_SECONDS + " s; GET /api/v1/monitor answers without a stream",
      PATH).toBuffer();
  }

  private static Counter refusals(MeterRegistry registry, String reason) {
    return Counter.builder("storedash_gateway_event_streams_refused")
      .description("Event streams refused: their client address held SSE_MAX_STREAMS_PER_ADDRESS (429), or the gateway "
        + "SSE_MAX_STREAMS (503)")
      .tag("reason", reason).register(registry);
  }

  /** Completes when the consumer of published snapshots is registered. */
  public Future<Void> start() {
    updates = vertx.eventBus().consumer(Addresses.MONITOR_UPDATES,
      signatures.verified(Addresses.MONITOR_UPDATES, msg -> onSnapshot(msg.body())));
    watchTimer = vertx.setPeriodic(WATCH_EVERY_MS, t -> {
      if (!streams.isEmpty() && isStale()) {
        poll();
      }
    });
    keepAliveTimer = vertx.setPeriodic(KEEP_ALIVE_EVERY_MS, t -> {
      Buffer keepAlive = Buffer.buffer(": keep-alive\n\n");
      broadcast(keepAlive, keepAlive);
    });
    changes = vertx.eventBus().consumer(Addresses.DATA_CHANGED,
      signatures.verified(Addresses.DATA_CHANGED, msg -> onDataChanged(msg.body())));
    return Future.all(updates.completion(), changes.completion()).mapEmpty();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(watchTimer);
    vertx.cancelTimer(keepAliveTimer);
    for (HttpServerResponse stream : new ArrayList<>(streams.keySet())) {
      forget(stream);
      stream.end();
    }
    // A gateway deployed again in this process registers its own.
    meters.forEach(registry::remove);
    return Future.all(updates == null ? Future.succeededFuture() : updates.unregister(),
      changes == null ? Future.succeededFuture() : changes.unregister()).mapEmpty();
  }

  /** Open streams, for the heartbeat and the metrics (read from any thread: perhaps a moment old). */
  public int streams() {
    return limits.open();
  }

  /**
   * GET /api/v1/monitor/stream.
   *
   * @param details whether the caller sees hosts, ports, versions and figures, or only the colours
   * @param reads   the stores whose data-changed the caller is told of, or null for none (a role without sales)
   */
  public void subscribe(RoutingContext rc, boolean details, Access reads) {
    if (rc.response().closed()) {
      // The client left before its turn: no close handler would ever give the place back.
      return;
    }
    String address = Audit.address(rc);
    if (refused(rc.request(), limits.admit(address), address)) {
      return;
    }
    HttpServerResponse response = rc.response()
      .setChunked(true)
      .putHeader("Content-Type", "text/event-stream; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .putHeader("X-Accel-Buffering", "no");
    streams.put(response, address);
    if (details) {
      detailed.add(response);
    }
    if (reads != null) {
      readers.put(response, reads);
    }
    response.closeHandler(v -> forget(response));
    response.exceptionHandler(e -> forget(response));
    response.write("retry: 5000\n\n");
    if (lastEvent != null && !isStale()) {
      response.write(details ? lastEvent : lastStatusEvent);
    } else {
      poll();
    }
  }

  private boolean isStale() {
    return clock.millis() - lastSnapshotAt > STALE_AFTER.toMillis();
  }

  /**
   * Called by the gateway with every request before its router: a stream that would be refused now is refused here,
   * before its request is routed, logged, authenticated or counted in the gateway's figures, so that a flood of them
   * costs the event loop as little as it can (and does not pass for users' failed requests). The stream route counts
   * the ones let through ({@link #subscribe}), refusing any that lost a race for the last place.
   *
   * @return whether the request was a stream and has been refused
   */
  public boolean refusedAtOnce(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET || !PATH.equals(request.path())) {
      return false;
    }
    String address = address(request);
    return refused(request, limits.check(address), address);
  }

  /** The connection's address, as sign-in's lockout counts it ({@link Audit#address}): behind a proxy, the proxy's. */
  private static String address(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }

  /** Refuses the stream for {@code verdict} unless it is {@code OPEN}; whether it was refused. */
  private boolean refused(HttpServerRequest request, StreamLimits.Verdict verdict, String address) {
    switch (verdict) {
      case ADDRESS_FULL -> {
        refusedByAddress.increment();
        refuse(request, 429, addressFull, address);
        return true;
      }
      case GATEWAY_FULL -> {
        refusedFull.increment();
        refuse(request, 503, gatewayFull, address);
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** Gives the stream's place back; once, however many of its ends (close, error, stop) call it. */
  private void forget(HttpServerResponse response) {
    if (streams.containsKey(response)) {
      limits.release(streams.remove(response));
    }
    detailed.remove(response);
    readers.remove(response);
  }

  /**
   * Answers a refused stream with its problem (the same bytes every time: a flood is answered without building
   * JSON) and {@code Retry-After}, then closes its connection.
   */
  private void refuse(HttpServerRequest request, int status, Buffer problem, String address) {
    long now = System.currentTimeMillis();
    if (now - lastRefusalLogged >= 1000) {
      // One line a second at most: a flood would otherwise write one per refusal.
      lastRefusalLogged = now;
      LOG.warn("event stream refused ({}) to {}: {} open, {} refused so far", status, address, limits.open(),
        (long) (refusedByAddress.count() + refusedFull.count()));
    }
    // Sent without the router's security headers: the ones that matter for a JSON answer.
    request.response().setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_TYPE)
      .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
      .putHeader(RETRY_AFTER, RETRY_AFTER_VALUE)
      .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
      .putHeader(NOSNIFF_HEADER, NOSNIFF)
      .end(problem)
      .onComplete(ar -> request.connection().close());
  }

  /** A published snapshot and how many whole seconds ago it arrived. */
  public record Snapshot(Buffer json, long ageSeconds) {
  }

  /**
   * The last snapshot monitor-service published or answered, unless it is stale; else null.
   *
   * @param details the whole snapshot, or only its colours ({@link MonitorView})
   */
  public Snapshot freshSnapshot(boolean details) {
    return lastSnapshot == null || isStale() ? null
      : new Snapshot(details ? lastSnapshot : lastStatus, (clock.millis() - lastSnapshotAt) / 1000);
  }

  private void onSnapshot(JsonObject snapshot) {
    lastSnapshotAt = clock.millis();
    lastSnapshot = snapshot.toBuffer();
    JsonObject status = MonitorView.statusOnly(snapshot);
    lastStatus = status.toBuffer();
    lastEvent = Buffer.buffer("event: snapshot\ndata: " + snapshot.encode() + "\n\n");
    lastStatusEvent = Buffer.buffer("event: snapshot\ndata: " + status.encode() + "\n\n");
    broadcast(lastEvent, lastStatusEvent);
  }

  /** Asks monitor-service for the current snapshot; one question at a time, however many streams wait. */
  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    monitorService.snapshot()
      .onComplete(ar -> {
        polling = false;
        if (ar.succeeded()) {
          onSnapshot(ar.result());
        } else {
          String detail = ar.cause() instanceof DownstreamFailure df ? df.getMessage()
            : Problems.safeDetail(ar.cause().getMessage(), ServiceNames.MONITOR + " failed with an internal error");
          Buffer unavailable = Buffer.buffer("event: unavailable\ndata: " + new JsonObject()
            .put("service", ServiceNames.MONITOR)
            .put("detail", detail).encode() + "\n\n");
          broadcast(unavailable, unavailable);
        }
      });
  }

  /**
   * Tells each reading stream which of the changed stores it may see. The directory is read first when a caller's
   * access names cities, so a store new to the chain is placed in its city before anyone is told of it.
   */
  private void onDataChanged(JsonObject changed) {
    JsonArray stores = changed.getJsonArray("stores", new JsonArray());
    Object version = changed.getValue("version");
    boolean cities = readers.values().stream().anyMatch(access -> !access.cities().isEmpty());
    Future<Void> known = cities ? directory.loaded() : Future.succeededFuture();
    known.onComplete(ar -> {
      for (Map.Entry<HttpServerResponse, Access> reader : new ArrayList<>(readers.entrySet())) {
        JsonArray visible = visibleTo(reader.getValue(), stores);
        HttpServerResponse stream = reader.getKey();
        if (!visible.isEmpty() && !stream.closed() && !stream.ended() && !stream.writeQueueFull()) {
          stream.write("event: data-changed\ndata: " + new JsonObject().put("stores", visible).put("version", version)
            .encode() + "\n\n");
        }
      }
    });
  }

  private JsonArray visibleTo(Access access, JsonArray stores) {
    JsonArray visible = new JsonArray();
    for (Object store : stores) {
      if (store instanceof String code && (access.everyStore() || directory.allows(access, code))) {
        visible.add(code);
      }
    }
    return visible;
  }

  /** Writes {@code details} to the streams that see details, {@code status} to the others. */
  private void broadcast(Buffer details, Buffer status) {
    for (HttpServerResponse stream : new ArrayList<>(streams.keySet())) {
      if (stream.closed() || stream.ended()) {
        forget(stream);
      } else if (!stream.writeQueueFull()) {
        // A client that does not read is skipped rather than buffered without bound; the next snapshot replaces this one.
        stream.write(detailed.contains(stream) ? details : status);
      }
    }
  }
}
