package io.storedash.query.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Rebuilds the rollups of some stores over a day range inside the caller's transaction, after a load or an import
 * changed their orders: the per-store rollups ({@code daily_store_channel}, {@code daily_store_product},
 * {@code daily_store_hour}) are recomputed from the lines, and the chain-wide ones ({@code daily_channel},
 * {@code daily_product}, {@code daily_hour}) are corrected by the difference: the old per-store rows are subtracted
 * before they are deleted and the new ones added after they are written. The cost is that of the touched stores,
 * whatever the size of the chain. {@code daily_store} (per store and day, all channels) is rebuilt from
 * {@code daily_store_channel}. Then the stores' first/last days and the data versions are updated.
 */
public final class Rollups {

  private static final List<String> CHANNEL_SUMS = List.of("orders", "lines", "items", "revenue", "cost",
    "list_revenue", "discount", "delivery_cost", "platform_fee", "customer_delivery_fee", "packaging_fee");
  private static final List<String> PRODUCT_SUMS = List.of("quantity", "revenue", "cost", "list_revenue", "orders");
  private static final List<String> HOUR_SUMS = List.of("orders", "items", "revenue");

  private record Rollup(String storeTable, String chainTable, List<String> keys, List<String> sums, String rebuild) {
  }

  // Order-level sums come from orders (each order once), line sums from lines, grouped the same way and merged by
  // a second GROUP BY: no join, so no plan can re-run one aggregate per row of the other (fresh tables have no stats).
  private static final String INSERT_CHANNEL = """
    INSERT INTO daily_store_channel (store_id, day, channel, orders, lines, items, revenue, cost, list_revenue,
                                     discount, delivery_cost, platform_fee, customer_delivery_fee, packaging_fee)
    SELECT store_id, day, channel, sum(orders), sum(lines), sum(items), sum(revenue), sum(cost), sum(list_revenue),
           sum(discount), sum(delivery_cost), sum(platform_fee), sum(customer_delivery_fee), sum(packaging_fee)
    FROM (SELECT store_id, local_day AS day, channel, count(*) AS orders, 0 AS lines, 0 AS items, 0 AS revenue,
                 0 AS cost, 0 AS list_revenue, sum(discount) AS discount, sum(delivery_cost) AS delivery_cost,
                 sum(platform_fee) AS platform_fee, sum(customer_delivery_fee) AS customer_delivery_fee,
                 sum(packaging_fee) AS packaging_fee
          FROM orders
          WHERE store_id = ANY($1) AND local_day BETWEEN $2 AND $3
          GROUP BY store_id, local_day, channel
          UNION ALL
          SELECT store_id, local_day, channel, 0, count(*), sum(quantity), sum(quantity::int8 * unit_price),
                 sum(quantity::int8 * unit_cost), sum(quantity::int8 * list_price), 0, 0, 0, 0, 0
          FROM order_lines
          WHERE store_id = ANY($1) AND local_day BETWEEN $2 AND $3
          GROUP BY store_id, local_day, channel) parts
    GROUP BY store_id, day, channel""";

  private static final String INSERT_PRODUCT = """
    INSERT INTO daily_store_product (store_id, day, product_id, quantity, revenue, cost, list_revenue, orders)
    SELECT store_id, local_day, product_id, sum(quantity), sum(quantity::int8 * unit_price),
           sum(quantity::int8 * unit_cost), sum(quantity::int8 * list_price), count(*)
    FROM order_lines
    WHERE store_id = ANY($1) AND local_day BETWEEN $2 AND $3
    GROUP BY store_id, local_day, product_id""";

  private static final String INSERT_HOUR = """
    INSERT INTO daily_store_hour (store_id, day, hour, orders, items, revenue)
    SELECT store_id, day, hour, sum(orders), sum(items), sum(revenue)
    FROM (SELECT store_id, local_day AS day, local_hour AS hour, count(*) AS orders, 0 AS items, 0 AS revenue
          FROM orders
          WHERE store_id = ANY($1) AND local_day BETWEEN $2 AND $3
          GROUP BY store_id, local_day, local_hour
          UNION ALL
          SELECT store_id, local_day, local_hour, 0, sum(quantity), sum(quantity::int8 * unit_price)
          FROM order_lines
          WHERE store_id = ANY($1) AND local_day BETWEEN $2 AND $3
          GROUP BY store_id, local_day, local_hour) parts
    GROUP BY store_id, day, hour""";

  private static final List<Rollup> ROLLUPS = List.of(
    new Rollup("daily_store_channel", "daily_channel", List.of("day", "channel"), CHANNEL_SUMS, INSERT_CHANNEL),
    new Rollup("daily_store_product", "daily_product", List.of("day", "product_id"), PRODUCT_SUMS, INSERT_PRODUCT),
    new Rollup("daily_store_hour", "daily_hour", List.of("day", "hour"), HOUR_SUMS, INSERT_HOUR));

  private static final String DELETE_STORE_DAYS = "DELETE FROM daily_store WHERE store_id = ANY($1) AND day BETWEEN $2 AND $3";
  private static final String INSERT_STORE_DAYS = "INSERT INTO daily_store (day, store_id, "
    + String.join(", ", CHANNEL_SUMS) + ") SELECT day, store_id, "
    + CHANNEL_SUMS.stream().map(s -> "sum(" + s + ")").collect(Collectors.joining(", "))
    + " FROM daily_store_channel WHERE store_id = ANY($1) AND day BETWEEN $2 AND $3 GROUP BY day, store_id";

  private static final String UPDATE_STORE_DAYS = """
    UPDATE stores s SET first_day = r.first_day, last_day = r.last_day
    FROM (SELECT id AS store_id, (SELECT min(day) FROM daily_store_channel d WHERE d.store_id = id) AS first_day,
                 (SELECT max(day) FROM daily_store_channel d WHERE d.store_id = id) AS last_day
          FROM unnest($1::int4[]) AS id) r
    WHERE s.id = r.store_id""";

  /**
   * Versions are milliseconds of the load's clock (or one more than the last, if the clock is behind): they grow
   * with every load and never repeat across databases, so a cache shared by two databases, or one that outlives a
   * database recreated from scratch, can never mistake one's entries for the other's.
   */
  private static final String BUMP_VERSION = "UPDATE dataset_version SET version = "
    + "greatest(version + 1, (extract(epoch from clock_timestamp()) * 1000)::bigint) RETURNING version";
  private static final String SET_STORE_VERSIONS = "UPDATE stores SET data_version = $1 WHERE id = ANY($2)";

  private Rollups() {
  }

  /**
   * Rebuilds every rollup of {@code storeIds} for the days {@code first}..{@code last} (nothing when
   * {@code first} is null), then the stores' first and last days.
   */
  public static Future<Void> refresh(SqlConnection conn, Integer[] storeIds, LocalDate first, LocalDate last) {
    Future<Void> done = Future.succeededFuture();
    if (first != null && storeIds.length > 0) {
      Tuple range = Tuple.tuple().addArrayOfInteger(storeIds).addLocalDate(first).addLocalDate(last);
      Tuple days = Tuple.of(first, last);
      for (Rollup rollup : ROLLUPS) {
        done = done
          .compose(v -> conn.preparedQuery(subtract(rollup)).execute(range))
          .compose(v -> conn.preparedQuery("DELETE FROM " + rollup.storeTable()
            + " WHERE store_id = ANY($1) AND day BETWEEN $2 AND $3").execute(range))
          .compose(v -> conn.preparedQuery(rollup.rebuild()).execute(range))
          .compose(v -> conn.preparedQuery(add(rollup)).execute(range))
          // A chain row whose stores no longer sell anything that day is removed, not kept at zero.
          .compose(v -> conn.preparedQuery("DELETE FROM " + rollup.chainTable() + " WHERE day BETWEEN $1 AND $2 AND "
            + rollup.sums().get(0) + " = 0").execute(days))
          .mapEmpty();
      }
      done = done
        .compose(v -> conn.preparedQuery(DELETE_STORE_DAYS).execute(range))
        .compose(v -> conn.preparedQuery(INSERT_STORE_DAYS).execute(range))
        .mapEmpty();
    }
    return done.compose(v -> conn.preparedQuery(UPDATE_STORE_DAYS).execute(Tuple.tuple().addArrayOfInteger(storeIds)))
      .mapEmpty();
  }

  /** Increments the dataset version and gives it to {@code storeIds}; completes with the new version. */
  public static Future<Long> bumpVersions(SqlConnection conn, Integer[] storeIds) {
    return conn.query(BUMP_VERSION).execute()
      .map(rows -> rows.iterator().next().getLong(0))
      .compose(version -> conn.preparedQuery(SET_STORE_VERSIONS)
        .execute(Tuple.tuple().addLong(version).addArrayOfInteger(storeIds))
        .map(version));
  }

  /** Subtracts the current per-store rows of the stores and days from the chain rows. */
  private static String subtract(Rollup r) {
    return "UPDATE " + r.chainTable() + " c SET "
      + r.sums().stream().map(s -> s + " = c." + s + " - x." + s).collect(Collectors.joining(", "))
      + " FROM (" + sumsOfStores(r) + ") x WHERE "
      + r.keys().stream().map(k -> "c." + k + " = x." + k).collect(Collectors.joining(" AND "));
  }

  /** Adds the rebuilt per-store rows of the stores and days to the chain rows. */
  private static String add(Rollup r) {
    return "INSERT INTO " + r.chainTable() + " (" + String.join(", ", r.keys()) + ", " + String.join(", ", r.sums())
      + ") " + sumsOfStores(r) + " ON CONFLICT (" + String.join(", ", r.keys()) + ") DO UPDATE SET "
      + r.sums().stream().map(s -> s + " = " + r.chainTable() + "." + s + " + EXCLUDED." + s)
      .collect(Collectors.joining(", "));
  }

  private static String sumsOfStores(Rollup r) {
    return "SELECT " + String.join(", ", r.keys()) + ", "
      + r.sums().stream().map(s -> "sum(" + s + ")::int8 AS " + s).collect(Collectors.joining(", "))
      + " FROM " + r.storeTable() + " WHERE store_id = ANY($1) AND day BETWEEN $2 AND $3 GROUP BY "
      + String.join(", ", r.keys());
  }
}
