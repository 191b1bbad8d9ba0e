package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Gzip;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestStorage;
import io.storedash.common.testing.Forgeries;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway alone, with stand-ins for cache- and query-service on the event bus: what reaches them, and how each
 * of their answers and failures becomes HTTP.
 */
class GatewayTest {

  private static final String TOKEN = "test-admin-token-0123456789";
  private Node node;
  private Vertx vertx;
  private WebClient client;
  /** Added to on the event loop, read by the test thread. */
  private final List<JsonObject> seenByCache = new CopyOnWriteArrayList<>();
  private MessageConsumer<JsonObject> cache;

  @BeforeEach
  void deploy() {
    StoreDashConfig config = TestStorage.config(Map.of("REQUEST_TIMEOUT", "1s", "ADMIN_TOKEN", TOKEN));
    node = Node.local(config);
    vertx = node.vertx();
    cache = vertx.eventBus().consumer(Addresses.DASHBOARD_QUERY, msg -> {
      seenByCache.add(msg.body());
      DashboardQuery query = DashboardQuery.fromJson(msg.body());
      switch (query.store()) {
        case "S404" -> msg.fail(404, "unknown store 'S404'");
        case "SLOW" -> { } // never answers
        case "DOWN" -> msg.fail(503, "no query-service instance is running");
        default -> msg.reply(Buffer.buffer(Gzip.compress(new JsonObject().put("echo", query.canonical()).encode().getBytes())),
          new DeliveryOptions().addHeader(ReplyHeaders.TIER, "L2").addHeader(ReplyHeaders.CACHE_STATUS, "HIT")
            .addHeader(ReplyHeaders.ENCODING, "gzip").addHeader(ReplyHeaders.ETAG, "W/\"abc\""));
      }
    });
    cache.completion().await();
    // As cache-service does: only a command the gateway signed is taken.
    vertx.eventBus().<JsonObject>consumer(Addresses.CACHE_ADMIN, node.signatures().verified(Addresses.CACHE_ADMIN,
      msg -> msg.reply(new JsonObject().put("did", msg.body())))).completion().await();
    node.deploy(GatewayService.DESCRIPTOR, 1).await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(config.httpPort())
      .setDecompressionSupported(false));
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** With the admin token: break-glass hq may call every route. */
  private HttpResponse<Buffer> get(String uri) {
    return client.get(uri).bearerTokenAuthentication(TOKEN).send().await();
  }

  private static String detail(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(response.statusCode());
    assertThat(problem.getString("title")).isNotBlank();
    return problem.getString("detail");
  }

  @Test
  void everyDashboardRouteBecomesItsQuery() {
    assertThat(get("/api/v1/stores").statusCode()).isEqualTo(200);
    for (String kind : List.of("overview", "trend", "channels", "categories", "hours", "diagnosis")) {
      assertThat(get("/api/v1/stores/S001/" + kind + "?from=2026-10-01&to=2026-10-30").statusCode()).isEqualTo(200);
    }
    assertThat(get("/api/v1/stores/S001/products?sort=gross_margin&page=2&size=50").bodyAsJsonObject().getString("echo"))
      .isEqualTo("products|S001|-|-|page=2&size=50&sort=gross_margin");
    assertThat(get("/api/v1/stores/S001/orders?page=3").bodyAsJsonObject().getString("echo"))
      .isEqualTo("orders|S001|-|-|page=3&size=50");
    assertThat(get("/api/v1/ranking?metric=profit&from=2026-10-01&to=2026-10-30").bodyAsJsonObject().getString("echo"))
      .isEqualTo("ranking|all|2026-10-01|2026-10-30|metric=profit&page=1&size=100");
    assertThat(get("/api/v1/stores/S001/diagnosis?quadrant=laggard&page=2").bodyAsJsonObject().getString("echo"))
      .isEqualTo("diagnosis|S001|-|-|page=2&quadrant=laggard&size=50");
    assertThat(seenByCache).hasSize(11);
  }

  @Test
  void aHitTravelsAsStoredGzipWithItsHeaders() {
    HttpResponse<Buffer> gzip = client.get("/api/v1/stores/S001/overview").bearerTokenAuthentication(TOKEN).putHeader("Accept-Encoding", "gzip, br").send().await();
    assertThat(gzip.getHeader("Content-Encoding")).isEqualTo("gzip");
    assertThat(new JsonObject(Buffer.buffer(Gzip.decompress(gzip.body().getBytes()))).getString("echo")).startsWith("overview|S001");
    assertThat(gzip.getHeader("X-Cache")).isEqualTo("L2");
    assertThat(gzip.getHeader("ETag")).isEqualTo("W/\"abc\"");
    assertThat(gzip.getHeader("Server-Timing")).contains("gateway;dur=", "cache;desc=\"L2 HIT\"");

    HttpResponse<Buffer> plain = client.get("/api/v1/stores/S001/overview").bearerTokenAuthentication(TOKEN).putHeader("Accept-Encoding", "gzip;q=0").send().await();
    assertThat(plain.getHeader("Content-Encoding")).isNull();
    assertThat(plain.bodyAsJsonObject().getString("echo")).startsWith("overview|S001");

    HttpResponse<Buffer> notModified = client.get("/api/v1/stores/S001/overview").bearerTokenAuthentication(TOKEN).putHeader("If-None-Match", "\"x\", W/\"abc\"").send().await();
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isNull();
  }

  @Test
  void badInputIsA400NamingTheParameterAndNeverReachesTheCache() {
    assertThat(detail(get("/api/v1/stores/S001/overview?from=2026-10-01"))).contains("from and to must be given together");
    assertThat(detail(get("/api/v1/stores/S001/overview?from=yesterday&to=2026-10-01"))).contains("from must be a date");
    assertThat(detail(get("/api/v1/stores/S001/overview?from=2026-10-05&to=2026-10-01"))).contains("is after");
    assertThat(detail(get("/api/v1/stores/S001/overview?from=2024-01-01&to=2026-10-01"))).contains("at most 366");
    assertThat(detail(get("/api/v1/stores/S001/products?sort=price"))).contains("sort must be one of");
    assertThat(detail(get("/api/v1/stores/S001/products?size=9999"))).contains("size must be a whole number from 1 to 200");
    assertThat(detail(get("/api/v1/stores/S001/orders?page=-1"))).contains("page must be");
    assertThat(detail(get("/api/v1/ranking?metric=vibes"))).contains("metric must be one of");
    assertThat(detail(get("/api/v1/stores/S001/overview?form=2026-10-01"))).contains("unknown parameter 'form'");
    assertThat(detail(get("/api/v1/stores/S001/overview?from=2026-10-01&from=2026-10-02&to=2026-10-03"))).contains("more than once");
    assertThat(detail(get("/api/v1/stores/%27%3B%20DROP%20TABLE/overview"))).contains("store must be");
    assertThat(detail(get("/api/v1/stores/all/diagnosis"))).contains("needs a single store");
    assertThat(detail(get("/api/v1/stores/S001/diagnosis?size=501"))).contains("size must be a whole number from 1 to 500");
    assertThat(detail(get("/api/v1/stores/S001/diagnosis?flag=all"))).contains("flag must be one of");
    assertThat(detail(get("/api/v1/ranking?size=100000"))).contains("size must be a whole number from 1 to 1000");
    assertThat(seenByCache).isEmpty();
    assertThat(get("/api/v1/nope").statusCode()).isEqualTo(404);
    assertThat(client.post("/api/v1/stores").bearerTokenAuthentication(TOKEN).send().await().statusCode()).isEqualTo(405);
  }

  @Test
  void serviceFailuresBecomeProblems() {
    HttpResponse<Buffer> unknown = get("/api/v1/stores/S404/overview");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(detail(unknown)).isEqualTo("unknown store 'S404'");

    HttpResponse<Buffer> down = get("/api/v1/stores/DOWN/overview");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(detail(down)).contains("no query-service instance");

    long started = System.nanoTime();
    HttpResponse<Buffer> slow = get("/api/v1/stores/SLOW/overview");
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(detail(slow)).contains("cache-service did not complete the request within 1000 ms");
    assertThat((System.nanoTime() - started) / 1_000_000).isBetween(900L, 3000L);
  }

  @Test
  void withoutCacheServiceTheGatewayAsksQueryServiceDirectly() {
    cache.unregister().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.DASHBOARD_COMPUTE,
      msg -> msg.reply(Buffer.buffer("{\"direct\":true}"))).completion().await();
    HttpResponse<Buffer> response = get("/api/v1/stores/S001/overview");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("X-Cache")).isEqualTo("BYPASS");
    assertThat(response.bodyAsJsonObject().getBoolean("direct")).isTrue();
  }

  @Test
  void withNoServiceAtAllTheAnswerIs503() {
    cache.unregister().await();
    HttpResponse<Buffer> response = get("/api/v1/stores/S001/overview");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(detail(response)).contains("no instance");
  }

  @Test
  void adminRoutesNeedTheToken() {
    HttpResponse<Buffer> none = client.get("/api/v1/admin/cache/stats").send().await();
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(client.get("/api/v1/admin/cache/stats").bearerTokenAuthentication("wrong-token-0000000000").send().await().statusCode()).isEqualTo(401);
    HttpResponse<Buffer> ok = client.get("/api/v1/admin/cache/stats").bearerTokenAuthentication(TOKEN).send().await();
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getJsonObject("did").getString("action")).isEqualTo("stats");

    HttpResponse<Buffer> warm = client.post("/api/v1/admin/cache/warm").bearerTokenAuthentication(TOKEN)
      .sendJsonObject(new JsonObject().put("stores", new io.vertx.core.json.JsonArray().add("S001"))).await();
    assertThat(warm.statusCode()).isEqualTo(202);
    assertThat(client.post("/api/v1/admin/cache/warm").bearerTokenAuthentication(TOKEN).sendBuffer(Buffer.buffer("{oops")).await().statusCode()).isEqualTo(400);
    HttpResponse<Buffer> flush = client.delete("/api/v1/admin/cache?tier=L2&store=S001").bearerTokenAuthentication(TOKEN).send().await();
    assertThat(flush.bodyAsJsonObject().getJsonObject("did").getString("tier")).isEqualTo("L2");
    assertThat(client.delete("/api/v1/admin/cache?tier=L7").bearerTokenAuthentication(TOKEN).send().await().statusCode()).isEqualTo(400);
  }

  @Test
  void aCommandRefusedForItsSignatureIs403NamingTheSecret() {
    // A query-service with another CLUSTER_SECRET than this gateway's: it refuses the gateway's signature.
    MessageSignatures otherCluster = MessageSignatures.unshared("query-service");
    vertx.eventBus().<JsonObject>consumer(Addresses.CHANNELS, otherCluster.verified(Addresses.CHANNELS,
      msg -> msg.reply(new JsonObject()))).completion().await();
    HttpResponse<Buffer> refused = client.put("/api/v1/admin/channels/meituan").bearerTokenAuthentication(TOKEN)
      .sendJsonObject(new JsonObject().put("charges_fee", false)).await();
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(detail(refused)).contains("does not verify", "CLUSTER_SECRET");
  }

  @Test
  void theChannelRoutesPassThroughToQueryServiceAndItsAnswersBecomeHttp() {
    List<JsonObject> seenByQuery = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.CHANNELS, msg -> {
      seenByQuery.add(msg.body());
      JsonObject command = msg.body();
      if ("list".equals(command.getString("action"))) {
        msg.reply(new JsonObject().put("channels", new io.vertx.core.json.JsonArray()
          .add(new JsonObject().put("channel", "meituan").put("name", "美团").put("charges_fee", true)
            .put("orders", 120).put("invalid_orders", 3))));
      } else if ("nope".equals(command.getString("code"))) {
        msg.fail(404, "unknown channel 'nope'");
      } else if ("slow".equals(command.getString("code"))) {
        // never answers
      } else {
        msg.reply(new JsonObject().put("channel", command.getString("code")).put("charges_fee", command.getBoolean("charges_fee"))
          .put("orders_revalued", 7).put("stores", new io.vertx.core.json.JsonArray().add("S001")).put("version", 42));
      }
    }).completion().await();

    assertThat(client.get("/api/v1/admin/channels").send().await().statusCode()).isEqualTo(401);
    assertThat(client.put("/api/v1/admin/channels/meituan").sendJsonObject(new JsonObject().put("charges_fee", false)).await()
      .statusCode()).isEqualTo(401);
    assertThat(seenByQuery).isEmpty();

    HttpResponse<Buffer> list = client.get("/api/v1/admin/channels").bearerTokenAuthentication(TOKEN).send().await();
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.getHeader("Content-Type")).startsWith("application/json");
    assertThat(list.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(list.bodyAsJsonObject().getJsonArray("channels").getJsonObject(0).getString("name")).isEqualTo("美团");

    HttpResponse<Buffer> set = client.put("/api/v1/admin/channels/pos").bearerTokenAuthentication(TOKEN)
      .sendJsonObject(new JsonObject().put("charges_fee", true)).await();
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject()).isEqualTo(new JsonObject().put("channel", "pos").put("charges_fee", true)
      .put("orders_revalued", 7).put("stores", new io.vertx.core.json.JsonArray().add("S001")).put("version", 42));
    assertThat(seenByQuery).containsExactly(new JsonObject().put("action", "list"),
      new JsonObject().put("action", "set").put("code", "pos").put("charges_fee", true));

    HttpResponse<Buffer> unknown = client.put("/api/v1/admin/channels/nope").bearerTokenAuthentication(TOKEN)
      .sendJsonObject(new JsonObject().put("charges_fee", false)).await();
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(detail(unknown)).isEqualTo("unknown channel 'nope'");

    HttpResponse<Buffer> slow = client.put("/api/v1/admin/channels/slow").bearerTokenAuthentication(TOKEN)
      .sendJsonObject(new JsonObject().put("charges_fee", false)).await();
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(detail(slow)).contains("query-service");

    HttpResponse<Buffer> bad = client.put("/api/v1/admin/channels/pos").bearerTokenAuthentication(TOKEN)
      .sendJsonObject(new JsonObject().put("charges_fee", "yes")).await();
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("parameter")).isEqualTo("charges_fee");
    assertThat(seenByQuery).hasSize(4);
  }

  @Test
  void readinessNeedsALiveQueryServiceAndReportsTheOtherDownstreams() {
    // The checks' details are on the management port; the public port says UP or DOWN only.
    int management = node.startManagement(0).await();
    HttpResponse<Buffer> none = client.get(management, "127.0.0.1", "/health/ready").send().await();
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.bodyAsString()).contains("no live query-service instance");
    HttpResponse<Buffer> publicNone = get("/health/ready");
    assertThat(publicNone.statusCode()).isEqualTo(503);
    assertThat(publicNone.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "DOWN"));
    JsonObject live = new JsonObject().put("service", "query-service").put("node", "n1").put("interval_ms", 5000)
      .put("draining", false);
    // A heartbeat that is not a member's counts for nothing: readiness stays DOWN.
    for (Forgeries.Forgery forgery : Forgeries.of(node.keys(), Addresses.HEARTBEAT, live, live.copy().put("node", "n2"))) {
      vertx.eventBus().publish(Addresses.HEARTBEAT, forgery.body(), forgery.options());
    }
    assertThat(Eventually.poll(Duration.ofSeconds(5), () -> Forgeries.rejected(node.meterRegistry(), Addresses.HEARTBEAT),
      Forgeries.everyForgeryRefused(1)::equals)).isEqualTo(Forgeries.everyForgeryRefused(1));
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    vertx.eventBus().publish(Addresses.HEARTBEAT, live, node.signatures().sign(Addresses.HEARTBEAT, live));
    // The heartbeat reaches the gateway's consumer asynchronously.
    HttpResponse<Buffer> ready = awaitStatus(management, "/health/ready", 200);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(get("/health/ready").bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
    JsonObject checks = new JsonObject();
    ready.bodyAsJsonObject().getJsonArray("checks").forEach(c -> checks.put(((JsonObject) c).getString("id"), c));
    assertThat(checks.getJsonObject("gateway.query-service").getJsonObject("data").getInteger("live_instances")).isEqualTo(1);
    assertThat(checks.getJsonObject("gateway.monitor-service").getJsonObject("data").getBoolean("degraded")).isTrue();
    // A draining instance no longer counts.
    JsonObject draining = live.copy().put("draining", true);
    vertx.eventBus().publish(Addresses.HEARTBEAT, draining, node.signatures().sign(Addresses.HEARTBEAT, draining));
    assertThat(awaitStatus(node.config().httpPort(), "/health/ready", 503).statusCode()).isEqualTo(503);
  }

  @Test
  void withoutAConfiguredTokenNoBearerIsTheAdmin() {
    vertx.close().await();
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    vertx = node.vertx();
    node.deploy(GatewayService.DESCRIPTOR, 1).await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(config.httpPort()));
    HttpResponse<Buffer> response = client.get("/api/v1/admin/cache/stats").bearerTokenAuthentication("anything-at-all-0000").send().await();
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(detail(response)).contains("the bearer token is not valid");
  }

  @Test
  void theMonitorStreamSendsSnapshots() {
    vertx.eventBus().<JsonObject>consumer(Addresses.MONITOR_SNAPSHOT, msg -> msg.reply(new JsonObject().put("status", "green"))).completion().await();
    // hq (the break-glass token) gets the snapshots whole; anyone else their colours only.
    StringBuffer whole = stream("Bearer " + TOKEN);
    StringBuffer colours = stream(null);
    assertThat(Eventually.poll(Duration.ofSeconds(5), whole::toString, text -> text.contains("\"status\":\"green\"")))
      .contains("event: snapshot\ndata: {\"status\":\"green\"}");
    assertThat(Eventually.poll(Duration.ofSeconds(5), colours::toString, text -> text.contains("\"status\":\"green\"")))
      .contains("event: snapshot\ndata: {\"status\":\"green\",\"services\":");
    // A snapshot that is not monitor-service's is not shown: the one after it, signed, is.
    vertx.eventBus().publish(Addresses.MONITOR_UPDATES, new JsonObject().put("status", "red").put("reasons", new JsonArray()
      .add("forged")));
    JsonObject yellow = new JsonObject().put("status", "yellow");
    vertx.eventBus().publish(Addresses.MONITOR_UPDATES, yellow, node.signatures().sign(Addresses.MONITOR_UPDATES, yellow));
    assertThat(Eventually.poll(Duration.ofSeconds(5), whole::toString, text -> text.contains("yellow")))
      .contains("event: snapshot\ndata: {\"status\":\"green\"}", "data: {\"status\":\"yellow\"}")
      .doesNotContain("forged", "red");
    assertThat(Eventually.poll(Duration.ofSeconds(5), colours::toString, text -> text.contains("yellow")))
      .contains("data: {\"status\":\"yellow\",\"services\":");
  }

  /** Opens the monitor stream, with this Authorization header when not null; what arrives is appended. */
  private StringBuffer stream(String authorization) {
    // Appended to on the event loop while the test thread reads it: a StringBuffer, whose methods are synchronized.
    StringBuffer received = new StringBuffer();
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    http.request(io.vertx.core.http.HttpMethod.GET, node.config().httpPort(), "127.0.0.1", "/api/v1/monitor/stream")
      .compose(req -> {
        if (authorization != null) {
          req.putHeader("Authorization", authorization);
        }
        return req.send();
      })
      .onSuccess(resp -> resp.handler(chunk -> received.append(chunk.toString())));
    return received;
  }

  /** Asks {@code path} on {@code port} until it answers {@code status}, for at most 5 s; returns the last answer. */
  private HttpResponse<Buffer> awaitStatus(int port, String path, int status) {
    return Eventually.poll(Duration.ofSeconds(5), () -> client.get(port, "127.0.0.1", path).send().await(),
      response -> response.statusCode() == status);
  }
}
