package io.storedash.gateway.live;

import io.storedash.common.Addresses;
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
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feed on one event loop, as the gateway runs it, behind an HTTP server of its own; the test moves the feed's
 * clock to make the last snapshot old.
 */
@ExtendWith(VertxExtension.class)
class MonitorFeedTest {

  private static final MessageSignatures SIGNATURES = MessageSignatures.unshared("monitor-service");
  private final ManualClock clock = new ManualClock();
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
      feed = new MonitorFeed(vertx, SIGNATURES, MonitorClient.create(Downstream.of(vertx, ServiceNames.MONITOR, clock),
        Duration.ofMillis(1000)), clock);
      Router router = Router.router(vertx);
      router.get("/stream").handler(rc -> feed.subscribe(rc, true));
      router.get("/status-stream").handler(rc -> feed.subscribe(rc, false));
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
      .compose(req -> req.send())
      .onSuccess(resp -> resp.handler(chunk -> received.append(chunk.toString())));
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
}
