package io.storedash.query.large;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;

/**
 * A store with {@link #PRODUCTS} products ({@code -Dlarge.products}: 50,000 in {@code verify}, 200,000 for the
 * benchmark in docs/BENCHMARKS.md) written straight into {@code stores}, {@code products} and the product rollup
 * {@code daily_store_product} with {@code generate_series} (seconds, not an import of millions of lines). Every
 * product sells on one day in 1 to 20 of the last {@link #DAYS} days (a long tail: about 5.3 rollup rows per product, 1.07 million for 200,000),
 * and the figures are made so that every quadrant and every flag has many products: about one in nine sells below
 * cost, one in seven at 44 % below its list price, one in eleven sells five times as much in the first half of the
 * range, and one in thirteen has not sold in the last ten days.
 */
public final class LargeStore {

  public static final String CODE = "BIG";
  public static final int PRODUCTS = Integer.getInteger("large.products", 50_000);
  public static final int DAYS = 30;

  private LargeStore() {
  }

  /** Writes the store, its products and its rollup rows ending on {@code lastDay}, then ANALYZE. */
  public static Future<Void> generate(Pool pool, LocalDate lastDay) {
    return pool.preparedQuery("INSERT INTO stores (code, name, city, timezone, first_day, last_day) "
        + "VALUES ($1, '旗舰大店', '上海', 'Asia/Shanghai', $2, $3)")
      .execute(Tuple.of(CODE, lastDay.minusDays(DAYS - 1L), lastDay))
      .compose(v -> pool.query("INSERT INTO products (sku, name, category) SELECT 'BIG' || lpad(g::text, 6, '0'), "
        + "'商品 ' || g, '品类' || (g % 40) FROM generate_series(1, " + PRODUCTS + ") g").execute())
      // k = days before the last day; price 1 to 50 yuan, cost 30 % to 109 % of it, list price 180 % of it for every
      // seventh product (markdown 44 %) else 110 %.
      .compose(v -> pool.preparedQuery("""
          INSERT INTO daily_store_product (store_id, day, product_id, quantity, revenue, cost, gross_profit,
                                           list_revenue, orders, sold_lines)
          SELECT s.id, $2::date - k, p.id, x.q, x.q * x.price, x.q * x.cost, x.q * (x.price - x.cost),
                 x.q * x.list, x.q, x.q
          FROM stores s, products p, generate_series(0, $3 - 1) k,
               LATERAL (SELECT 100 + (p.id * 37) % 4900 AS price) pr,
               LATERAL (SELECT pr.price,
                               pr.price * (30 + (p.id * 11) % 80) / 100 AS cost,
                               pr.price * (CASE WHEN p.id % 7 = 0 THEN 180 ELSE 110 END) / 100 AS list,
                               (1 + (p.id * 13 + k * 7) % 5) * (CASE WHEN p.id % 11 = 0 AND k >= 15 THEN 5 ELSE 1 END) AS q) x
          WHERE s.code = $1 AND p.sku LIKE 'BIG%' AND (p.id + k) % (1 + p.id % 20) = 0
            AND NOT (p.id % 13 = 0 AND k < 10)""")
        .execute(Tuple.of(CODE, lastDay, DAYS)))
      .compose(v -> pool.query("ANALYZE stores; ANALYZE products; ANALYZE daily_store_product").execute())
      .mapEmpty();
  }
}
