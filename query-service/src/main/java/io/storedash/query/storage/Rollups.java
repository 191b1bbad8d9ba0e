package io.storedash.query.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Rebuilds the rollups of some stores over a day range inside the caller's transaction, after a load or an import
 * changed their orders (or HQ changed a channel's fee flag): the per-store rollups are recomputed — the channel, hour
 * and distance rollups from {@code orders} alone (an order carries the sums of its lines), the product rollup from
 * {@code order_lines} — and the chain-wide ones are corrected by the difference: the old per-store rows are subtracted
 * before they are deleted and the new ones added after they are written. The cost is that of the touched stores,
 * whatever the size of the chain. {@code daily_store} (per store and day, all channels) is rebuilt from
 * {@code daily_store_channel}. Then the stores' first/last days and the data versions are updated.
 * <p>
 * Every sum is over valid orders (docs/DESIGN.md §4.1): an order on a channel that charges a service fee whose fee
 * sums to 0 or less is cancelled or refunded; {@code invalid_orders} counts those, {@code lines} counts every line.
 */
public final class Rollups {

  /** Order profit (订单实际利润) of one order row: Σ利润额 − Σ平台服务费 − 物流配送费 + Σ企客后返. */
  public static final String ORDER_PROFIT = "(gross_profit - service_fee - delivery_cost + rebate)";
  /** Net delivery cost of one order row: 物流配送费 − (用户支付配送费 − 配送费减免金额) − Σ企客后返. */
  public static final String ORDER_DELIVERY_NET = "(delivery_cost - (customer_delivery_fee - delivery_fee_discount) - rebate)";
  /** GMV of one order row: Σ原价 × 销量 of its sold lines with a list price, plus bag and delivery fee once. */
  public static final String ORDER_GMV = "(list_gmv + CASE WHEN gmv_order THEN packaging_fee + customer_delivery_fee ELSE 0 END)";
  /** Marketing cost of one order row, over the orders GMV counts. */
  public static final String ORDER_MARKETING = "(CASE WHEN gmv_order THEN full_reduction + product_discount + merchant_voucher"
    + " + merchant_coupon + gift_amount + other_discount + new_customer_discount ELSE 0 END)";

  /** The channel rollup's sums in column order, each with its expression over an {@code orders} row. */
  private static final List<String[]> CHANNEL_EXPRESSIONS = List.of(
    new String[] {"orders", "count(*) FILTER (WHERE valid)"},
    new String[] {"invalid_orders", "count(*) FILTER (WHERE NOT valid)"},
    new String[] {"lines", "sum(lines)"},
    valid("items", "items"),
    valid("revenue", "revenue"),
    valid("cost", "cost"),
    valid("gross_profit", "gross_profit"),
    valid("consumables_cost", "consumables_cost"),
    valid("service_fee", "service_fee"),
    valid("rebate", "rebate"),
    valid("delivery_cost", "delivery_cost"),
    valid("customer_delivery_fee", "customer_delivery_fee"),
    valid("delivery_fee_discount", "delivery_fee_discount"),
    valid("gmv", ORDER_GMV),
    valid("marketing", ORDER_MARKETING),
    valid("product_discount", "CASE WHEN gmv_order THEN product_discount ELSE 0 END"),
    valid("commission", "commission"),
    valid("expected_income", "expected_income"));

  /** The sums of the channel rollup (and of {@code daily_store} and {@code daily_channel}), in column order. */
  public static final List<String> CHANNEL_SUMS = CHANNEL_EXPRESSIONS.stream().map(e -> e[0]).toList();
  private static final List<String> PRODUCT_SUMS = List.of("quantity", "revenue", "cost", "gross_profit", "list_revenue",
    "orders", "sold_lines");
  private static final List<String> HOUR_SUMS = List.of("orders", "items", "revenue", "profit");
  private static final List<String> DISTANCE_SUMS = List.of("orders", "revenue", "profit", "delivery_net");

  /** The first sum is 0 exactly when a chain row has nothing left: it is then removed. */
  private record Rollup(String storeTable, String chainTable, List<String> keys, List<String> sums, String rebuild,
                        String emptyWhenZero) {
  }

  private static final String SELECTED = " WHERE store_id = ANY($1) AND local_day BETWEEN $2 AND $3";
  /**
   * The per-store rollups are written in key order (store, day, ...), so that one store's days lie on few pages: in
   * the order of a hash aggregate each row of a store's range was on a page of its own, and a store's categories read
   * ~2,000 pages for 2,000 rows once the table outgrew memory (docs/DESIGN.md §12.5, V5 rewrote the rows before).
   */
  private static final String IN_KEY_ORDER = " ORDER BY 1, 2, 3";

  /** Whether the product {@code pr} is a consumable (耗材, category or subcategory): in order figures, not in 动销. */
  public static final String CONSUMABLE = "(pr.category = '耗材' OR coalesce(pr.subcategory, '') = '耗材')";

  private static final String INSERT_CHANNEL = "INSERT INTO daily_store_channel (store_id, day, channel, "
    + String.join(", ", CHANNEL_SUMS) + ") SELECT store_id, local_day, channel, "
    + CHANNEL_EXPRESSIONS.stream().map(e -> e[1]).collect(Collectors.joining(", "))
    + " FROM orders" + SELECTED + " GROUP BY store_id, local_day, channel" + IN_KEY_ORDER;

  private static final String INSERT_PRODUCT = """
    INSERT INTO daily_store_product (store_id, day, product_id, quantity, revenue, cost, gross_profit, list_revenue,
                                     orders, sold_lines)
    SELECT store_id, local_day, product_id, sum(quantity), sum(quantity::int8 * unit_price), sum(cost),
           sum(gross_profit), sum(quantity::int8 * list_price), count(*), count(*) FILTER (WHERE quantity > 0)
    FROM order_lines""" + SELECTED + " AND valid GROUP BY store_id, local_day, product_id" + IN_KEY_ORDER;

  private static final String INSERT_HOUR = "INSERT INTO daily_store_hour (store_id, day, hour, orders, items, revenue, "
    + "profit) SELECT store_id, local_day, local_hour, count(*), sum(items), sum(revenue), sum(" + ORDER_PROFIT + ")"
    + " FROM orders" + SELECTED + " AND valid GROUP BY store_id, local_day, local_hour" + IN_KEY_ORDER;

  private static final String INSERT_DISTANCE = "INSERT INTO daily_store_distance (store_id, day, band, orders, revenue, "
    + "profit, delivery_net) SELECT store_id, local_day, least(distance_m / 1000, 6), count(*), sum(revenue), sum("
    + ORDER_PROFIT + "), sum(" + ORDER_DELIVERY_NET + ") FROM orders" + SELECTED
    + " AND valid AND distance_m IS NOT NULL GROUP BY store_id, local_day, least(distance_m / 1000, 6)" + IN_KEY_ORDER;

  private static final List<Rollup> ROLLUPS = List.of(
    new Rollup("daily_store_channel", "daily_channel", List.of("day", "channel"), CHANNEL_SUMS, INSERT_CHANNEL, "lines"),
    new Rollup("daily_store_product", "daily_product", List.of("day", "product_id"), PRODUCT_SUMS, INSERT_PRODUCT, "orders"),
    new Rollup("daily_store_hour", "daily_hour", List.of("day", "hour"), HOUR_SUMS, INSERT_HOUR, "orders"),
    new Rollup("daily_store_distance", "daily_distance", List.of("day", "band"), DISTANCE_SUMS, INSERT_DISTANCE, "orders"));

  private static final String DELETE_STORE_DAYS = "DELETE FROM daily_store WHERE store_id = ANY($1) AND day BETWEEN $2 AND $3";
  // daily_store's sums add up the store's channels; its sold_products are the ids of daily_store_product's rows of the
  // day with a line of 销量 > 0, consumables (耗材) left out — both rebuilt just before.
  private static final String INSERT_STORE_DAYS = "INSERT INTO daily_store (day, store_id, "
    + String.join(", ", CHANNEL_SUMS) + ", sold_products) SELECT c.day, c.store_id, "
    + CHANNEL_SUMS.stream().map(s -> "c." + s).collect(Collectors.joining(", "))
    + ", coalesce(p.sold_products, '{}') FROM (SELECT day, store_id, "
    + CHANNEL_SUMS.stream().map(s -> "sum(" + s + ") AS " + s).collect(Collectors.joining(", "))
    + " FROM daily_store_channel WHERE store_id = ANY($1) AND day BETWEEN $2 AND $3 GROUP BY day, store_id) c"
    + " LEFT JOIN (SELECT d.day, d.store_id, array_agg(d.product_id ORDER BY d.product_id) AS sold_products"
    + " FROM daily_store_product d JOIN products pr ON pr.id = d.product_id"
    + " WHERE d.store_id = ANY($1) AND d.day BETWEEN $2 AND $3 AND d.sold_lines > 0 AND NOT " + CONSUMABLE
    + " GROUP BY d.day, d.store_id) p ON p.day = c.day AND p.store_id = c.store_id";

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
  /** The transaction's start: every store of one load gets the same time, the time the load began to write. */
  private static final String RECORD_IMPORT = "UPDATE stores SET last_import_at = now() WHERE id = ANY($1)";

  private Rollups() {
  }

  /** One statement of a refresh and what it takes: the stores and days ($1–$3), the days only ($1–$2), or the stores. */
  private enum Arguments { RANGE, DAYS, STORES }

  private record Step(String sql, Arguments arguments) {
  }

  /** The statements of a refresh, in order; the rollup steps only when there are days to rebuild. */
  private static List<Step> steps(boolean days) {
    List<Step> steps = new ArrayList<>();
    if (days) {
      for (Rollup rollup : ROLLUPS) {
        steps.add(new Step(subtract(rollup), Arguments.RANGE));
        steps.add(new Step("DELETE FROM " + rollup.storeTable() + " WHERE store_id = ANY($1) AND day BETWEEN $2 AND $3",
          Arguments.RANGE));
        steps.add(new Step(rollup.rebuild(), Arguments.RANGE));
        steps.add(new Step(add(rollup), Arguments.RANGE));
        // A chain row whose stores no longer sell anything that day is removed, not kept at zero.
        steps.add(new Step("DELETE FROM " + rollup.chainTable() + " WHERE day BETWEEN $1 AND $2 AND "
          + rollup.emptyWhenZero() + " = 0", Arguments.DAYS));
      }
      steps.add(new Step(DELETE_STORE_DAYS, Arguments.RANGE));
      steps.add(new Step(INSERT_STORE_DAYS, Arguments.RANGE));
    }
    steps.add(new Step(UPDATE_STORE_DAYS, Arguments.STORES));
    return steps;
  }

  /**
   * Rebuilds every rollup of {@code storeIds} for the days {@code first}..{@code last} (nothing when
   * {@code first} is null), then the stores' first and last days.
   */
  public static Future<Void> refresh(SqlConnection conn, Integer[] storeIds, LocalDate first, LocalDate last) {
    boolean days = first != null && storeIds.length > 0;
    Future<Void> done = Future.succeededFuture();
    for (Step step : steps(days)) {
      Tuple args = switch (step.arguments()) {
        case RANGE -> Tuple.tuple().addArrayOfInteger(storeIds).addLocalDate(first).addLocalDate(last);
        case DAYS -> Tuple.of(first, last);
        case STORES -> Tuple.tuple().addArrayOfInteger(storeIds);
      };
      done = done.compose(v -> conn.preparedQuery(step.sql()).execute(args)).mapEmpty();
    }
    return done;
  }

  /**
   * Rebuilds every rollup of every store over JDBC, for a schema migration that changed what the rollups hold: the
   * same statements as {@link #refresh}, for all stores and all days.
   */
  public static void rebuildAll(Connection conn) throws SQLException {
    try (Statement statement = conn.createStatement()) {
      for (Step step : steps(true)) {
        String sql = step.sql();
        if (step.arguments() == Arguments.DAYS) {
          sql = sql.replace("$1", "DATE '1900-01-01'").replace("$2", "DATE '2200-12-31'");
        } else {
          sql = sql.replace("$1::int4[]", "$1").replace("$1", "ARRAY(SELECT id FROM stores)")
            .replace("$2", "DATE '1900-01-01'").replace("$3", "DATE '2200-12-31'");
        }
        statement.execute(sql);
      }
    }
  }

  /** Increments the dataset version and gives it to {@code storeIds}; completes with the new version. */
  public static Future<Long> bumpVersions(SqlConnection conn, Integer[] storeIds) {
    return conn.query(BUMP_VERSION).execute()
      .map(rows -> rows.iterator().next().getLong(0))
      .compose(version -> conn.preparedQuery(SET_STORE_VERSIONS)
        .execute(Tuple.tuple().addLong(version).addArrayOfInteger(storeIds))
        .map(version));
  }

  /**
   * Records that data of {@code storeIds} came in now (an import or a bulk load; not a fee-flag change, which only
   * values the same orders again): the stores view's 最近导入 (docs/DESIGN.md §13.2).
   */
  public static Future<Void> recordImport(SqlConnection conn, Integer[] storeIds) {
    return conn.preparedQuery(RECORD_IMPORT).execute(Tuple.tuple().addArrayOfInteger(storeIds)).mapEmpty();
  }

  private static String[] valid(String column, String expression) {
    return new String[] {column, "coalesce(sum(" + expression + ") FILTER (WHERE valid), 0)"};
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
