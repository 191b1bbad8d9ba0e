package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.testing.Eventually;
import io.storedash.gateway.downstream.Downstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway does when the services behind it fail: one circuit breaker per downstream, opened only by the
 * service's own failures and answered at once with 503 and Retry-After while open; the fallback to query-service;
 * failures worded for a user, never with a stack trace or SQL.
 */
class ResilienceTest {

  private StandIns gateway;

  @AfterEach
  void close() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void cacheServiceFailingOpensItsCircuitAndTheGatewayAnswersAtOnceWithRetryAfter() {
    gateway = StandIns.withCache();
    AtomicInteger asked = new AtomicInteger();
    gateway.cacheAnswer = msg -> {
      asked.incrementAndGet();
      msg.fail(500, "NullPointerException at io.storedash.cache.TieredCache.get(TieredCache.java:42)");
    };
    for (int i = 0; i < Downstream.MAX_FAILURES; i++) {
      HttpResponse<Buffer> failed = gateway.get("/api/v1/stores/S001/overview");
      assertThat(failed.statusCode()).isEqualTo(500);
      JsonObject problem = StandIns.problem(failed);
      // The stand-in's stack frame stays in its log; the user reads which service failed.
      assertThat(problem.getString("detail")).isEqualTo("cache-service failed with an internal error; its log has the details");
    }
    long started = System.nanoTime();
    HttpResponse<Buffer> open = gateway.get("/api/v1/stores/S001/trend");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(open.statusCode()).isEqualTo(503);
    assertThat(Integer.parseInt(open.getHeader("Retry-After"))).isBetween(1, (int) Downstream.OPEN_FOR.toSeconds());
    JsonObject problem = StandIns.problem(open);
    assertThat(problem.getString("service")).isEqualTo("cache-service");
    assertThat(problem.getString("detail")).contains("cache-service kept failing");
    assertThat(asked.get()).isEqualTo(Downstream.MAX_FAILURES);
    // At once rather than after the request timeout (a bound for the behaviour, not a speed target).
    assertThat(millis).isLessThan(gateway.config.requestTimeout().toMillis());
    // Other downstreams have breakers of their own: the monitor is not affected.
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.MONITOR_SNAPSHOT, msg -> msg.reply(new JsonObject().put("status", "green")))
      .completion().await();
    assertThat(gateway.get("/api/v1/monitor").statusCode()).isEqualTo(200);
  }

  /**
   * query-service's admission control shedding a computation (docs/DESIGN.md §12.3) is a 429 with the Retry-After its
   * sentence names, never a failure of the service: its circuit stays closed and the next answer comes through. The
   * caller's identity travels with the request.
   */
  @Test
  void anOverloadedAnswerIsA429WithRetryAfterAndNeverOpensTheCircuit() {
    gateway = StandIns.withCache();
    java.util.List<String> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger asked = new AtomicInteger();
    gateway.cacheAnswer = msg -> {
      clients.add(msg.headers().get(io.storedash.common.RequestHeaders.CLIENT));
      if (asked.incrementAndGet() <= 3 * Downstream.MAX_FAILURES) {
        io.vertx.core.eventbus.ReplyException shed = io.storedash.common.Failure.overloaded("this client already has 16 "
          + "of its 16 units of uncached computations running or waiting (ADMISSION_CLIENT_BUDGET)", 3);
        msg.fail(shed.failureCode(), shed.getMessage());
      } else {
        StandIns.echoHit(msg);
      }
    };
    // All at once (each is held for SHED_HOLD, so one after another they cost seconds of the suite): the circuit sees
    // them in one window all the same.
    java.util.concurrent.ExecutorService askers = java.util.concurrent.Executors.newFixedThreadPool(3 * Downstream.MAX_FAILURES);
    try {
      java.util.List<java.util.concurrent.Future<Duration>> held = new java.util.ArrayList<>();
      for (int i = 0; i < 3 * Downstream.MAX_FAILURES; i++) {
        String uri = "/api/v1/stores/S001/trend?from=2026-01-01&to=2026-01-" + (10 + i);
        held.add(askers.submit(() -> {
          long started = System.nanoTime();
          HttpResponse<Buffer> shed = gateway.get(uri);
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          assertThat(shed.statusCode()).isEqualTo(429);
          assertThat(shed.getHeader("Retry-After")).isEqualTo("3");
          assertThat(StandIns.problem(shed).getString("detail")).contains("ADMISSION_CLIENT_BUDGET", "retry after 3 s");
          return took;
        }));
      }
      for (java.util.concurrent.Future<Duration> took : held) {
        // Held for SHED_HOLD before it is sent: a client that asks again at once cannot ask faster than that.
        assertThat(took.get(30, java.util.concurrent.TimeUnit.SECONDS))
          .isGreaterThanOrEqualTo(FailureResponses.SHED_HOLD.minusMillis(50));
      }
    } catch (InterruptedException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    } finally {
      askers.shutdownNow();
    }
    assertThat(gateway.get("/api/v1/stores/S001/overview").statusCode()).isEqualTo(200);
    assertThat(clients).hasSize(3 * Downstream.MAX_FAILURES + 1).containsOnly("admin-token");
  }

  /** While a shed answer is held, the event loop serves everyone else: the hold is a timer, not a wait. */
  @Test
  void aHeldOverloadedAnswerDoesNotHoldOtherAnswers() throws Exception {
    gateway = StandIns.withCache();
    gateway.cacheAnswer = msg -> {
      if ("trend".equals(msg.body().getString("kind"))) {
        io.vertx.core.eventbus.ReplyException shed = io.storedash.common.Failure.overloaded("budget spent", 1);
        msg.fail(shed.failureCode(), shed.getMessage());
      } else {
        StandIns.echoHit(msg);
      }
    };
    java.util.concurrent.CompletableFuture<HttpResponse<Buffer>> held = java.util.concurrent.CompletableFuture.supplyAsync(
      () -> gateway.get("/api/v1/stores/S001/trend?from=2026-01-01&to=2026-01-20"));
    long started = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      assertThat(gateway.get("/api/v1/stores/S001/overview").statusCode()).isEqualTo(200);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FailureResponses.SHED_HOLD);
    assertThat(held.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(429);
  }

  @Test
  void answersThatAreNotTheServicesFaultNeverOpenItsCircuit() {
    gateway = StandIns.withCache();
    gateway.cacheAnswer = msg -> {
      String store = msg.body().getString("store");
      switch (store) {
        case "S404" -> msg.fail(404, "unknown store 'S404'");
        case "DOWN" -> msg.fail(503, "no query-service instance is running, and nothing is cached for this view");
        default -> StandIns.echoHit(msg);
      }
    };
    for (int i = 0; i < 3 * Downstream.MAX_FAILURES; i++) {
      assertThat(gateway.get("/api/v1/stores/S404/overview").statusCode()).isEqualTo(404);
      // cache-service's 503 means query-service behind it is down: cached views must keep coming.
      HttpResponse<Buffer> down = gateway.get("/api/v1/stores/DOWN/overview");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.getHeader("Retry-After")).isNull();
    }
    assertThat(gateway.get("/api/v1/stores/S001/overview").statusCode()).isEqualTo(200);
  }

  @Test
  void aMissingMonitorServiceOpensItsCircuitAndTheEventStreamSaysItIsUnavailable() throws Exception {
    gateway = StandIns.withoutServices();
    for (int i = 0; i < Downstream.MAX_FAILURES; i++) {
      HttpResponse<Buffer> missing = gateway.get("/api/v1/monitor");
      assertThat(missing.statusCode()).isEqualTo(503);
      assertThat(StandIns.problem(missing).getString("detail")).isEqualTo("no instance of monitor-service is running");
    }
    HttpResponse<Buffer> open = gateway.get("/api/v1/monitor");
    assertThat(open.statusCode()).isEqualTo(503);
    assertThat(open.getHeader("Retry-After")).isNotNull();
    assertThat(StandIns.problem(open).getString("service")).isEqualTo("monitor-service");

    // Appended to on the event loop while the test thread reads it: a StringBuffer, whose methods are synchronized.
    StringBuffer received = new StringBuffer();
    HttpClient http = gateway.vertx.createHttpClient();
    http.request(HttpMethod.GET, gateway.config.httpPort(), "127.0.0.1", "/api/v1/monitor/stream")
      // The chunk handler set as the head arrives, on its event loop: set from the test thread on a finished future,
      // the first chunks could already have gone (MonitorFeedTest met that race).
      .compose(req -> req.send().onSuccess(resp -> resp.handler(chunk -> received.append(chunk.toString()))));
    assertThat(Eventually.poll(Duration.ofSeconds(5), received::toString, text -> text.contains("event: unavailable"))).contains("event: unavailable", "\"service\":\"monitor-service\"", "monitor-service");
    http.close().await();
  }

  @Test
  void withoutCacheServiceQueryServiceAnswersBehindItsOwnCircuit() {
    gateway = StandIns.withCache();
    gateway.removeCache();
    AtomicInteger asked = new AtomicInteger();
    AtomicInteger failWith = new AtomicInteger(503);
    MessageConsumer<JsonObject> query = gateway.vertx.eventBus().consumer(Addresses.DASHBOARD_COMPUTE, msg -> {
      asked.incrementAndGet();
      msg.fail(failWith.get(), "PostgreSQL 127.0.0.1:5432/storedash does not answer: ERROR: relation \"daily_store_channel\" does not exist (SQLSTATE 42P01)");
    });
    query.completion().await();
    // PostgreSQL down: query-service says so at once, and will answer the moment it is back; its circuit stays closed.
    for (int i = 0; i < 3 * Downstream.MAX_FAILURES; i++) {
      HttpResponse<Buffer> failed = gateway.get("/api/v1/stores/S001/overview");
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(failed.getHeader("Retry-After")).isNull();
      // A driver's message with SQL in it is not passed on.
      assertThat(StandIns.problem(failed).getString("detail")).isEqualTo("query-service answered 503")
        .doesNotContain("relation", "SQLSTATE");
    }
    assertThat(asked.get()).isEqualTo(3 * Downstream.MAX_FAILURES);
    // Its own failures open it, once they are 80 % of its answers: the 503s were answers, so 60 failures against 15.
    failWith.set(500);
    int failures = 0;
    HttpResponse<Buffer> response = gateway.get("/api/v1/stores/S001/overview");
    while (response.statusCode() == 500 && failures < 100) {
      failures++;
      response = gateway.get("/api/v1/stores/S001/overview");
    }
    assertThat(failures).isEqualTo(60);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isNotNull();
    assertThat(StandIns.problem(response).getString("service")).isEqualTo("query-service");
    assertThat(asked.get()).isEqualTo(3 * Downstream.MAX_FAILURES + 60);
  }

  @Test
  void noServiceAtAllNamesBothThatCouldHaveAnswered() {
    gateway = StandIns.withoutServices();
    HttpResponse<Buffer> response = gateway.get("/api/v1/stores/S001/overview");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(StandIns.problem(response).getString("detail")).isEqualTo("no instance of cache-service or query-service is running");
  }

  @Test
  void failuresBetweenSuccessesNeverOpenTheCircuit() {
    // One of two cache-service instances is gone: every other request fails, the rest are answered.
    gateway = StandIns.withCache();
    AtomicInteger asked = new AtomicInteger();
    gateway.cacheAnswer = msg -> {
      if (asked.incrementAndGet() % 2 == 0) {
        msg.fail(500, "instance lost");
      } else {
        StandIns.echoHit(msg);
      }
    };
    for (int i = 0; i < 6 * Downstream.MAX_FAILURES; i++) {
      assertThat(gateway.get("/api/v1/stores/S001/overview").statusCode()).isIn(200, 500);
    }
    assertThat(asked.get()).isEqualTo(6 * Downstream.MAX_FAILURES);
  }

  @Test
  void aBurstOfFailuresAmongAnswersNeverOpensTheCircuit() {
    // The timeouts of a lost instance arrive together, one request timeout after a burst of traffic: many in a row,
    // between the answers of the instance that is still there.
    gateway = StandIns.withCache();
    AtomicInteger asked = new AtomicInteger();
    gateway.cacheAnswer = msg -> {
      int n = asked.incrementAndGet();
      if (n > 20 && n <= 20 + 3 * Downstream.MAX_FAILURES) {
        msg.fail(500, "instance lost");
      } else {
        StandIns.echoHit(msg);
      }
    };
    for (int i = 0; i < 20 + 3 * Downstream.MAX_FAILURES; i++) {
      gateway.get("/api/v1/stores/S001/overview");
    }
    HttpResponse<Buffer> after = gateway.get("/api/v1/stores/S001/overview");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(asked.get()).isEqualTo(21 + 3 * Downstream.MAX_FAILURES);
  }

  @Test
  void whileTheCacheCircuitIsOpenQueryServiceAnswersDirectly() {
    gateway = StandIns.withCache();
    gateway.cacheAnswer = msg -> msg.fail(500, "broken");
    for (int i = 0; i < Downstream.MAX_FAILURES; i++) {
      assertThat(gateway.get("/api/v1/stores/S001/overview").statusCode()).isEqualTo(500);
    }
    AtomicInteger computed = new AtomicInteger();
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.DASHBOARD_COMPUTE, msg -> {
      computed.incrementAndGet();
      msg.reply(io.vertx.core.buffer.Buffer.buffer("{\"store\":\"S001\"}"));
    }).completion().await();
    HttpResponse<Buffer> direct = gateway.get("/api/v1/stores/S001/overview");
    assertThat(direct.statusCode()).isEqualTo(200);
    assertThat(direct.getHeader("X-Cache")).isEqualTo("BYPASS");
    assertThat(computed.get()).isEqualTo(1);
  }

  @Test
  void theMonitorIsServedFromThePublishedSnapshotWithoutAskingMonitorService() {
    gateway = StandIns.withCache();
    AtomicInteger asked = new AtomicInteger();
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.MONITOR_SNAPSHOT, msg -> {
      asked.incrementAndGet();
      msg.reply(new JsonObject().put("status", "yellow"));
    }).completion().await();
    JsonObject green = new JsonObject().put("status", "green");
    gateway.vertx.eventBus().publish(Addresses.MONITOR_UPDATES, green, gateway.node.signatures().sign(Addresses.MONITOR_UPDATES, green));
    // The published snapshot reaches the gateway's consumer asynchronously; until then the gateway asks monitor-service.
    JsonObject snapshot = Eventually.poll(Duration.ofSeconds(5), () -> gateway.get("/api/v1/monitor").bodyAsJsonObject(),
      s -> "green".equals(s.getString("status")));
    assertThat(snapshot.getString("status")).isEqualTo("green");
    asked.set(0);
    assertThat(gateway.get("/api/v1/monitor").bodyAsJsonObject().getString("status")).isEqualTo("green");
    assertThat(asked.get()).isZero();
  }
}
