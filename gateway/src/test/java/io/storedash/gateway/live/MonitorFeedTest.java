package io.storedash.gateway.live;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storedash.common.Addresses;
import io.storedash.common.config.ServerLimits;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.ManualClock;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.MonitorClient;
import io.storedash.gateway.downstream.Downstream;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.storedash.common.DashboardReply;
import io.storedash.gateway.auth.Access;
import io.storedash.gateway.auth.StoreDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feed on one event loop, as the gateway runs it, behind an HTTP server of its own; the test moves the feed's
 * clock to make the last snapshot old. Its caps are small (3 streams, 2 per address); clients bound to other loopback
 * addresses (127.0.0.2, ...) stand for other users.
 */
@ExtendWith(VertxExtension.class)
class MonitorFeedTest {

  private static final MessageSignatures SIGNATURES = MessageSignatures.unshared("monitor-service");
  private static final int MAX_STREAMS = 3;
  private static final int MAX_PER_ADDRESS = 2;

  private final ManualClock clock = new ManualClock();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  /** Kept reachable until the test's Vert.x closes: Vert.x 5 closes a client nobody refers to. */
  private final List<HttpClient> clients = new ArrayList<>();
  private final AtomicInteger lateRequests = new AtomicInteger();
  private final AtomicInteger lateSubscriptions = new AtomicInteger();
  private Vertx vertx;
  private Context context;
  private MonitorFeed feed;
  private HttpServer server;
  private HttpClient http;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    context = vertx.getOrCreateContext();
    onTheFeedsContext(() -> {
      StoreDirectory directory = new StoreDirectory(vertx, SIGNATURES, () -> Future.succeededFuture(DashboardReply.computed(
        new JsonObject().put("stores", new JsonArray().add(store("S001", "杭州")).add(store("S002", "宁波"))
          .add(store("S003", "杭州"))).toBuffer(), "1")), clock);
      feed = new MonitorFeed(vertx, SIGNATURES, MonitorClient.create(Downstream.of(vertx, ServiceNames.MONITOR, clock),
        Duration.ofMillis(1000)), clock, new ServerLimits("127.0.0.1", 64, MAX_STREAMS, MAX_PER_ADDRESS), registry, directory);
      Router router = Router.router(vertx);
      router.get("/stream").handler(rc -> feed.subscribe(rc, true, Access.EVERY_STORE));
      router.get("/status-stream").handler(rc -> feed.subscribe(rc, false, Access.of(Set.of("S002"), Set.of())));
      router.get("/city-stream").handler(rc -> feed.subscribe(rc, false, Access.of(Set.of(), Set.of("杭州"))));
      router.get("/ops-stream").handler(rc -> feed.subscribe(rc, true, null));
      // Subscribes only once the client has gone: as when a client gives up while the gateway is busy.
      router.get("/late-stream").handler(rc -> {
        lateRequests.incrementAndGet();
        rc.response().closeHandler(v -> {
          feed.subscribe(rc, true, Access.EVERY_STORE);
          lateSubscriptions.incrementAndGet();
        });
      });
      return feed.start().compose(v -> vertx.createHttpServer().requestHandler(router).listen(0))
        .onSuccess(listening -> server = listening);
    }).await();
    http = vertx.createHttpClient();
  }

  /** Runs {@code action} on the event loop the feed is confined to. */
  private <T> Future<T> onTheFeedsContext(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }

  private static JsonObject store(String code, String city) {
    return new JsonObject().put("code", code).put("name", "门店" + code).put("city", city);
  }

  private MonitorFeed.Snapshot freshSnapshot() {
    return onTheFeedsContext(() -> Future.succeededFuture(feed.freshSnapshot(true))).await();
  }

  private void publish(JsonObject snapshot) {
    vertx.eventBus().publish(Addresses.MONITOR_UPDATES, snapshot, SIGNATURES.sign(Addresses.MONITOR_UPDATES, snapshot));
    Eventually.until(Duration.ofSeconds(5), () -> freshSnapshot() != null
      && snapshot.equals(freshSnapshot().json().toJsonObject()));
  }

  /**
   * Opens a stream and returns what it received once {@code expected} is in it (or 15 s have passed: generous, since
   * the deadline only matters when the test fails, and a full suite on 2 busy cores once took over 5 s).
   */
  private String stream(String expected) {
    return stream("/stream", expected);
  }

  private String stream(String path, String expected) {
    // Appended to on the event loop while the test thread reads it: a StringBuffer, whose methods are synchronized.
    StringBuffer received = new StringBuffer();
    http.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", path)
      // The handler is set on the event loop as the answer's head arrives, before its first chunk can: set from the
      // test thread on a future already complete, it could come after the first chunks, which are then lost.
      .compose(req -> req.send().onSuccess(resp -> resp.handler(chunk -> received.append(chunk.toString()))));
    return Eventually.poll(Duration.ofSeconds(15), received::toString, text -> text.contains(expected));
  }

  @Test
  void aPublishedSnapshotIsServedWithItsAgeUntilElevenSecondsHavePassed() {
    assertThat(freshSnapshot()).as("before any snapshot").isNull();
    publish(new JsonObject().put("status", "green"));
    assertThat(freshSnapshot().ageSeconds()).isZero();
    clock.advance(Duration.ofMillis(10_999));
    MonitorFeed.Snapshot old = freshSnapshot();
    assertThat(old.json().toJsonObject()).isEqualTo(new JsonObject().put("status", "green"));
    assertThat(old.ageSeconds()).isEqualTo(10);
    clock.advance(Duration.ofMillis(2));
    assertThat(freshSnapshot()).as("two publishing intervals missed").isNull();
  }

  @Test
  void aStreamGetsTheFreshSnapshotAtOnceWithoutAskingMonitorService() {
    AtomicInteger asked = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer(Addresses.MONITOR_SNAPSHOT, msg -> {
      asked.incrementAndGet();
      msg.reply(new JsonObject().put("status", "asked"));
    }).completion().await();
    publish(new JsonObject().put("status", "green"));
    assertThat(stream("green")).isEqualTo("retry: 5000\n\nevent: snapshot\ndata: {\"status\":\"green\"}\n\n");
    assertThat(asked).hasValue(0);
  }

  @Test
  void aStreamOpenedWhenTheSnapshotIsStaleGetsTheOneMonitorServiceAnswers() {
    vertx.eventBus().<JsonObject>consumer(Addresses.MONITOR_SNAPSHOT, msg -> msg.reply(new JsonObject().put("status", "yellow")))
      .completion().await();
    publish(new JsonObject().put("status", "green"));
    clock.advance(Duration.ofSeconds(12));
    assertThat(stream("yellow")).isEqualTo("retry: 5000\n\nevent: snapshot\ndata: {\"status\":\"yellow\"}\n\n");
    assertThat(freshSnapshot().json().toJsonObject()).isEqualTo(new JsonObject().put("status", "yellow"));
  }

  @Test
  void whenMonitorServiceDoesNotAnswerTheStreamSaysItIsUnavailable() {
    assertThat(stream("event: unavailable")).isEqualTo("retry: 5000\n\nevent: unavailable\ndata: "
      + "{\"service\":\"monitor-service\",\"detail\":\"no instance of monitor-service is running\"}\n\n");
  }

  /**
   * Streams that are open, each from its own address (the cap per address is 2): each has received its first line,
   * since a data change is told only to streams already open.
   */
  private List<StringBuffer> listening(String... paths) {
    List<StringBuffer> received = new ArrayList<>();
    for (String path : paths) {
      StringBuffer text = new StringBuffer();
      clientFrom("127.0.0." + (2 + received.size())).request(HttpMethod.GET, server.actualPort(), "127.0.0.1", path)
        .compose(req -> req.send().onSuccess(resp -> resp.handler(chunk -> text.append(chunk.toString()))));
      Eventually.until(Duration.ofSeconds(15), () -> text.toString().startsWith("retry: 5000"));
      received.add(text);
    }
    return received;
  }

  @Test
  void aDataChangeIsToldToEachStreamForTheStoresItsCallerReadsOnly() {
    List<StringBuffer> streams = listening("/stream", "/status-stream", "/city-stream");
    JsonObject changed = new JsonObject().put("stores", new JsonArray().add("S001").add("S003")).put("version", 42);
    vertx.eventBus().publish(Addresses.DATA_CHANGED, changed, SIGNATURES.sign(Addresses.DATA_CHANGED, changed));
    Eventually.until(Duration.ofSeconds(15), () -> streams.get(0).toString().contains("event: data-changed")
      && streams.get(2).toString().contains("event: data-changed"));
    assertThat(streams.get(0).toString()).contains("event: data-changed\ndata: {\"stores\":[\"S001\",\"S003\"],\"version\":42}\n\n");
    // The city's manager hears of the city's stores, read from the directory first.
    assertThat(streams.get(2).toString()).contains("data: {\"stores\":[\"S001\",\"S003\"],\"version\":42}");
    JsonObject other = new JsonObject().put("stores", new JsonArray().add("S002").add("S009")).put("version", 43);
    vertx.eventBus().publish(Addresses.DATA_CHANGED, other, SIGNATURES.sign(Addresses.DATA_CHANGED, other));
    Eventually.until(Duration.ofSeconds(15), () -> streams.get(1).toString().contains("event: data-changed"));
    assertThat(streams.get(1).toString()).as("S002's manager: only S002, and nothing of the first change")
      .endsWith("event: data-changed\ndata: {\"stores\":[\"S002\"],\"version\":43}\n\n").doesNotContain("S001", "S009");
    Eventually.until(Duration.ofSeconds(15), () -> streams.get(0).toString().contains("\"version\":43"));
    assertThat(streams.get(2).toString()).as("nothing in Hangzhou changed").doesNotContain("\"version\":43");
  }

  @Test
  void aForgedDataChangeIsNotPassedOnNorAnyToARoleWithoutSales() {
    List<StringBuffer> streams = listening("/stream", "/ops-stream");
    JsonObject forged = new JsonObject().put("stores", new JsonArray().add("S001")).put("version", 7);
    vertx.eventBus().publish(Addresses.DATA_CHANGED, forged);
    JsonObject honest = forged.copy().put("version", 8);
    vertx.eventBus().publish(Addresses.DATA_CHANGED, honest, SIGNATURES.sign(Addresses.DATA_CHANGED, honest));
    Eventually.until(Duration.ofSeconds(15), () -> streams.get(0).toString().contains("\"version\":8"));
    assertThat(streams.get(0).toString()).doesNotContain("\"version\":7");
    assertThat(streams.get(1).toString()).as("ops reads no sales").doesNotContain("data-changed");
  }

  @Test
  void aStreamWithoutDetailsGetsTheColoursAndNoHostNodeOrVersion() {
    JsonObject snapshot = MonitorViewTest.snapshot();
    publish(snapshot);
    String full = stream("/stream", "event: snapshot");
    String colours = stream("/status-stream", "event: snapshot");
    assertThat(full).contains("10.0.3.7", "node-7f3a", "5.0.7");
    assertThat(colours).doesNotContain("10.0.3.7", "node-7f3a", "5.0.7", "6379", "reasons")
      .contains("\"status\":\"yellow\"", "\"query-service\":\"yellow\"", "\"monitor-service\":\"red\"");
    publish(snapshot.copy().put("status", "green").put("generated_at", "2026-12-03T10:00:05Z"));
    assertThat(onTheFeedsContext(() -> Future.succeededFuture(feed.freshSnapshot(false))).await().json().toJsonObject())
      .isEqualTo(MonitorView.statusOnly(snapshot.copy().put("status", "green").put("generated_at", "2026-12-03T10:00:05Z")));
  }
  private int openStreams() {
    return onTheFeedsContext(() -> Future.succeededFuture(feed.streams())).await();
  }

  private double refused(String reason) {
    return registry.get("storedash_gateway_event_streams_refused").tag("reason", reason).counter().count();
  }

  /** A client of its own (its own connections) from {@code address}, a loopback address standing for one user. */
  private HttpClient clientFrom(String address) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(address));
    clients.add(client);
    return client;
  }

  /** A stream as its client sees it: the answer's head, and whether its connection has closed. */
  private record Stream(HttpClientResponse response, AtomicBoolean closed) {
  }

  /** @param received where the stream's text goes, or null to read the answer as one body */
  private Stream request(HttpClient client, int port, StringBuffer received) throws TimeoutException {
    AtomicBoolean closed = new AtomicBoolean();
    HttpClientResponse response = client.request(HttpMethod.GET, port, "127.0.0.1", "/stream")
      .compose(req -> {
        req.connection().closeHandler(v -> closed.set(true));
        // The handler before the first chunk can arrive (see stream()).
        return req.send().onSuccess(resp -> {
          if (received != null) {
            resp.handler(chunk -> received.append(chunk.toString()));
          }
        });
      })
      .await(10, TimeUnit.SECONDS);
    return new Stream(response, closed);
  }

  /** Opens a stream from {@code client}; returns once the stream's first line has arrived. */
  private Stream open(HttpClient client, int port) throws TimeoutException {
    // Appended to on the event loop while the test thread reads it: a StringBuffer, whose methods are synchronized.
    StringBuffer received = new StringBuffer();
    Stream stream = request(client, port, received);
    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(Eventually.poll(Duration.ofSeconds(15), received::toString, text -> text.startsWith("retry: 5000")))
      .startsWith("retry: 5000");
    return stream;
  }

  /** A refused stream: its status, Retry-After and problem, and whether the gateway closed the connection. */
  private record Refusal(int status, String retryAfter, JsonObject problem, boolean closed) {
  }

  private Refusal refusedStream(HttpClient client) throws TimeoutException {
    AtomicBoolean closed = new AtomicBoolean();
    Refusal refusal = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/stream")
      .compose(req -> {
        req.connection().closeHandler(v -> closed.set(true));
        // The body asked for as the head arrives, on its event loop (see stream()).
        return req.send().compose(resp -> resp.body().map(body -> new Refusal(resp.statusCode(),
          resp.getHeader("Retry-After"), body.toJsonObject(), false)));
      })
      .await(10, TimeUnit.SECONDS);
    return new Refusal(refusal.status(), refusal.retryAfter(), refusal.problem(),
      Eventually.until(Duration.ofSeconds(5), closed::get));
  }

  @Test
  void streamsBeyondTheAddressCapAre429AndBeyondTheGatewayCap503WithRetryAfter() throws TimeoutException {
    HttpClient user = clientFrom("127.0.0.1");
    open(user, server.actualPort());
    open(user, server.actualPort());
    Refusal tooMany = refusedStream(user);
    assertThat(tooMany.status()).isEqualTo(429);
    assertThat(tooMany.retryAfter()).isEqualTo(String.valueOf(MonitorFeed.RETRY_AFTER_SECONDS));
    assertThat(tooMany.problem().getInteger("status")).isEqualTo(429);
    assertThat(tooMany.problem().getString("detail")).contains("already holds 2 event streams",
      "SSE_MAX_STREAMS_PER_ADDRESS", "GET /api/v1/monitor");
    assertThat(tooMany.closed()).as("the refused connection is closed, not kept").isTrue();

    open(clientFrom("127.0.0.2"), server.actualPort());
    Refusal full = refusedStream(clientFrom("127.0.0.3"));
    assertThat(full.status()).isEqualTo(503);
    assertThat(full.retryAfter()).isEqualTo(String.valueOf(MonitorFeed.RETRY_AFTER_SECONDS));
    assertThat(full.problem().getString("detail")).contains("already serves 3 event streams", "SSE_MAX_STREAMS");
    assertThat(full.closed()).isTrue();
    // The address that is over its own cap hears so even when the gateway is full too.
    assertThat(refusedStream(user).status()).isEqualTo(429);

    assertThat(openStreams()).isEqualTo(MAX_STREAMS);
    assertThat(registry.get("storedash_gateway_event_streams").gauge().value()).isEqualTo(MAX_STREAMS);
    assertThat(refused("address_full")).isEqualTo(2);
    assertThat(refused("gateway_full")).isEqualTo(1);
  }

  @Test
  void everyWayAStreamEndsGivesItsPlaceBack() throws TimeoutException {
    // The client goes away.
    HttpClient leaving = clientFrom("127.0.0.1");
    open(leaving, server.actualPort());
    open(leaving, server.actualPort());
    assertThat(openStreams()).isEqualTo(2);
    leaving.close().await();
    assertThat(Eventually.poll(Duration.ofSeconds(5), this::openStreams, n -> n == 0)).isZero();

    // The client goes away before the gateway got to its stream: nothing is counted that no close would give back.
    HttpClient impatient = clientFrom("127.0.0.1");
    impatient.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/late-stream").compose(req -> req.send());
    assertThat(Eventually.poll(Duration.ofSeconds(5), lateRequests::get, n -> n == 1)).isEqualTo(1);
    impatient.close().await();
    assertThat(Eventually.poll(Duration.ofSeconds(5), lateSubscriptions::get, n -> n == 1)).isEqualTo(1);
    assertThat(openStreams()).isZero();

    // The connection idles out (a server whose idle timeout is shorter than the feed's 15 s keep-alive).
    HttpServer idling = onTheFeedsContext(() -> {
      Router router = Router.router(vertx);
      router.get("/stream").handler(rc -> feed.subscribe(rc, true, Access.EVERY_STORE));
      return vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(300).setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
        .requestHandler(router).listen(0);
    }).await();
    Stream idle = open(clientFrom("127.0.0.2"), idling.actualPort());
    assertThat(Eventually.until(Duration.ofSeconds(5), idle.closed()::get)).isTrue();
    assertThat(Eventually.poll(Duration.ofSeconds(5), this::openStreams, n -> n == 0)).isZero();

    // Every place came back, and no more than came: the caps hold exactly as on a fresh gateway.
    open(clientFrom("127.0.0.3"), server.actualPort());
    open(clientFrom("127.0.0.3"), server.actualPort());
    assertThat(refusedStream(clientFrom("127.0.0.3")).status()).isEqualTo(429);
    open(clientFrom("127.0.0.4"), server.actualPort());
    assertThat(refusedStream(clientFrom("127.0.0.5")).status()).isEqualTo(503);
    assertThat(openStreams()).isEqualTo(MAX_STREAMS);

    // The gateway stops: every stream ends, and its meters go with it.
    onTheFeedsContext(() -> feed.stop()).await();
    assertThat(openStreams()).isZero();
    assertThat(registry.find("storedash_gateway_event_streams").gauge()).isNull();
  }
}
