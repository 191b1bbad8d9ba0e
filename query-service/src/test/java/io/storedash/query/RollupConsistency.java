package io.storedash.query;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * Checks that every rollup equals what the order lines say, computed another way than the loader does (lines summed
 * per order first, joined to orders), and that each chain-wide rollup equals the sum of its per-store rollup.
 */
public final class RollupConsistency {

  private static final String PER_ORDER = """
    WITH per_order AS (
      SELECT o.id, o.store_id, o.local_day, o.channel, o.local_hour, o.discount, o.delivery_cost, o.platform_fee,
             o.customer_delivery_fee, o.packaging_fee, count(*) AS lines, sum(l.quantity) AS items,
             sum(l.quantity * l.unit_price) AS revenue, sum(l.quantity * l.unit_cost) AS cost,
             sum(l.quantity * l.list_price) AS list_revenue
      FROM orders o JOIN order_lines l ON l.order_id = o.id
      WHERE l.store_id = o.store_id AND l.local_day = o.local_day AND l.channel = o.channel AND l.local_hour = o.local_hour
      GROUP BY o.id)
    """;

  /** Rows that differ between two queries, both ways. */
  private static String differences(String expected, String actual) {
    return "(SELECT count(*) FROM ((" + expected + ") EXCEPT (" + actual + ")) a) + (SELECT count(*) FROM ((" + actual
      + ") EXCEPT (" + expected + ")) b)";
  }

  private static final String CHANNEL = differences("""
      SELECT store_id, local_day, channel, count(*), sum(lines), sum(items), sum(revenue), sum(cost), sum(list_revenue),
             sum(discount), sum(delivery_cost), sum(platform_fee), sum(customer_delivery_fee), sum(packaging_fee)
      FROM per_order GROUP BY store_id, local_day, channel""", """
      SELECT store_id, day, channel, orders, lines, items, revenue, cost, list_revenue, discount, delivery_cost,
             platform_fee, customer_delivery_fee, packaging_fee
      FROM daily_store_channel""");
  private static final String HOUR = differences(
    "SELECT store_id, local_day, local_hour, count(*), sum(items), sum(revenue) FROM per_order GROUP BY store_id, local_day, local_hour",
    "SELECT store_id, day, hour, orders, items, revenue FROM daily_store_hour");
  private static final String PRODUCT = differences("""
      SELECT o.store_id, o.local_day, l.product_id, sum(l.quantity), sum(l.quantity * l.unit_price),
             sum(l.quantity * l.unit_cost), sum(l.quantity * l.list_price), count(*)
      FROM order_lines l JOIN orders o ON o.id = l.order_id
      GROUP BY o.store_id, o.local_day, l.product_id""",
    "SELECT store_id, day, product_id, quantity, revenue, cost, list_revenue, orders FROM daily_store_product");
  private static final String CHAIN_CHANNEL = differences("""
      SELECT day, channel, sum(orders), sum(lines), sum(items), sum(revenue), sum(cost), sum(list_revenue), sum(discount),
             sum(delivery_cost), sum(platform_fee), sum(customer_delivery_fee), sum(packaging_fee)
      FROM daily_store_channel GROUP BY day, channel""", """
      SELECT day, channel, orders, lines, items, revenue, cost, list_revenue, discount, delivery_cost, platform_fee,
             customer_delivery_fee, packaging_fee FROM daily_channel""");
  private static final String CHAIN_PRODUCT = differences("""
      SELECT day, product_id, sum(quantity), sum(revenue), sum(cost), sum(list_revenue), sum(orders)
      FROM daily_store_product GROUP BY day, product_id""",
    "SELECT day, product_id, quantity, revenue, cost, list_revenue, orders FROM daily_product");
  private static final String CHAIN_HOUR = differences(
    "SELECT day, hour, sum(orders), sum(items), sum(revenue) FROM daily_store_hour GROUP BY day, hour",
    "SELECT day, hour, orders, items, revenue FROM daily_hour");
  private static final String STORE = differences("""
      SELECT day, store_id, sum(orders), sum(lines), sum(items), sum(revenue), sum(cost), sum(list_revenue), sum(discount),
             sum(delivery_cost), sum(platform_fee), sum(customer_delivery_fee), sum(packaging_fee)
      FROM daily_store_channel GROUP BY day, store_id""", """
      SELECT day, store_id, orders, lines, items, revenue, cost, list_revenue, discount, delivery_cost, platform_fee,
             customer_delivery_fee, packaging_fee FROM daily_store""");
  private static final String STORE_DAYS = """
    SELECT count(*) FROM stores s,
      LATERAL (SELECT min(local_day) AS first_day, max(local_day) AS last_day FROM orders o WHERE o.store_id = s.id) d
    WHERE (s.first_day, s.last_day) IS DISTINCT FROM (d.first_day, d.last_day)""";

  /** Orders whose lines do not carry the order's store, day, channel and hour, or orders without lines. */
  private static final String LINE_COPIES = """
    SELECT (SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE (l.store_id, l.local_day, l.channel, l.local_hour) IS DISTINCT FROM (o.store_id, o.local_day, o.channel, o.local_hour))
         + (SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id))""";

  private RollupConsistency() {
  }

  /**
   * The number of rows that differ, per check: {@code channel hour product chain_channel chain_product chain_hour
   * store store_days line_copies} — all zero when the rollups are right.
   */
  public static Future<String> mismatches(SqlClient client) {
    String sql = PER_ORDER + "SELECT 'channel ' || " + CHANNEL + " || ' hour ' || " + HOUR + " || ' product ' || " + PRODUCT
      + " || ' chain_channel ' || " + CHAIN_CHANNEL + " || ' chain_product ' || " + CHAIN_PRODUCT
      + " || ' chain_hour ' || " + CHAIN_HOUR + " || ' store ' || " + STORE + " || ' store_days ' || (" + STORE_DAYS + ") || ' line_copies ' || ("
      + LINE_COPIES + ")";
    return client.query(sql).execute().map(rows -> rows.iterator().next().getString(0));
  }

  public static final String NONE = "channel 0 hour 0 product 0 chain_channel 0 chain_product 0 chain_hour 0 store 0 store_days 0 line_copies 0";
}
