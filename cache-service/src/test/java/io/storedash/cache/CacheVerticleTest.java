package io.storedash.cache;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Gzip;
import io.storedash.common.QueryKind;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * cache-service against the real (embedded) Redis, with a counting stand-in for query-service on the event bus so
 * that every computation it asks for can be counted.
 */
class CacheVerticleTest {

  private static final DashboardQuery OVERVIEW = DashboardQuery.of(QueryKind.OVERVIEW, "S001",
    LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 30));

  private Node node;
  private Vertx vertx;
  private final AtomicInteger computations = new AtomicInteger();

  @BeforeEach
  void deploy() {
    node = Node.local(TestStorage.config(Map.of("REQUEST_TIMEOUT", "2s")));
    vertx = node.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.DATA_VERSIONS,
      msg -> msg.reply(new JsonObject().put("version", 1).put("stores", new JsonObject().put("S001", 1))));
    vertx.eventBus().<JsonObject>consumer(Addresses.DASHBOARD_COMPUTE, this::compute).completion().await();
    node.deploy(CacheService.DESCRIPTOR, 1).await();
    // Wait until the cache has learned the data versions (it asks at start-up).
    for (int i = 0; i < 100 && ask(OVERVIEW).await().headers().get(ReplyHeaders.ETAG) == null; i++) {
      sleep(50);
    }
    computations.set(0);
    node.vertx().eventBus().publish(Addresses.DATA_CHANGED,
      new JsonObject().put("stores", new JsonArray().add("S001")).put("version", System.nanoTime()));
    sleep(100);
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private void compute(Message<JsonObject> message) {
    DashboardQuery query = DashboardQuery.fromJson(message.body());
    computations.incrementAndGet();
    if ("S404".equals(query.store())) {
      message.fail(404, "unknown store 'S404'");
      return;
    }
    message.reply(Buffer.buffer(new JsonObject().put("store", query.store()).put("n", computations.get()).encode()),
      new DeliveryOptions().addHeader(ReplyHeaders.COMPUTE_MS, "3"));
  }

  private Future<Message<Buffer>> ask(DashboardQuery query) {
    return vertx.eventBus().request(Addresses.DASHBOARD_QUERY, query.toJson(), new DeliveryOptions().setSendTimeout(3000));
  }

  private static JsonObject body(Message<Buffer> reply) {
    assertThat(reply.headers().get(ReplyHeaders.ENCODING)).isEqualTo("gzip");
    return new JsonObject(Buffer.buffer(Gzip.decompress(reply.body().getBytes())));
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aMissIsComputedOnceAndThenServedFromL2() {
    Message<Buffer> first = ask(OVERVIEW).await();
    Message<Buffer> second = ask(OVERVIEW).await();
    assertThat(first.headers().get(ReplyHeaders.CACHE_STATUS)).isEqualTo("MISS");
    assertThat(first.headers().get(ReplyHeaders.COMPUTE_MS)).isEqualTo("3");
    assertThat(second.headers().get(ReplyHeaders.CACHE_STATUS)).isEqualTo("HIT");
    assertThat(second.headers().get(ReplyHeaders.TIER)).isEqualTo("L2");
    assertThat(second.headers().get(ReplyHeaders.ETAG)).isEqualTo(first.headers().get(ReplyHeaders.ETAG)).startsWith("W/\"");
    assertThat(body(second)).isEqualTo(body(first));
    assertThat(computations.get()).isEqualTo(1);
  }

  @Test
  void dataChangedMakesTheOldEntryUnreachable() {
    JsonObject before = body(ask(OVERVIEW).await());
    vertx.eventBus().publish(Addresses.DATA_CHANGED,
      new JsonObject().put("stores", new JsonArray().add("S001")).put("version", System.nanoTime()));
    sleep(100);
    Message<Buffer> after = ask(OVERVIEW).await();
    assertThat(after.headers().get(ReplyHeaders.CACHE_STATUS)).isEqualTo("MISS");
    assertThat(body(after).getInteger("n")).isGreaterThan(before.getInteger("n"));
    assertThat(computations.get()).isEqualTo(2);
  }

  @Test
  void aQueryServiceFailureKeepsItsCode() {
    DashboardQuery unknown = DashboardQuery.of(QueryKind.OVERVIEW, "S404", null, null);
    Throwable failure = ask(unknown).map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(404);
    assertThat(failure.getMessage()).contains("S404");
  }

  @Test
  void aBadQueryIsA400() {
    JsonObject bad = new JsonObject().put("kind", "overview").put("store", "S001").put("from", "2026-02-30").put("to", "2026-03-01");
    Throwable failure = vertx.eventBus().request(Addresses.DASHBOARD_QUERY, bad).map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
    assertThat(failure.getMessage()).contains("from must be a date");
  }

  @Test
  void withoutQueryServiceTheAnswerIsA503ThatSaysWhy() {
    vertx.close().await();
    node = Node.local(TestStorage.config(Map.of("REQUEST_TIMEOUT", "2s")));
    vertx = node.vertx();
    node.deploy(CacheService.DESCRIPTOR, 1).await();
    Throwable failure = ask(OVERVIEW).map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(503);
    assertThat(failure.getMessage()).contains("no query-service instance");
  }

  @Test
  void whenRedisIsDownAnswersKeepComingAndCachingResumesWhenItReturns() {
    EmbeddedRedisServer redis = TestStorage.embeddedRedis();
    assumeTrue(redis != null, "needs the embedded Redis to stop and start it");
    ask(OVERVIEW).await();
    redis.stop();
    try {
      Message<Buffer> during = ask(OVERVIEW).await();
      assertThat(during.headers().get(ReplyHeaders.CACHE_STATUS)).isEqualTo("MISS");
      assertThat(body(during).getString("store")).isEqualTo("S001");
    } finally {
      redis.startProcess();
    }
    // The pooled client reconnects by itself: the next miss is stored, the one after is a hit.
    DashboardQuery other = DashboardQuery.of(QueryKind.OVERVIEW, "S001", LocalDate.of(2026, 9, 1), LocalDate.of(2026, 9, 30));
    String status = null;
    for (int i = 0; i < 50 && !"HIT".equals(status); i++) {
      status = ask(other).await().headers().get(ReplyHeaders.CACHE_STATUS);
      sleep(100);
    }
    assertThat(status).isEqualTo("HIT");
  }
}
