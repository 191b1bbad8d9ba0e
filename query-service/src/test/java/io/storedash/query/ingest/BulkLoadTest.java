package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.RollupConsistency;
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
      assertThat(message.body().getJsonArray("stores")).isEqualTo(new JsonArray(List.of("S001", "S002", "S003", "S004")));
      assertThat(message.body().getLong("version")).isGreaterThan(System.currentTimeMillis() - 60_000);
      announced.flag();
    })).completion()
      .compose(v -> DemoData.loadIfEmpty(vertx, config, OPTIONS))
      .compose(report -> {
        testContext.verify(() -> {
          assertThat(report.loaded()).isTrue();
          assertThat(report.lines()).isEqualTo(4 * 1_500);
          assertThat(report.orders()).isEqualTo(expected[0]);
          assertThat(report.stores()).containsExactly("S001", "S002", "S003", "S004");
          assertThat(report.version()).isGreaterThan(System.currentTimeMillis() - 60_000);
        });
        return Future.all(RollupConsistency.mismatches(pool), single(TOTALS),
          single("SELECT min(first_day), max(last_day), count(*) FILTER (WHERE data_version = "
            + "(SELECT version FROM dataset_version)) FROM stores"),
          single("SELECT (SELECT count(*) FROM daily_store_channel), (SELECT count(*) FROM daily_store_hour), "
            + "(SELECT count(*) FROM daily_store_product), (SELECT count(*) FROM daily_channel)"));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat((String) all.resultAt(0)).isEqualTo(RollupConsistency.NONE);
        Row counts = all.resultAt(3);
        assertThat(counts.getLong(0)).isPositive();
        assertThat(counts.getLong(1)).isGreaterThan(counts.getLong(0));
        assertThat(counts.getLong(2)).isPositive();
        assertThat(counts.getLong(3)).isBetween(30L, 30L * 4);
        Row totals = all.resultAt(1);
        assertThat(new long[] {totals.getLong(0), totals.getLong(1), totals.getLong(2), totals.getLong(3),
          totals.getLong(4), totals.getLong(5), totals.getLong(6)}).containsExactly(expected);
        Row stores = all.resultAt(2);
        assertThat(stores.getLocalDate(0)).isEqualTo(OPTIONS.firstDate());
        assertThat(stores.getLocalDate(1)).isEqualTo(OPTIONS.endDate());
        assertThat(stores.getLong(2)).isEqualTo(4);
        verified.flag();
      })));
  }

  @Test
  void theDemoLoadsOnlyIntoAnEmptyDatabaseAndReloadingAddsNothing(Vertx vertx, VertxTestContext testContext) {
    long[] firstVersion = new long[1];
    DemoData.loadIfEmpty(vertx, config, OPTIONS)
      .compose(first -> {
        firstVersion[0] = first.version();
        return DemoData.loadIfEmpty(vertx, config, OPTIONS);
      })
      .compose(second -> {
        testContext.verify(() -> {
          assertThat(second.loaded()).isFalse();
          assertThat(second.version()).isEqualTo(firstVersion[0]);
        });
        return DemoData.load(vertx, config, OPTIONS);
      })
      .compose(reload -> {
        testContext.verify(() -> {
          assertThat(reload.loaded()).isTrue();
          assertThat(reload.lines()).isZero();
          assertThat(reload.orders()).isZero();
          assertThat(reload.version()).isGreaterThan(firstVersion[0]);
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
