package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A generated dataset through {@link DemoData}: what lands in PostgreSQL, and rollups equal to the raw lines. */
@ExtendWith(VertxExtension.class)
class BulkLoadTest {

  private static final DemoOptions OPTIONS = new DemoOptions(4, 1_500, 30, 11, LocalDate.of(2026, 10, 31));

  // The expected rollups, computed another way than the loader does: lines summed per order first, joined to orders.
  private static final String PER_ORDER = """
    WITH per_order AS (
      SELECT o.id, o.store_id, o.local_day, o.channel, o.local_hour, o.discount, o.delivery_cost, o.platform_fee,
             o.customer_delivery_fee, o.packaging_fee, sum(l.quantity) AS items, sum(l.quantity * l.unit_price) AS revenue,
             sum(l.quantity * l.unit_cost) AS cost, sum(l.quantity * l.list_price) AS list_revenue
      FROM orders o JOIN order_lines l ON l.order_id = o.id
      GROUP BY o.id)
    """;
  private static final String CHANNEL_MISMATCHES = PER_ORDER + """
    , expected AS (
      SELECT store_id, local_day, channel, count(*), sum(items), sum(revenue), sum(cost), sum(list_revenue),
             sum(discount), sum(delivery_cost), sum(platform_fee), sum(customer_delivery_fee), sum(packaging_fee)
      FROM per_order GROUP BY store_id, local_day, channel),
    actual AS (
      SELECT store_id, day, channel, orders, items, revenue, cost, list_revenue, discount, delivery_cost,
             platform_fee, customer_delivery_fee, packaging_fee
      FROM daily_store_channel)
    SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
         + (SELECT count(*) FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b),
           (SELECT count(*) FROM actual)""";
  private static final String HOUR_MISMATCHES = PER_ORDER + """
    , expected AS (
      SELECT store_id, local_day, local_hour, count(*), sum(items), sum(revenue)
      FROM per_order GROUP BY store_id, local_day, local_hour),
    actual AS (SELECT store_id, day, hour, orders, items, revenue FROM daily_store_hour)
    SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
         + (SELECT count(*) FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b),
           (SELECT count(*) FROM actual)""";
  private static final String PRODUCT_MISMATCHES = """
    WITH expected AS (
      SELECT o.store_id, o.local_day, l.product_id, sum(l.quantity), sum(l.quantity * l.unit_price),
             sum(l.quantity * l.unit_cost), sum(l.quantity * l.list_price), count(*)
      FROM order_lines l JOIN orders o ON o.id = l.order_id
      GROUP BY o.store_id, o.local_day, l.product_id),
    actual AS (SELECT store_id, day, product_id, quantity, revenue, cost, list_revenue, orders FROM daily_store_product)
    SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
         + (SELECT count(*) FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b),
           (SELECT count(*) FROM actual)""";
  private static final String TOTALS = """
    SELECT sum(orders)::int8, sum(items)::int8, sum(revenue)::int8, sum(cost)::int8, sum(discount)::int8,
           sum(platform_fee)::int8, (SELECT count(*) FROM order_lines)
    FROM daily_store_channel""";

  private StoreDashConfig config;
  private Pool pool;

  @BeforeEach
  void newDatabase(Vertx vertx) {
    config = TestStorage.config(Map.of());
    pool = PgPools.create(vertx, config, 1, null);
  }

  @Test
  void aGeneratedSetLandsWithRollupsEqualToItsLines(Vertx vertx, VertxTestContext testContext) {
    Checkpoint announced = testContext.checkpoint();
    Checkpoint verified = testContext.checkpoint();
    long[] expected = expectedTotals(new DemoDataset(OPTIONS));
    vertx.eventBus().<JsonObject>consumer(Addresses.DATA_CHANGED, message -> testContext.verify(() -> {
      assertThat(message.body()).isEqualTo(new JsonObject()
        .put("stores", new JsonArray(List.of("S001", "S002", "S003", "S004"))).put("version", 1));
      announced.flag();
    })).completion()
      .compose(v -> DemoData.loadIfEmpty(vertx, config, OPTIONS))
      .compose(report -> {
        testContext.verify(() -> {
          assertThat(report.loaded()).isTrue();
          assertThat(report.lines()).isEqualTo(4 * 1_500);
          assertThat(report.orders()).isEqualTo(expected[0]);
          assertThat(report.stores()).containsExactly("S001", "S002", "S003", "S004");
          assertThat(report.version()).isEqualTo(1);
        });
        return Future.all(single(CHANNEL_MISMATCHES), single(HOUR_MISMATCHES), single(PRODUCT_MISMATCHES), single(TOTALS),
          single("SELECT min(first_day), max(last_day), count(*) FILTER (WHERE data_version = 1) FROM stores"));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        Row channel = all.resultAt(0);
        Row hour = all.resultAt(1);
        Row product = all.resultAt(2);
        assertThat(channel.getLong(0)).as("daily_store_channel rows that differ from the lines").isZero();
        assertThat(channel.getLong(1)).isPositive();
        assertThat(hour.getLong(0)).as("daily_store_hour rows that differ from the lines").isZero();
        assertThat(hour.getLong(1)).isGreaterThan(channel.getLong(1));
        assertThat(product.getLong(0)).as("daily_store_product rows that differ from the lines").isZero();
        assertThat(product.getLong(1)).isPositive();
        Row totals = all.resultAt(3);
        assertThat(new long[] {totals.getLong(0), totals.getLong(1), totals.getLong(2), totals.getLong(3),
          totals.getLong(4), totals.getLong(5), totals.getLong(6)}).containsExactly(expected);
        Row stores = all.resultAt(4);
        assertThat(stores.getLocalDate(0)).isEqualTo(OPTIONS.firstDate());
        assertThat(stores.getLocalDate(1)).isEqualTo(OPTIONS.endDate());
        assertThat(stores.getLong(2)).isEqualTo(4);
        verified.flag();
      })));
  }

  @Test
  void theDemoLoadsOnlyIntoAnEmptyDatabaseAndReloadingAddsNothing(Vertx vertx, VertxTestContext testContext) {
    DemoData.loadIfEmpty(vertx, config, OPTIONS)
      .compose(first -> DemoData.loadIfEmpty(vertx, config, OPTIONS))
      .compose(second -> {
        testContext.verify(() -> {
          assertThat(second.loaded()).isFalse();
          assertThat(second.version()).isEqualTo(1);
        });
        return DemoData.load(vertx, config, OPTIONS);
      })
      .compose(reload -> {
        testContext.verify(() -> {
          assertThat(reload.loaded()).isTrue();
          assertThat(reload.lines()).isZero();
          assertThat(reload.orders()).isZero();
          assertThat(reload.version()).isEqualTo(2);
        });
        return single(TOTALS);
      })
      .onComplete(testContext.succeeding(totals -> testContext.verify(() -> {
        long[] expected = expectedTotals(new DemoDataset(OPTIONS));
        assertThat(totals.getLong(2)).isEqualTo(expected[2]);
        assertThat(totals.getLong(6)).isEqualTo(4 * 1_500);
        testContext.completeNow();
      })));
  }

  private Future<Row> single(String sql) {
    return pool.query(sql).execute().map(rows -> rows.iterator().next());
  }

  /** orders, items, revenue, cost, discount, platform fee and lines of the generated data, summed in Java. */
  private static long[] expectedTotals(DemoDataset dataset) {
    long[] totals = new long[7];
    for (int s = 0; s < dataset.parts(); s++) {
      for (OrderRecord order : dataset.part(s)) {
        totals[0]++;
        totals[4] += order.discount();
        totals[5] += order.platformFee();
        for (LineRecord line : order.lines()) {
          totals[1] += line.quantity();
          totals[2] += line.unitPrice() * line.quantity();
          totals[3] += line.unitCost() * line.quantity();
          totals[6]++;
        }
      }
    }
    return totals;
  }
}
