package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.gateway.auth.Sessions;
import io.storedash.gateway.auth.Users;
import io.storedash.monitor.MonitorService;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * All four services in one JVM, as standalone runs them: a request goes gateway → cache → query → PostgreSQL. The
 * client signs in as the first admin the standalone creates, as a browser does, and sends the session cookie.
 */
class StandaloneStackTest {

  private static Node node;
  private static WebClient client;
  private static StoreDashConfig config;
  private static String session;
  private static final String PASSWORD = "standalone test password";

  @BeforeAll
  static void start() throws InterruptedException {
    config = TestStorage.config(Map.of());
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config, new DemoOptions(3, 300, 40, 11, LocalDate.of(2026, 10, 31))))
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    awaitCacheVersionsKnown(Duration.ofSeconds(30));
    client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(config.httpPort()));
    assertThat(Users.ensureAdmin(node.vertx(), config, PASSWORD).await()).isTrue();
    HttpResponse<Buffer> signedIn = client.post("/api/v1/session")
      .sendJsonObject(new JsonObject().put("username", Users.FIRST_ADMIN).put("password", PASSWORD)).await();
    assertThat(signedIn.statusCode()).as(signedIn.bodyAsString()).isEqualTo(200);
    String cookie = signedIn.cookies().stream().filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst().orElseThrow();
    session = cookie.substring(0, cookie.indexOf(';'));
  }

  /**
   * cache-service learns the data versions from query-service after it is deployed, and bypasses the cache until it
   * has them: only then is a second request served from the cache.
   */
  private static void awaitCacheVersionsKnown(Duration timeout) {
    JsonObject stats = Eventually.poll(timeout, StandaloneStackTest::cacheStats, s -> s.getBoolean("versions_known"));
    assertThat(stats.getBoolean("versions_known")).as("cache-service knows the data versions: %s", stats).isTrue();
  }

  private static JsonObject cacheStats() {
    JsonObject stats = new JsonObject().put("action", "stats");
    return node.vertx().eventBus().<JsonObject>request(Addresses.CACHE_ADMIN, stats,
      node.signatures().sign(Addresses.CACHE_ADMIN, stats)).await().body();
  }

  @AfterAll
  static void stop() {
    node.shutdown().await();
  }

  /** GET as the signed-in admin. */
  private static HttpResponse<Buffer> get(String uri) {
    return client.get(uri).putHeader("Cookie", session).send().await();
  }

  @Test
  void storesAreListed() {
    HttpResponse<Buffer> response = get("/api/v1/stores");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("stores")).hasSize(3);
    assertThat(response.bodyAsJsonObject().getJsonArray("stores").getJsonObject(0).getString("code")).isEqualTo("S001");
  }

  @Test
  void overviewIsComputedOnceThenServedFromTheCache() {
    String uri = "/api/v1/stores/S001/overview?from=2026-10-01&to=2026-10-30";
    HttpResponse<Buffer> first = get(uri);
    HttpResponse<Buffer> second = get(uri);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.getHeader("X-Cache")).isEqualTo("MISS");
    assertThat(second.getHeader("X-Cache")).isEqualTo("L4");
    assertThat(second.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    JsonObject body = first.bodyAsJsonObject();
    assertThat(body.getString("from")).isEqualTo("2026-10-01");
    assertThat(body.getJsonObject("kpis").getLong("orders")).isPositive();
    assertThat(body.getJsonObject("previous").getString("from")).isEqualTo("2026-09-01");
    assertThat(first.getHeader("Server-Timing")).contains("compute;dur=");

    // The stored gzip bytes go out as they are to a client that accepts gzip.
    HttpResponse<Buffer> gzipped = client.get(uri).putHeader("Cookie", session).putHeader("Accept-Encoding", "gzip").send().await();
    assertThat(gzipped.getHeader("Content-Encoding")).isEqualTo("gzip");
    assertThat(gzipped.body().getByte(0)).isEqualTo((byte) 0x1f);

    HttpResponse<Buffer> notModified = client.get(uri).putHeader("Cookie", session).putHeader("If-None-Match", first.getHeader("ETag")).send().await();
    assertThat(notModified.statusCode()).isEqualTo(304);

    long t0 = System.nanoTime();
    int n = 200;
    for (int i = 0; i < n; i++) {
      get(uri);
    }
    System.out.printf("local event bus, cached overview round trip: %.2f ms mean over %d sequential requests%n",
      (System.nanoTime() - t0) / 1e6 / n, n);
  }

  @Test
  void badInputIsAProblemNamingTheParameter() {
    HttpResponse<Buffer> response = get("/api/v1/stores/S001/overview?from=2026-10-32&to=2026-11-01");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("from must be a date");
  }

  @Test
  void anUnknownStoreIsA404Problem() {
    HttpResponse<Buffer> response = get("/api/v1/stores/S999/overview");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("S999");
  }

  @Test
  void theMonitorAnswersThroughTheGateway() {
    HttpResponse<Buffer> response = get("/api/v1/monitor");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject snapshot = response.bodyAsJsonObject();
    assertThat(snapshot.getJsonObject("redis").getBoolean("connected")).isTrue();
    assertThat(snapshot.getJsonObject("postgres").getBoolean("reachable")).isTrue();
  }

  @Test
  void theGatewayPortSaysUpAndTheManagementPortHasTheDetails() {
    assertThat(get("/health/live").bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
    HttpResponse<Buffer> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    // No check names, hosts or versions on the public port.
    assertThat(ready.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
    // Without credentials, public metrics are refused and point to the management port; hq may read them.
    HttpResponse<Buffer> metrics = client.get("/metrics").send().await();
    assertThat(metrics.statusCode()).isEqualTo(401);
    assertThat(metrics.bodyAsJsonObject().getString("detail")).contains("management port");
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
    assertThat(client.get("/api/v1/stores").send().await().statusCode()).isEqualTo(401);

    int management = node.startManagement(0).await();
    HttpResponse<Buffer> detailed = client.get(management, "127.0.0.1", "/health/ready").send().await();
    assertThat(detailed.statusCode()).isEqualTo(200);
    assertThat(detailed.bodyAsString()).contains("query-service.postgres", "cache-service.redis");
    assertThat(client.get(management, "127.0.0.1", "/metrics").send().await().bodyAsString())
      .contains("vertx_http_server_requests", "storedash_cache_lookups", "storedash_query_compute_seconds");
  }
}
