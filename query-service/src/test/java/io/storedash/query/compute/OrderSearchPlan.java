package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.ingest.DemoDataset;
import io.storedash.query.ingest.DemoOptions;
import io.storedash.query.storage.Migrations;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plans and times of the order search (docs/DESIGN.md §13.2) on a store with a month of lines: loads demo stores
 * of {@code --rows-per-store} lines over 30 days into a fresh database of the tests' embedded PostgreSQL, prints
 * PostgreSQL's plan of each filtered statement (the custom plan for the values, and the generic plan a prepared
 * statement falls back to), after ANALYZE as autovacuum would leave the tables, and the time of each search through {@link Computations}, median of 5. Not a test: run it
 * by hand.
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.query.compute.OrderSearchPlan 30000
 * </pre>
 */
public final class OrderSearchPlan {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  private static final LocalDate FROM = END.minusDays(29);

  private OrderSearchPlan() {
  }

  public static void main(String[] args) {
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
    StoreDashConfig config = TestStorage.config(Map.of());
    Migrations.migrate(config);
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgPools.create(vertx, config, 2, null);
      new BulkLoader(vertx, io.storedash.common.security.MessageSignatures.unshared("order-search-plan"), pool, config.timezone()).load(new DemoDataset(new DemoOptions(2, lines, 30, 42, END))).await();
      // As autovacuum leaves a table after a load: statistics that know how many lines a store's month holds.
      pool.query("ANALYZE").execute().await();
      Row store = pool.query("SELECT id, code, (SELECT count(*) FROM order_lines l WHERE l.store_id = s.id) FROM stores s "
        + "ORDER BY code LIMIT 1").execute().await().iterator().next();
      String product = pool.query("SELECT name FROM products ORDER BY id LIMIT 1 OFFSET 3").execute().await().iterator().next().getString(0);
      System.out.printf(Locale.ROOT, "store %s: %d lines over %s..%s; searching %s%n", store.getString(1), store.getLong(2),
        FROM, END, product);
      Map<String, Tuple> plans = new LinkedHashMap<>();
      plans.put("lines, product text", filters(store.getInteger(0), null, null, product.substring(0, 2)));
      plans.put("lines, channel + amount", filters(store.getInteger(0), "meituan_flash", 3000L, null));
      plans.put("orders, product text", filters(store.getInteger(0), null, null, product.substring(0, 2)));
      List<String> statements = List.of(OrdersQuery.MATCHING_LINES_COUNT, OrdersQuery.MATCHING_LINES_PAGE,
        OrdersQuery.MATCHING_ORDERS_COUNT, OrdersQuery.MATCHING_ORDERS_PAGE);
      for (String mode : List.of("auto", "force_generic_plan")) {
        SqlConnection conn = pool.getConnection().await();
        conn.query("SET plan_cache_mode = " + mode).execute().await();
        int i = 0;
        for (String sql : statements) {
          Tuple args1 = i < 2 ? plans.get(i == 0 ? "lines, product text" : "lines, channel + amount") : plans.get("orders, product text");
          Tuple withPage = sql.contains("LIMIT") ? copy(args1).addInteger(50).addLong(0L) : args1;
          System.out.printf("%n--- %s, %s ---%n", mode, sql.substring(0, Math.min(60, sql.length())).replace('\n', ' '));
          for (Row row : conn.preparedQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql).execute(withPage).await()) {
            System.out.println(row.getString(0));
          }
          i++;
        }
        conn.close().await();
      }
      Computations computations = new Computations(pool, config.timezone());
      for (Map<String, String> params : List.of(Map.<String, String>of(), Map.of("q", product.substring(0, 2)),
        Map.of("q", "zz-no-such"), Map.of("channel", "meituan_flash", "min_amount", "30"), Map.of("group", "order"),
        Map.of("group", "order", "q", product.substring(0, 2)), Map.of("group", "order", "page", "40"))) {
        DashboardQuery query = DashboardQuery.of(QueryKind.ORDERS, store.getString(1), FROM, END, params);
        long[] ms = new long[5];
        for (int n = 0; n < ms.length; n++) {
          long t0 = System.nanoTime();
          computations.answer(query).await();
          ms[n] = (System.nanoTime() - t0) / 1_000_000;
        }
        java.util.Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "orders %-45s median %d ms (min %d, max %d)%n", params, ms[2], ms[0], ms[4]);
      }
      pool.close().await();
    } finally {
      vertx.close().await();
    }
  }

  private static Tuple filters(int store, String channel, Long min, String text) {
    return Tuple.of(store, FROM, END, channel, min, null, text);
  }

  private static Tuple copy(Tuple tuple) {
    Tuple copy = Tuple.tuple();
    for (int i = 0; i < tuple.size(); i++) {
      copy.addValue(tuple.getValue(i));
    }
    return copy;
  }
}
