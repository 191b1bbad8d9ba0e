package io.storedash.standalone;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.storedash.monitor.MonitorVerticle;
import io.storedash.monitor.cluster.ClusterView;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four services as separate JVMs on 127.0.0.1, joined by Hazelcast: a request goes through the gateway; the only
 * query-service is killed and an uncached request gets a problem+json within the request timeout (the 503 of
 * cache-service naming query-service, or the gateway's own 504 when its deadline fires first); a new query-service
 * joins and requests succeed again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  private static ServiceProcesses cluster;
  private static String base;
  private static Process queryService;
  private static Process monitorService;
  private static Map<String, String> queryEnv;

  @BeforeAll
  static void startCluster() throws Exception {
    StoreDashConfig config = TestStorage.config(Map.of());
    Vertx vertx = Vertx.vertx();
    try {
      DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), config, new DemoOptions(3, 400, 60, 7, END)).await();
    } finally {
      vertx.close().await();
    }
    int httpPort = TestStorage.freePort();
    int clusterPort = 20000 + (int) (ProcessHandle.current().pid() % 20000);
    Map<String, String> environment = ServiceProcesses.env(
      "PG_URL", config.pgUrlOrDefault(),
      "REDIS_URL", config.redisUrlOrDefault(),
      "CLUSTER_NAME", "cluster-it-" + ProcessHandle.current().pid(),
      "CLUSTER_PORT", clusterPort,
      "CLUSTER_MEMBERS", "127.0.0.1",
      // The services' signed messages verify only between processes that share it (docs/DESIGN.md §11.3).
      "CLUSTER_SECRET", TestStorage.CLUSTER_SECRET,
      "REQUEST_TIMEOUT", REQUEST_TIMEOUT.toSeconds() + "s",
      "MANAGEMENT_PORT", "0",
      "HEARTBEAT_INTERVAL", HEARTBEAT_INTERVAL.toSeconds() + "s",
      // The requests are break-glass hq's (ServiceProcesses.get sends it): sign-in is SignInTest's.
      "ADMIN_TOKEN", "cluster-it-admin-token-0123456789");
    // CLUSTER_SECRET and the event-bus certificates: every service JVM proves it belongs to the cluster.
    environment.putAll(TestCertificates.shared().environment());
    cluster = new ServiceProcesses(environment);
    base = "http://127.0.0.1:" + httpPort;
    queryEnv = Map.of();
    long started = System.nanoTime();
    queryService = cluster.start("query-service", queryEnv);
    cluster.start("cache-service", Map.of());
    monitorService = cluster.start("monitor-service", Map.of());
    cluster.start("gateway", Map.of("HTTP_PORT", String.valueOf(httpPort)));
    cluster.awaitStatus(base + "/api/v1/stores", 200, Duration.ofSeconds(90));
    System.out.printf("cluster of 4 JVMs answering through the gateway %.1f s after the first process started%n",
      (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aRequestGoesThroughEveryServiceAndSurvivesTheLossOfQueryService() throws Exception {
    String overview = base + "/api/v1/stores/S001/overview?from=2026-10-01&to=2026-10-30";
    HttpResponse<String> first = cluster.get(overview);
    assertThat(first.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(first.body());
    assertThat(body.getString("store")).isEqualTo("S001");
    assertThat(body.getJsonObject("kpis").getLong("orders")).isPositive();
    // cache-service caches once it has learned the data versions from query-service (it asks every 2 s).
    String xCache = Eventually.poll(Duration.ofSeconds(15),
      () -> get(overview).headers().firstValue("X-Cache").orElse(""), cached -> cached.matches("L[1-4]"));
    assertThat(xCache).isIn("L4", "L2");

    // Round trip through four JVMs, cached: measured here, reported in the closing note and BENCHMARKS.md.
    int n = 200;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      cluster.get(overview);
    }
    System.out.printf("clustered cached overview round trip: %.2f ms mean over %d sequential requests%n",
      (System.nanoTime() - t0) / 1e6 / n, n);

    HttpResponse<String> monitor = cluster.get(base + "/api/v1/monitor");
    assertThat(monitor.statusCode()).isEqualTo(200);

    cluster.kill(queryService);
    long killedAt = System.nanoTime();
    HttpResponse<String> uncached = cluster.get(base + "/api/v1/stores/S002/overview?from=2026-09-01&to=2026-09-30");
    double seconds = (System.nanoTime() - killedAt) / 1e9;
    System.out.printf("uncached request with query-service killed: %d in %.2f s%n", uncached.statusCode(), seconds);
    assertThat(uncached.headers().firstValue("Content-Type")).contains("application/problem+json");
    // Until Hazelcast drops the dead member, cache-service's request to it runs into cache-service's deadline (0.5 s
    // before the gateway's) and it answers 503 naming query-service. On a loaded machine the gateway's own deadline
    // can fire first: a 504 naming cache-service. Either way the client has its answer by the gateway's deadline.
    JsonObject problem = new JsonObject(uncached.body());
    assertThat(uncached.statusCode()).isIn(503, 504);
    if (uncached.statusCode() == 503) {
      assertThat(problem.getString("detail")).contains("query-service");
    } else {
      assertThat(problem.getString("detail")).contains("cache-service did not complete the request within "
        + REQUEST_TIMEOUT.toMillis() + " ms");
    }
    // The gateway's deadline, plus slack for its timer and the HTTP round trip when four JVMs share two cores.
    assertThat(seconds).isLessThan(REQUEST_TIMEOUT.toSeconds() + 2);
    // What is cached keeps being served.
    assertThat(cluster.get(overview).statusCode()).isEqualTo(200);
    // The monitor notices: query-service's instance is gone after 3 missed heartbeats.
    Duration detection = Duration.ofSeconds(30).minusNanos(System.nanoTime() - killedAt);
    JsonObject snapshot = Eventually.poll(detection, () -> new JsonObject(get(base + "/api/v1/monitor").body()),
      s -> s.getJsonObject("cluster").getJsonArray("missing").contains("query-service"));
    long detected = System.nanoTime();
    assertThat(snapshot.getJsonObject("cluster").getJsonArray("missing")).as("monitor reports query-service missing")
      .contains("query-service");
    assertThat(snapshot.getString("status")).isEqualTo("red");
    System.out.printf("monitor reported query-service missing %.1f s after the kill%n", (detected - killedAt) / 1e9);
    // 3 missed heartbeats (1 s apart here), plus up to one publishing period (5 s): the gateway serves the snapshot
    // monitor-service last published, as the dashboard's live panel does. 3 s more for timers on a loaded machine,
    // still short of the 12 heartbeats after which an instance is dropped rather than marked gone.
    Duration promised = HEARTBEAT_INTERVAL.multipliedBy(ClusterView.MISSED_HEARTBEATS_GONE)
      .plus(MonitorVerticle.PUBLISH_INTERVAL);
    assertThat((detected - killedAt) / 1e9).isLessThan(promised.toSeconds() + 3);

    queryService = cluster.start("query-service", queryEnv);
    Duration back = cluster.awaitStatus(base + "/api/v1/stores/S002/overview?from=2026-08-01&to=2026-08-30", 200, Duration.ofSeconds(60));
    System.out.printf("a new query-service answered %.1f s after it was started%n", back.toMillis() / 1e3);
  }

  /** A GET for {@link Eventually}, which asks a supplier: an I/O failure fails the test at once. */
  private static HttpResponse<String> get(String url) {
    try {
      return cluster.get(url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + url, e);
    }
  }

  @Test
  @Order(2)
  void sigtermStopsAServiceGracefully() throws Exception {
    assertThat(cluster.terminate(monitorService, Duration.ofSeconds(20))).isTrue();
    String log = cluster.log(monitorService);
    assertThat(log).contains("shutting down").containsPattern("node \\S+ stopped");
    // The gateway serves the last published snapshot while it is fresh (monitor-service publishes every 5 s), then
    // reports the missing monitor-service as a 503, not a hang.
    cluster.awaitStatus(base + "/api/v1/monitor", 503, Duration.ofSeconds(20));
  }
}
