package io.storedash.query.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.security.MessageSignatures;
import io.storedash.query.QueryService;
import io.storedash.query.compute.Computations;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PG_READ_URL against a REAL streaming replica ({@link StreamingReplica}: a hot standby of an embedded primary,
 * streaming its WAL): computations run on the replica when it has the primary's data, on the primary while it lags
 * behind a load (never an answer older than the version a cache would key it on), on the primary while it is down,
 * and on the replica again once it is back.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaReadsTest {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  private static final DashboardQuery STORE = DashboardQuery.of(QueryKind.OVERVIEW, "S001", END.minusDays(6), END);
  private static final DashboardQuery CHAIN = DashboardQuery.of(QueryKind.OVERVIEW, "all", END.minusDays(6), END);

  private static Path dir;
  private static EmbeddedPostgresServer primary;
  private static EmbeddedPostgresServer replica;
  private static int replicaPort;
  private static Vertx vertx;
  private static StoreDashConfig config;
  private static Pool primaryPool;
  private static Pool replicaPool;
  private static Computations onPrimary;
  private static final AtomicLong clock = new AtomicLong(1_000_000);
  private static SimpleMeterRegistry registry;
  private static ReplicaReads reads;

  @BeforeAll
  static void startPrimaryAndReplica() throws IOException {
    dir = Files.createTempDirectory("storedash-replica");
    primary = EmbeddedPostgresServer.start(dir.resolve("primary"), true);
    vertx = Vertx.vertx();
    config = ConfigLoader.load(Map.of("PG_URL", primary.url("storedash"), "REQUEST_TIMEOUT", "10s"));
    DemoData.load(vertx, MessageSignatures.unshared("test"), config, new DemoOptions(2, 300, 30, 42, END)).await();
    try (ServerSocket socket = new ServerSocket(0)) {
      replicaPort = socket.getLocalPort();
    }
    replica = StreamingReplica.start(dir.resolve("primary"), primary.port(), dir.resolve("replica"), replicaPort);
    primaryPool = PgPools.create(vertx, config, 2, null);
    StoreDashConfig withReplica = ConfigLoader.load(Map.of("PG_URL", primary.url("storedash"), "REQUEST_TIMEOUT",
      "10s", "PG_READ_URL", "postgresql://postgres@127.0.0.1:" + replicaPort + "/storedash"));
    replicaPool = PgPools.createReplica(vertx, withReplica, 2, null).orElseThrow();
    onPrimary = new Computations(primaryPool, config.timezone());
    registry = new SimpleMeterRegistry();
    reads = new ReplicaReads(primaryPool, replicaPool, config.timezone(), registry, clock::get);
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (replica != null) {
      replica.close();
    }
    if (primary != null) {
      StreamingReplica.dropSlot(primary.port());
      primary.close();
    }
  }

  @Test
  @Order(1)
  void aReplicaWithThePrimarysVersionComputesAndAnswersAsThePrimaryWould() {
    awaitCaughtUp();
    assertThat(inRecovery(replicaPool)).as("the replica is a hot standby").isTrue();
    assertThat(reads.answer(STORE).await()).isEqualTo(onPrimary.answer(STORE).await());
    assertThat(reads.answer(CHAIN).await()).isEqualTo(onPrimary.answer(CHAIN).await());
    assertThat(routed("replica")).isEqualTo(2);
    assertThat(reads.status().getBoolean("up")).isTrue();
  }

  @Test
  @Order(2)
  void whileTheReplicaLagsBehindALoadThePrimaryComputes() {
    replicaPool.query("SELECT pg_wal_replay_pause()").execute().await();
    awaitTrue(() -> "paused".equals(replicaPool.query("SELECT pg_get_wal_replay_pause_state()").execute().await()
      .iterator().next().getString(0)), "replay paused");
    long before = version(primaryPool);
    // A third store: a load the replica has not replayed.
    DemoData.load(vertx, MessageSignatures.unshared("test"), config, new DemoOptions(3, 300, 30, 42, END)).await();
    assertThat(version(primaryPool)).isGreaterThan(before);
    assertThat(version(replicaPool)).isEqualTo(before);
    DashboardQuery newStore = DashboardQuery.of(QueryKind.OVERVIEW, "S003", END.minusDays(6), END);
    double lagBefore = routed("lag");
    // On the replica the new store does not exist yet (404) and 'all' misses its sales; the primary answers both.
    assertThatThrownBy(() -> new Computations(replicaPool, config.timezone()).answer(newStore).await())
      .isInstanceOf(ReplyException.class);
    assertThat(reads.answer(newStore).await()).isEqualTo(onPrimary.answer(newStore).await());
    assertThat(reads.answer(CHAIN).await()).isEqualTo(onPrimary.answer(CHAIN).await());
    assertThat(routed("lag")).isEqualTo(lagBefore + 2);
    assertThat(reads.status().getLong("lag_versions")).isPositive();

    replicaPool.query("SELECT pg_wal_replay_resume()").execute().await();
    awaitCaughtUp();
    double onReplica = routed("replica");
    assertThat(reads.answer(newStore).await()).isEqualTo(onPrimary.answer(newStore).await());
    assertThat(routed("replica")).isEqualTo(onReplica + 1);
  }

  @Test
  @Order(3)
  void aReplicaThatIsDownSendsComputationsToThePrimaryUntilItIsBack() {
    replica.close();
    replica = null;
    JsonObject expected = onPrimary.answer(STORE).await();
    double down = routed("replica_down");
    assertThat(reads.answer(STORE).await()).isEqualTo(expected);
    assertThat(routed("replica_down")).isEqualTo(down + 1);
    assertThat(reads.status().getBoolean("up")).isFalse();
    assertThat(registry.get("storedash_query_replica_up").gauge().value()).isZero();
    // Within the pause the replica is not tried: the answer does not wait for a connection that fails.
    long started = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      assertThat(reads.answer(STORE).await()).isEqualTo(expected);
    }
    assertThat(routed("replica_down")).isEqualTo(down + 21);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);

    replica = StreamingReplica.restart(dir.resolve("replica"), replicaPort);
    clock.addAndGet(ReplicaReads.RETRY_AFTER_MS + 1);
    awaitCaughtUp();
    double onReplica = routed("replica");
    awaitTrue(() -> {
      reads.answer(STORE).await();
      return routed("replica") > onReplica;
    }, "computations back on the replica");
    assertThat(reads.status().getBoolean("up")).isTrue();
  }

  @Test
  @Order(4)
  void aReplicaFailureThatIsTheQuerysOwnIsNotRetriedOnThePrimary() {
    awaitCaughtUp();
    double failed = routed("replica_failed");
    DashboardQuery unknown = DashboardQuery.of(QueryKind.OVERVIEW, "S999", END.minusDays(6), END);
    assertThatThrownBy(() -> reads.answer(unknown).await()).isInstanceOfSatisfying(ReplyException.class,
      e -> assertThat(e.failureCode()).isEqualTo(404));
    assertThat(routed("replica_failed")).isEqualTo(failed);
  }

  @Test
  @Order(5)
  void aReadUrlThatIsNotAReplicaOfThePrimaryIsNeverReadFrom() {
    // Another database of the primary's server, migrated, with a dataset version far ahead and no sales: were its
    // version trusted, every answer would be empty.
    StoreDashConfig other = ConfigLoader.load(Map.of("PG_URL", primary.url("storedash_other")));
    Migrations.migrate(other);
    Pool otherPool = PgPools.create(vertx, other, 1, null);
    try {
      otherPool.query("UPDATE dataset_version SET version = 9000000000000").execute().await();
      SimpleMeterRegistry otherRegistry = new SimpleMeterRegistry();
      ReplicaReads wrong = new ReplicaReads(primaryPool, otherPool, config.timezone(), otherRegistry, clock::get);
      assertThat(wrong.answer(STORE).await()).isEqualTo(onPrimary.answer(STORE).await());
      assertThat(wrong.answer(CHAIN).await()).isEqualTo(onPrimary.answer(CHAIN).await());
      assertThat(otherRegistry.get("storedash_query_reads").tag("route", "not_a_replica").counter().count()).isEqualTo(2);
      assertThat(otherRegistry.get("storedash_query_reads").tag("route", "replica").counter().count()).isZero();
      assertThat(wrong.status().getBoolean("up")).isFalse();
      assertThat(wrong.status().getString("reason")).contains("not a replica");
    } finally {
      otherPool.close().await();
    }
  }

  @Test
  @Order(6)
  void aDeployedQueryServiceComputesOnTheReplicaAndStaysReadyWhenItGoesDown() throws Exception {
    awaitCaughtUp();
    StoreDashConfig deployed = ConfigLoader.load(Map.of("PG_URL", primary.url("storedash"), "PG_READ_URL",
      "postgresql://postgres@127.0.0.1:" + replicaPort + "/storedash", "HEARTBEAT_INTERVAL", "1s"));
    Node node = Node.local(deployed);
    WebClient web = WebClient.create(node.vertx());
    try {
      node.deploy(QueryService.DESCRIPTOR, 1).await();
      int management = node.startManagement(0).await();
      String answer = node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, STORE.toJson()).await()
        .body().toString();
      assertThat(new JsonObject(answer)).isEqualTo(onPrimary.answer(STORE).await());
      assertThat(node.meterRegistry().get("storedash_query_reads").tag("route", "replica").counter().count())
        .isEqualTo(1);
      assertThat(replicaCheck(web, management).getBoolean("up")).isTrue();

      replica.close();
      replica = null;
      answer = node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, STORE.toJson()).await()
        .body().toString();
      assertThat(new JsonObject(answer)).isEqualTo(onPrimary.answer(STORE).await());
      assertThat(node.meterRegistry().get("storedash_query_reads").tag("route", "replica_down").counter().count())
        .isEqualTo(1);
      JsonObject down = replicaCheck(web, management);
      assertThat(down.getBoolean("up")).isFalse();
      assertThat(down.getString("at")).isEqualTo("127.0.0.1:" + replicaPort + "/storedash");
    } finally {
      node.vertx().close().await();
    }
  }

  /** query-service's readiness, which stays UP, and its postgres check's replica details. */
  private static JsonObject replicaCheck(WebClient web, int port) {
    HttpResponse<Buffer> response = web.get(port, "127.0.0.1", "/health/ready").send().await();
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject postgres = response.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> "query-service.postgres".equals(c.getString("id"))).findFirst().orElseThrow();
    assertThat(postgres.getString("status")).isEqualTo("UP");
    return postgres.getJsonObject("data").getJsonObject("replica");
  }

  private static double routed(String route) {
    return registry.get("storedash_query_reads").tag("route", route).counter().count();
  }

  private static void awaitCaughtUp() {
    awaitTrue(() -> {
      try {
        return version(replicaPool) == version(primaryPool);
      } catch (RuntimeException notYet) {
        return false;
      }
    }, "replica at the primary's dataset version");
  }

  private static long version(Pool pool) {
    return pool.query("SELECT version FROM dataset_version").execute().await().iterator().next().getLong(0);
  }

  private static boolean inRecovery(Pool pool) {
    return pool.query("SELECT pg_is_in_recovery()").execute().await().iterator().next().getBoolean(0);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
