package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.RollupConsistency;
import io.storedash.query.storage.PgPools;
import io.storedash.common.security.MessageSignatures;
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
    SELECT sum(orders)::int8, sum(invalid_orders)::int8, sum(items)::int8, sum(revenue)::int8, sum(cost)::int8,
           sum(service_fee)::int8, (SELECT count(*) FROM order_lines)
    FROM daily_store_channel""";

  /**
   * Everything a load stores, by the names an API user sees (store code, channel name, product key) instead of ids,
   * which depend on the order things were created in: the orders with their money and sums, the lines, the rollups.
   */
  private static final List<String> CONTENTS = List.of("""
    SELECT s.code, o.order_no, o.order_code, c.name_zh, o.ordered_at, o.local_day, o.local_hour, o.distance_m,
           o.delivery_platform, o.delivery_cost, o.commission, o.customer_delivery_fee, o.delivery_fee_discount,
           o.full_reduction, o.product_discount, o.new_customer_discount, o.merchant_voucher, o.merchant_coupon,
           o.gift_amount, o.other_discount, o.packaging_fee, o.service_fee, o.lines, o.items, o.revenue, o.cost,
           o.gross_profit, o.consumables_cost, o.rebate, o.expected_income, o.list_gmv, o.gmv_order, o.valid
    FROM orders o JOIN stores s ON s.id = o.store_id JOIN channels c ON c.id = o.channel ORDER BY o.order_no""", """
    SELECT o.order_no, l.line_no, p.sku, p.name, p.category, p.subcategory, l.quantity, l.unit_price, l.sale_price,
           l.list_price, l.cost, l.gross_profit, l.service_fee, l.expected_income, l.rebate, l.refund_quantity, l.valid
    FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
    ORDER BY o.order_no, l.line_no""", """
    SELECT s.code, d.day, c.name_zh, d.orders, d.invalid_orders, d.lines, d.items, d.revenue, d.cost, d.gross_profit,
           d.consumables_cost, d.service_fee, d.rebate, d.delivery_cost, d.customer_delivery_fee,
           d.delivery_fee_discount, d.gmv, d.marketing, d.product_discount, d.commission, d.expected_income
    FROM daily_store_channel d JOIN stores s ON s.id = d.store_id JOIN channels c ON c.id = d.channel
    ORDER BY 1, 2, 3""", """
    SELECT s.code, d.day, p.sku, d.quantity, d.revenue, d.cost, d.gross_profit, d.list_revenue, d.orders, d.sold_lines
    FROM daily_store_product d JOIN stores s ON s.id = d.store_id JOIN products p ON p.id = d.product_id
    ORDER BY 1, 2, 3""",
    "SELECT s.code, d.* FROM daily_store_hour d JOIN stores s ON s.id = d.store_id ORDER BY 1, d.day, d.hour",
    "SELECT s.code, d.* FROM daily_store_distance d JOIN stores s ON s.id = d.store_id ORDER BY 1, d.day, d.band",
    "SELECT code, name, city, external_id, timezone, first_day, last_day FROM stores ORDER BY code",
    "SELECT code, name_zh, charges_fee FROM channels WHERE id IN (SELECT channel FROM orders) ORDER BY code");

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
      .compose(v -> DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), config, OPTIONS))
      .compose(report -> {
        testContext.verify(() -> {
          assertThat(report.loaded()).isTrue();
          assertThat(report.lines()).isEqualTo(4 * 1_500);
          assertThat(report.orders()).isEqualTo(expected[0] + expected[1]);
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
        assertThat(counts.getLong(3)).isBetween(30L, 30L * DemoDataset.CHANNELS.size());
        Row totals = all.resultAt(1);
        // The demo has cancelled orders, and they count apart.
        assertThat(expected[1]).isPositive();
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
    DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), config, OPTIONS)
      .compose(first -> {
        firstVersion[0] = first.version();
        return DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), config, OPTIONS);
      })
      .compose(second -> {
        testContext.verify(() -> {
          assertThat(second.loaded()).isFalse();
          assertThat(second.version()).isEqualTo(firstVersion[0]);
        });
        return DemoData.load(vertx, MessageSignatures.unshared("test"), config, OPTIONS);
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
        assertThat(totals.getLong(3)).isEqualTo(expected[3]);
        assertThat(totals.getLong(6)).isEqualTo(4 * 1_500);
        testContext.completeNow();
      })));
  }

  /**
   * The loader and the import are two ways into the same tables: the demo set loaded by the loader, and the same set
   * written by {@link ExportCsv} as CSV and by {@link ExportXlsx} as a workbook (下单时间 as Excel dates) and imported
   * into two other databases, store exactly the same orders, lines and rollups.
   */
  @Test
  void theLoaderStoresWhatAnImportOfTheSameExportStores(Vertx vertx, VertxTestContext testContext) throws Exception {
    DemoOptions options = new DemoOptions(3, 1_200, 20, 5, LocalDate.of(2026, 10, 31));
    java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
    long lines = ExportCsv.write(new DemoDataset(options), csv, ExportCsv.Headers.ZH, ExportCsv.Encoding.UTF_8);
    java.io.ByteArrayOutputStream xlsx = new java.io.ByteArrayOutputStream();
    assertThat(ExportXlsx.write(new DemoDataset(options), xlsx, ExportCsv.Headers.ZH, true)).isEqualTo(lines);
    List<Pool> imported = new java.util.ArrayList<>();
    Future<Void> done = DemoData.load(vertx, MessageSignatures.unshared("test"), config, options).mapEmpty();
    for (byte[] file : List.of(csv.toByteArray(), xlsx.toByteArray())) {
      StoreDashConfig other = TestStorage.config(Map.of());
      Pool otherPool = PgPools.create(vertx, other, 1, null);
      imported.add(otherPool);
      done = done.compose(v -> vertx.executeBlocking(() -> io.storedash.query.storage.Migrations.migrate(other)))
        .compose(v -> CsvImport.open(vertx, MessageSignatures.unshared("test"), otherPool, "demo", config.timezone(), 64L << 20))
        .compose(session -> session.accept(io.vertx.core.buffer.Buffer.buffer(file)).compose(v -> session.finish()))
        .map(report -> {
          testContext.verify(() -> assertThat(report.lines()).isEqualTo(lines));
          return null;
        });
    }
    done.compose(v -> Future.all(CONTENTS.stream().map(sql -> Future.all(dump(pool, sql), dump(imported.get(0), sql),
        dump(imported.get(1), sql))).toList()))
      .eventually(() -> Future.all(imported.stream().map(Pool::close).toList()))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (int i = 0; i < CONTENTS.size(); i++) {
          io.vertx.core.CompositeFuture three = all.resultAt(i);
          List<String> loaded = three.resultAt(0);
          assertThat(loaded).as(CONTENTS.get(i)).isNotEmpty();
          assertThat((List<String>) three.resultAt(1)).as("CSV: " + CONTENTS.get(i)).containsExactlyElementsOf(loaded);
          assertThat((List<String>) three.resultAt(2)).as("xlsx: " + CONTENTS.get(i)).containsExactlyElementsOf(loaded);
        }
        testContext.completeNow();
      })));
  }

  private static Future<List<String>> dump(Pool pool, String sql) {
    return pool.query(sql).execute().map(rows -> {
      List<String> out = new java.util.ArrayList<>();
      rows.forEach(row -> out.add(row.toJson().encode()));
      return out;
    });
  }

  private Future<Row> single(String sql) {
    return pool.query(sql).execute().map(rows -> rows.iterator().next());
  }

  /**
   * Valid orders, invalid orders, and over valid orders items, revenue, cost and service fee; then every line: the
   * generated data summed in Java with the rule of docs/DESIGN.md §4.1.
   */
  private static long[] expectedTotals(DemoDataset dataset) {
    long[] totals = new long[7];
    for (int s = 0; s < dataset.parts(); s++) {
      for (OrderRecord order : dataset.part(s)) {
        totals[6] += order.lines().size();
        if (io.storedash.query.Channels.chargesByDefault(order.channel()) && order.serviceFee() <= 0) {
          totals[1]++;
          continue;
        }
        totals[0]++;
        totals[2] += order.items();
        totals[3] += order.revenue();
        totals[4] += order.cost();
        totals[5] += order.serviceFee();
      }
    }
    return totals;
  }
}
