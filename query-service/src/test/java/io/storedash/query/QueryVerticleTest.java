package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up (migrations), readiness, heartbeat figures and data versions of a deployed query-service. */
@ExtendWith(VertxExtension.class)
class QueryVerticleTest {

  private StoreDashConfig config;
  private Node node;
  private Pool pool;
  private WebClient client;

  @BeforeEach
  void deploy(VertxTestContext testContext) {
    config = TestStorage.config(Map.of("HEARTBEAT_INTERVAL", "100ms"));
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    client = WebClient.create(node.vertx());
    node.deploy(QueryService.DESCRIPTOR, 1).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext testContext) {
    node.vertx().close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void startingOnAnEmptyDatabaseMigratesIt(VertxTestContext testContext) {
    pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").execute()
      .compose(tables -> pool.query("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL").execute()
        .compose(history -> pool.query("SELECT (SELECT count(*) FROM channels), (SELECT version FROM dataset_version), "
          + "(SELECT string_agg(code || ':' || charges_fee, ',' ORDER BY code) FROM channels)").execute()
          .map(seeds -> {
            List<String> names = new ArrayList<>();
            tables.forEach(row -> names.add(row.getString(0)));
            testContext.verify(() -> {
              assertThat(names).contains("stores", "products", "orders", "order_lines", "channels", "dataset_version",
                "daily_store_channel", "daily_store_product", "daily_store_hour", "daily_channel", "daily_product",
                "daily_hour", "daily_store", "daily_store_distance", "daily_distance", "flyway_schema_history", "users",
                "api_tokens", "audit_log", "import_history", "import_history_orders", "import_saved_orders",
                "import_saved_lines");
              List<String> versions = new ArrayList<>();
              history.forEach(row -> {
                versions.add(row.getString(0));
                assertThat(row.getBoolean(1)).isTrue();
              });
              // V3 (the export layout and the chain's standard), the Java migration 3.1 that rebuilds the rollups, and V4
              // (users, API tokens and the audit log of sign-in), V5 (the rollups in store order, for the growth curve),
              // V6 (the import history, for the undo), V7 (the 今日必做 thresholds), V8 (push), V9 (each store's last import).
              assertThat(versions).containsExactlyInAnyOrder("1", "2", "3", "3.1", "4", "5", "6", "7", "8", "9");
              Row seed = seeds.iterator().next();
              assertThat(seed.getLong(0)).isEqualTo(4);
              assertThat(seed.getLong(1)).isZero();
              // The seeded channels: the three platforms charge a service fee, the shop does not.
              assertThat(seed.getString(2)).isEqualTo("eleme:true,jddj:true,meituan:true,offline:false");
            });
            return null;
          })))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void instancesStartingTogetherMigrateOnce(VertxTestContext testContext) {
    // Two more processes' worth of instances on the same database, starting at the same time.
    Node second = Node.local(config);
    Node third = Node.local(config);
    Future.all(second.deploy(QueryService.DESCRIPTOR, 2), third.deploy(QueryService.DESCRIPTOR, 2))
      .compose(v -> pool.query("SELECT count(*) FROM flyway_schema_history WHERE version IS NOT NULL").execute())
      .onComplete(testContext.succeeding(rows -> testContext.verify(() -> {
        assertThat(rows.iterator().next().getLong(0)).isEqualTo(10);
        second.vertx().close();
        third.vertx().close();
        testContext.completeNow();
      })));
  }

  @Test
  void readinessChecksPostgres(VertxTestContext testContext) {
    node.startManagement(0)
      .compose(port -> client.get(port, "127.0.0.1", "/health/ready").send())
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertThat(response.statusCode()).isEqualTo(200);
        JsonArray checks = response.bodyAsJsonObject().getJsonArray("checks");
        JsonObject postgres = checks.stream().map(JsonObject.class::cast)
          .filter(c -> "query-service.postgres".equals(c.getString("id"))).findFirst().orElseThrow();
        assertThat(postgres.getString("status")).isEqualTo("UP");
        assertThat(postgres.getJsonObject("data").getDouble("latency_ms")).isGreaterThanOrEqualTo(0);
        testContext.completeNow();
      })));
  }

  @Test
  void dataVersionsFollowLoadsAndEveryLoadIsAnnounced(VertxTestContext testContext) {
    Checkpoint announced = testContext.checkpoint();
    Checkpoint versionsChecked = testContext.checkpoint();
    MessageConsumer<JsonObject> changes = node.vertx().eventBus().consumer(Addresses.DATA_CHANGED, message -> testContext.verify(() -> {
      assertThat(message.body().getJsonArray("stores")).isEqualTo(new JsonArray().add("S001").add("S002").add("S003").add("S004"));
      assertThat(message.body().getLong("version")).isGreaterThan(System.currentTimeMillis() - 60_000);
      announced.flag();
    }));
    changes.completion()
      .compose(v -> node.vertx().eventBus().<JsonObject>request(Addresses.DATA_VERSIONS, new JsonObject()))
      .compose(before -> {
        testContext.verify(() -> assertThat(before.body()).isEqualTo(new JsonObject().put("version", 0).put("stores", new JsonObject())));
        return new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone()).load(HandMadeSales.dataset());
      })
      .compose(report -> pool.query("SELECT string_agg(code || ':' || name_zh || ':' || charges_fee, ',' ORDER BY code) FROM channels")
        .execute())
      .compose(channels -> {
        // The load names its channels as the export does: 美团闪购 and 收银机订单 are new (美团* charges a fee by default,
        // the till does not); 饿了么 and 京东到家 are the seeded ones.
        testContext.verify(() -> assertThat(channels.iterator().next().getString(0)).isEqualTo("eleme:饿了么:true,"
          + "jddj:京东到家:true,meituan:美团:true,meituan_flash:美团闪购:true,offline:线下:false,pos:收银机订单:false"));
        return node.vertx().eventBus().<JsonObject>request(Addresses.DATA_VERSIONS, new JsonObject());
      })
      .onComplete(testContext.succeeding(after -> testContext.verify(() -> {
        long version = after.body().getLong("version");
        assertThat(version).isGreaterThan(System.currentTimeMillis() - 60_000);
        assertThat(after.body().getJsonObject("stores")).isEqualTo(new JsonObject()
          .put("S001", version).put("S002", version).put("S003", version).put("S004", version));
        versionsChecked.flag();
      })));
  }

  @Test
  void heartbeatsCarryComputeFigures(VertxTestContext testContext) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> heartbeats = node.vertx().eventBus().consumer(Addresses.HEARTBEAT, message -> {
      JsonObject stats = message.body().getJsonObject("stats");
      if ("query-service".equals(message.body().getString("service")) && stats.getLong("computed", 0L) >= 1
        && stats.getLong("failed", 0L) >= 1) {
        seen.tryComplete(stats);
      }
    });
    heartbeats.completion()
      .compose(v -> node.vertx().eventBus().request(Addresses.DASHBOARD_COMPUTE, new JsonObject().put("kind", "stores")))
      .compose(v -> node.vertx().eventBus().request(Addresses.DASHBOARD_COMPUTE, new JsonObject().put("kind", "nonsense"))
        .otherwiseEmpty())
      .compose(v -> seen.future())
      .onComplete(testContext.succeeding(stats -> testContext.verify(() -> {
        assertThat(stats.getLong("computed")).isEqualTo(1);
        assertThat(stats.getLong("failed")).isEqualTo(1);
        assertThat(stats.getDouble("mean_compute_ms")).isPositive();
        assertThat(stats.getDouble("max_compute_ms")).isGreaterThanOrEqualTo(stats.getDouble("mean_compute_ms"));
        testContext.completeNow();
      })));
  }
}
