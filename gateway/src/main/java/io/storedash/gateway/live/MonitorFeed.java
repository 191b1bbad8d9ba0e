package io.storedash.gateway.live;

import io.storedash.common.Addresses;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.MonitorClient;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The monitor snapshot as server-sent events. One event-bus consumer per gateway instance fans every published
 * snapshot out to all open streams (a consumer per browser would be a cluster-wide subscription per tab). When no
 * snapshot has arrived for two publishing intervals, the feed asks monitor-service itself and, if it does not
 * answer, tells every stream {@code event: unavailable}, so the page can say the monitor is down instead of
 * silently showing old figures. All state is touched on the verticle's event loop only.
 */
public final class MonitorFeed {

  /** monitor-service publishes every 5 s; two missed snapshots mean it is gone or stuck. */
  static final Duration STALE_AFTER = Duration.ofSeconds(11);
  private static final long WATCH_EVERY_MS = 5_000;
  private static final long KEEP_ALIVE_EVERY_MS = 15_000;

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final MonitorClient monitorService;
  private final Clock clock;
  private final Set<HttpServerResponse> streams = new LinkedHashSet<>();
  /** The streams of callers who see the monitor's details ({@code ops}, {@code hq}); the others get {@link MonitorView}. */
  private final Set<HttpServerResponse> detailed = new HashSet<>();
  private MessageConsumer<JsonObject> updates;
  private Buffer lastEvent;
  private Buffer lastStatusEvent;
  private Buffer lastSnapshot;
  private Buffer lastStatus;
  private long lastSnapshotAt;
  private long watchTimer;
  private long keepAliveTimer;
  private boolean polling;

  /**
   * @param signatures check that a published snapshot comes from monitor-service, a member: the gateway shows it
   * @param clock      what the age of the last snapshot is measured by
   */
  public MonitorFeed(Vertx vertx, MessageSignatures signatures, MonitorClient monitorService, Clock clock) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.monitorService = monitorService;
    this.clock = clock;
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
    return updates.completion();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(watchTimer);
    vertx.cancelTimer(keepAliveTimer);
    for (HttpServerResponse stream : new ArrayList<>(streams)) {
      stream.end();
    }
    streams.clear();
    detailed.clear();
    return updates == null ? Future.succeededFuture() : updates.unregister();
  }

  /** Open streams, for the heartbeat. */
  public int streams() {
    return streams.size();
  }

  /**
   * GET /api/v1/monitor/stream.
   *
   * @param details whether the caller sees hosts, ports, versions and figures, or only the colours
   */
  public void subscribe(RoutingContext rc, boolean details) {
    HttpServerResponse response = rc.response()
      .setChunked(true)
      .putHeader("Content-Type", "text/event-stream; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .putHeader("X-Accel-Buffering", "no");
    streams.add(response);
    if (details) {
      detailed.add(response);
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

  private void forget(HttpServerResponse response) {
    streams.remove(response);
    detailed.remove(response);
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

  /** Writes {@code details} to the streams that see details, {@code status} to the others. */
  private void broadcast(Buffer details, Buffer status) {
    for (HttpServerResponse stream : new ArrayList<>(streams)) {
      if (stream.closed() || stream.ended()) {
        forget(stream);
      } else if (!stream.writeQueueFull()) {
        // A client that does not read is skipped rather than buffered without bound; the next snapshot replaces this one.
        stream.write(detailed.contains(stream) ? details : status);
      }
    }
  }
}
