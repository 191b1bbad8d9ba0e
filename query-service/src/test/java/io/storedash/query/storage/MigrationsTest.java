package io.storedash.query.storage;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Schema migrations: idempotent, and a rollback to this release works against a schema a newer one migrated. */
class MigrationsTest {

  @Test
  void migratingTwiceAppliesNothingTheSecondTime() {
    StoreDashConfig config = TestStorage.config(Map.of());
    assertThat(Migrations.migrate(config)).isPositive();
    assertThat(Migrations.migrate(config)).isZero();
  }

  @Test
  void thisReleaseStartsOnASchemaANewerReleaseMigrated() {
    StoreDashConfig config = TestStorage.config(Map.of());
    // A newer release ran its migrations, one more than this release knows.
    Migrations.flyway(JdbcDatabase.of(config.pgUrlOrDefault()))
      .locations("classpath:db/migration", "classpath:db/future")
      .load()
      .migrate();
    // Rolled back: this release's query-service starts (its migrate validates and applies nothing).
    assertThat(Migrations.migrate(config)).isZero();
  }

  /**
   * Version 5: one store's days of daily_store (the store overview's 动销商品数, the rebuild of a load's stores) are read
   * through (store_id, day), not through the ranking's (day, store_id) key, which scans every store's entries of the
   * range and grew the store overview with the chain (docs/DESIGN.md §12.5).
   */
  @Test
  void oneStoresDaysOfDailyStoreAreReadThroughTheStoreIndex() throws Exception {
    StoreDashConfig config = TestStorage.config(Map.of());
    Migrations.migrate(config);
    JdbcDatabase database = JdbcDatabase.of(config.pgUrlOrDefault());
    try (Connection conn = database.connect(); Statement sql = conn.createStatement()) {
      // 200 stores × 60 days, so the plan is the one of a chain, not of an empty table.
      sql.execute("INSERT INTO daily_store (day, store_id, orders, invalid_orders, lines, items, revenue, cost, "
        + "gross_profit, consumables_cost, service_fee, rebate, delivery_cost, customer_delivery_fee, "
        + "delivery_fee_discount, gmv, marketing, product_discount, commission, expected_income, sold_products) "
        + "SELECT d::date, s, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, '{1,2,3}' "
        + "FROM generate_series(1, 200) s, generate_series('2026-09-01'::date, '2026-10-30', '1 day') d");
      sql.execute("ANALYZE daily_store");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rows = sql.executeQuery("EXPLAIN SELECT p, min(day), max(day) FROM daily_store, "
        + "unnest(sold_products) AS p WHERE store_id = 7 AND day BETWEEN '2026-09-01' AND '2026-10-30' GROUP BY 1")) {
        while (rows.next()) {
          plan.append(rows.getString(1)).append('\n');
        }
      }
      assertThat(plan.toString()).contains("daily_store_store_day").doesNotContain("Seq Scan on daily_store");
    }
  }

  /**
   * Data an earlier release imported survives version 3: a unit cost becomes the line's cost, the order's service fee
   * goes on its first line, the orders get their sums, and the rollups are rebuilt with the chain's figures.
   */
  @Test
  void dataOfEarlierReleasesIsCarriedOver() throws Exception {
    StoreDashConfig config = TestStorage.config(Map.of());
    JdbcDatabase database = JdbcDatabase.of(config.pgUrlOrDefault());
    Migrations.flyway(database).target(MigrationVersion.fromVersion("2")).load().migrate();
    try (Connection conn = database.connect(); Statement sql = conn.createStatement()) {
      sql.execute("INSERT INTO stores (code, name) VALUES ('S001', '和兴路店')");
      sql.execute("INSERT INTO products (sku, name, category) VALUES ('P1', '可乐', '饮料'), ('P2', '薯片', '零食')");
      // An eleme order with a fee, and a meituan order without one (cancelled under the new rule).
      sql.execute("""
        INSERT INTO orders (order_no, store_id, channel, ordered_at, local_day, local_hour, delivery_cost, platform_fee,
                            discount, customer_delivery_fee, packaging_fee)
        VALUES ('A1', 1, 2, '2026-03-01 04:00:00+00', '2026-03-01', 12, 500, 120, 300, 200, 100),
               ('A2', 1, 1, '2026-03-01 05:00:00+00', '2026-03-01', 13, 0, 0, 0, 0, 0)""");
      sql.execute("""
        INSERT INTO order_lines (order_id, unit_price, list_price, unit_cost, product_id, store_id, local_day, quantity,
                                 channel, local_hour)
        VALUES (1, 300, 350, 200, 1, 1, '2026-03-01', 2, 2, 12), (1, 800, 1000, 500, 2, 1, '2026-03-01', 1, 2, 12),
               (2, 300, 300, 200, 1, 1, '2026-03-01', 1, 1, 13)""");
    }
    assertThat(Migrations.migrate(config)).isPositive();
    try (Connection conn = database.connect(); Statement sql = conn.createStatement()) {
      ResultSet lines = sql.executeQuery("SELECT line_no, cost, gross_profit, service_fee FROM order_lines WHERE order_id = 1 "
        + "ORDER BY line_no");
      assertThat(lines.next()).isTrue();
      assertThat(List.of(lines.getInt(1), lines.getLong(2), lines.getLong(3), lines.getLong(4))).containsExactly(1, 400L, 200L, 120L);
      assertThat(lines.next()).isTrue();
      assertThat(List.of(lines.getInt(1), lines.getLong(2), lines.getLong(3), lines.getLong(4))).containsExactly(2, 500L, 300L, 0L);
      ResultSet day = sql.executeQuery("SELECT orders, invalid_orders, revenue, gross_profit, service_fee, gmv, marketing "
        + "FROM daily_store WHERE store_id = 1");
      assertThat(day.next()).isTrue();
      // A1: revenue 2×3.00 + 8.00 = 14.00, 利润额 2.00 + 3.00, fee 1.20, GMV 2×3.50 + 10.00 + 1.00 + 2.00 = 20.00,
      // marketing (满减) 3.00; A2 on meituan without a fee is not valid.
      assertThat(List.of(day.getLong(1), day.getLong(2), day.getLong(3), day.getLong(4), day.getLong(5), day.getLong(6),
        day.getLong(7))).containsExactly(1L, 1L, 1400L, 500L, 120L, 2000L, 300L);
      ResultSet channels = sql.executeQuery("SELECT code, charges_fee FROM channels ORDER BY id");
      List<String> flags = new java.util.ArrayList<>();
      while (channels.next()) {
        flags.add(channels.getString(1) + "=" + channels.getBoolean(2));
      }
      assertThat(flags).containsExactly("meituan=true", "eleme=true", "jddj=true", "offline=false");
    }
  }
}
