package io.storedash.query;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks that every rollup equals what the order lines say, computed another way than the loaders do (each order's
 * sums from its lines here, joined to the order's own columns and its channel's fee flag), that each order's stored
 * sums equal its lines', and that each chain-wide rollup equals the sum of its per-store rollup.
 */
public final class RollupConsistency {

  private static final String PER_ORDER = """
    WITH per_order AS (
      SELECT o.id, o.store_id, o.local_day, o.channel, o.local_hour, o.distance_m, o.delivery_cost,
             o.customer_delivery_fee, o.delivery_fee_discount, o.commission, o.packaging_fee,
             o.full_reduction + o.product_discount + o.merchant_voucher + o.merchant_coupon + o.gift_amount
               + o.other_discount + o.new_customer_discount AS discounts, o.product_discount,
             NOT (bool_or(c.charges_fee) AND sum(l.service_fee) <= 0) AS valid,
             count(*) AS lines, sum(greatest(l.quantity, 0)) AS items, sum(l.quantity::int8 * l.unit_price) AS revenue,
             sum(l.cost) AS cost, sum(l.gross_profit) AS gross_profit,
             coalesce(sum(l.cost) FILTER (WHERE p.category = '耗材' OR p.subcategory = '耗材'), 0) AS consumables_cost,
             sum(l.service_fee) AS service_fee, sum(l.rebate) AS rebate, sum(l.expected_income) AS expected_income,
             coalesce(sum(l.quantity::int8 * l.list_price) FILTER (WHERE l.quantity > 0 AND l.list_price > 0), 0) AS list_gmv,
             coalesce(bool_or(l.quantity > 0 AND l.list_price > 0), false) AS gmv_order
      FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN channels c ON c.id = o.channel
      JOIN products p ON p.id = l.product_id
      WHERE l.store_id = o.store_id AND l.local_day = o.local_day AND l.channel = o.channel AND l.local_hour = o.local_hour
        AND l.valid = o.valid
      GROUP BY o.id),
    figures AS (
      SELECT *, gross_profit - service_fee - delivery_cost + rebate AS profit,
             delivery_cost - (customer_delivery_fee - delivery_fee_discount) - rebate AS delivery_net,
             list_gmv + CASE WHEN gmv_order THEN packaging_fee + customer_delivery_fee ELSE 0 END AS gmv,
             CASE WHEN gmv_order THEN discounts ELSE 0 END AS marketing,
             CASE WHEN gmv_order THEN product_discount ELSE 0 END AS gmv_product_discount
      FROM per_order)
    """;

  /** The channel rollup's sums as expressions over {@code figures}. */
  private static final List<String> CHANNEL_SUMS = List.of("count(*) FILTER (WHERE valid)",
    "count(*) FILTER (WHERE NOT valid)", "sum(lines)", "v(items)", "v(revenue)", "v(cost)", "v(gross_profit)",
    "v(consumables_cost)", "v(service_fee)", "v(rebate)", "v(delivery_cost)", "v(customer_delivery_fee)",
    "v(delivery_fee_discount)", "v(gmv)", "v(marketing)", "v(gmv_product_discount)", "v(commission)",
    "v(expected_income)");
  private static final String COLUMNS = "orders, invalid_orders, lines, items, revenue, cost, gross_profit, "
    + "consumables_cost, service_fee, rebate, delivery_cost, customer_delivery_fee, delivery_fee_discount, gmv, "
    + "marketing, product_discount, commission, expected_income";
  private static final String SUMS = CHANNEL_SUMS.stream()
    .map(s -> s.startsWith("v(") ? "coalesce(sum(" + s.substring(2, s.length() - 1) + ") FILTER (WHERE valid), 0)" : s)
    .collect(Collectors.joining(", "));
  private static final String SUMS_OF_COLUMNS = List.of(COLUMNS.split(", ")).stream().map(c -> "sum(" + c + ")")
    .collect(Collectors.joining(", "));

  /** Rows that differ between two queries, both ways. */
  private static String differences(String expected, String actual) {
    return "(SELECT count(*) FROM ((" + expected + ") EXCEPT (" + actual + ")) a) + (SELECT count(*) FROM ((" + actual
      + ") EXCEPT (" + expected + ")) b)";
  }

  private static final String ORDER_SUMS = differences(
    "SELECT id, lines, items, revenue, cost, gross_profit, consumables_cost, service_fee, rebate, expected_income, "
      + "list_gmv, gmv_order, valid FROM per_order",
    "SELECT id, lines, items, revenue, cost, gross_profit, consumables_cost, service_fee, rebate, expected_income, "
      + "list_gmv, gmv_order, valid FROM orders");
  private static final String CHANNEL = differences(
    "SELECT store_id, local_day, channel, " + SUMS + " FROM figures GROUP BY store_id, local_day, channel",
    "SELECT store_id, day, channel, " + COLUMNS + " FROM daily_store_channel");
  private static final String HOUR = differences(
    "SELECT store_id, local_day, local_hour, count(*), sum(items), sum(revenue), sum(profit) FROM figures WHERE valid "
      + "GROUP BY store_id, local_day, local_hour",
    "SELECT store_id, day, hour, orders, items, revenue, profit FROM daily_store_hour");
  private static final String DISTANCE = differences(
    "SELECT store_id, local_day, least(distance_m / 1000, 6), count(*), sum(revenue), sum(profit), sum(delivery_net) "
      + "FROM figures WHERE valid AND distance_m IS NOT NULL GROUP BY store_id, local_day, least(distance_m / 1000, 6)",
    "SELECT store_id, day, band, orders, revenue, profit, delivery_net FROM daily_store_distance");
  private static final String PRODUCT = differences("""
      SELECT o.store_id, o.local_day, l.product_id, sum(l.quantity), sum(l.quantity::int8 * l.unit_price), sum(l.cost),
             sum(l.gross_profit), sum(l.quantity::int8 * l.list_price), count(*), count(*) FILTER (WHERE l.quantity > 0)
      FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.valid
      GROUP BY o.store_id, o.local_day, l.product_id""",
    "SELECT store_id, day, product_id, quantity, revenue, cost, gross_profit, list_revenue, orders, sold_lines "
      + "FROM daily_store_product");
  private static final String CHAIN_CHANNEL = differences(
    "SELECT day, channel, " + SUMS_OF_COLUMNS + " FROM daily_store_channel GROUP BY day, channel",
    "SELECT day, channel, " + COLUMNS + " FROM daily_channel");
  private static final String CHAIN_PRODUCT = differences("""
      SELECT day, product_id, sum(quantity), sum(revenue), sum(cost), sum(gross_profit), sum(list_revenue), sum(orders),
             sum(sold_lines)
      FROM daily_store_product GROUP BY day, product_id""",
    "SELECT day, product_id, quantity, revenue, cost, gross_profit, list_revenue, orders, sold_lines FROM daily_product");
  private static final String CHAIN_HOUR = differences(
    "SELECT day, hour, sum(orders), sum(items), sum(revenue), sum(profit) FROM daily_store_hour GROUP BY day, hour",
    "SELECT day, hour, orders, items, revenue, profit FROM daily_hour");
  private static final String CHAIN_DISTANCE = differences(
    "SELECT day, band, sum(orders), sum(revenue), sum(profit), sum(delivery_net) FROM daily_store_distance GROUP BY day, band",
    "SELECT day, band, orders, revenue, profit, delivery_net FROM daily_distance");
  private static final String STORE = differences(
    "SELECT day, store_id, " + SUMS_OF_COLUMNS + " FROM daily_store_channel GROUP BY day, store_id",
    "SELECT day, store_id, " + COLUMNS + " FROM daily_store");
  /** daily_store's sold products against the valid orders' lines, computed from the lines themselves. */
  private static final String SOLD_PRODUCTS = differences("""
    SELECT l.local_day, l.store_id, array_agg(DISTINCT l.product_id ORDER BY l.product_id)
    FROM order_lines l JOIN products p ON p.id = l.product_id
    WHERE l.valid AND l.quantity > 0 AND p.category <> '耗材' AND coalesce(p.subcategory, '') <> '耗材'
    GROUP BY l.local_day, l.store_id""", "SELECT day, store_id, sold_products FROM daily_store WHERE sold_products <> '{}'");
  private static final String STORE_DAYS = """
    SELECT count(*) FROM stores s,
      LATERAL (SELECT min(local_day) AS first_day, max(local_day) AS last_day FROM orders o WHERE o.store_id = s.id) d
    WHERE (s.first_day, s.last_day) IS DISTINCT FROM (d.first_day, d.last_day)""";

  /** Orders whose lines do not carry the order's store, day, channel, hour and validity, or orders without lines. */
  private static final String LINE_COPIES = """
    SELECT (SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE (l.store_id, l.local_day, l.channel, l.local_hour, l.valid)
              IS DISTINCT FROM (o.store_id, o.local_day, o.channel, o.local_hour, o.valid))
         + (SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id))""";

  private RollupConsistency() {
  }

  /**
   * The number of rows that differ, per check: {@code order_sums channel hour distance product chain_channel
   * chain_product chain_hour chain_distance store sold_products store_days line_copies} — all zero when the rollups are right.
   */
  public static Future<String> mismatches(SqlClient client) {
    String sql = PER_ORDER + "SELECT 'order_sums ' || " + ORDER_SUMS + " || ' channel ' || " + CHANNEL + " || ' hour ' || "
      + HOUR + " || ' distance ' || " + DISTANCE + " || ' product ' || " + PRODUCT + " || ' chain_channel ' || "
      + CHAIN_CHANNEL + " || ' chain_product ' || " + CHAIN_PRODUCT + " || ' chain_hour ' || " + CHAIN_HOUR
      + " || ' chain_distance ' || " + CHAIN_DISTANCE + " || ' store ' || " + STORE + " || ' sold_products ' || " + SOLD_PRODUCTS + " || ' store_days ' || ("
      + STORE_DAYS + ") || ' line_copies ' || (" + LINE_COPIES + ")";
    return client.query(sql).execute().map(rows -> rows.iterator().next().getString(0));
  }

  public static final String NONE = "order_sums 0 channel 0 hour 0 distance 0 product 0 chain_channel 0 chain_product 0 "
    + "chain_hour 0 chain_distance 0 store 0 sold_products 0 store_days 0 line_copies 0";
}
