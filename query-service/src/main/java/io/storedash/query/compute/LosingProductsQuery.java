package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.query.metrics.LosingProducts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code losing-products}: the products with a gross loss over the range, from the per-store product rollup
 * ({@code daily_store_product}, never the lines), consumables left out as in every product view: per product and store
 * summed in SQL, the losing products counted, one page of them cut, and the page's products joined to the stores
 * where they lost money — one statement, one row per (product, losing store). The chain form reads every store's
 * rollup: the chain-wide {@code daily_product} has no stores to name.
 */
final class LosingProductsQuery implements KindQuery {

  // $1..$2 the range, then (not for the chain) $3 the store or the set; then the page size and the rows to skip.
  private static final String SQL = """
    WITH per_store AS (
      SELECT product_id, store_id, sum(quantity)::int8 AS quantity, sum(revenue)::int8 AS revenue, sum(cost)::int8 AS cost
      FROM daily_store_product WHERE day BETWEEN $1 AND $2%s AND %s GROUP BY product_id, store_id),
    per_product AS (
      SELECT product_id, sum(quantity)::int8 AS quantity, sum(revenue)::int8 AS revenue, sum(cost)::int8 AS cost
      FROM per_store GROUP BY product_id HAVING sum(revenue) < sum(cost)),
    summary AS (SELECT count(*) AS total, coalesce(sum(revenue - cost), 0)::int8 AS loss FROM per_product),
    page AS (
      SELECT x.product_id, p.sku, p.name, p.category, x.quantity, x.revenue, x.cost
      FROM per_product x JOIN products p ON p.id = x.product_id
      ORDER BY x.revenue - x.cost, p.sku LIMIT $%d OFFSET $%d)
    SELECT s.total, s.loss, pg.sku, pg.name, pg.category, pg.quantity, pg.revenue, pg.cost,
           st.code, st.name, ps.quantity, ps.revenue, ps.cost
    FROM summary s
    LEFT JOIN page pg ON true
    LEFT JOIN per_store ps ON ps.product_id = pg.product_id AND ps.revenue < ps.cost
    LEFT JOIN stores st ON st.id = ps.store_id
    ORDER BY pg.revenue - pg.cost, pg.sku, ps.revenue - ps.cost, st.code""";
  private static final ScopedStatement STATEMENT = ScopedStatement.of(
    SQL.formatted("", StoreScope.NOT_CONSUMABLE, 3, 4),
    SQL.formatted(" AND store_id = $3", StoreScope.NOT_CONSUMABLE, 4, 5));

  private final SqlClient client;
  private final ZoneId zone;

  LosingProductsQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    Map<String, String> defaults = QueryKind.LOSING_PRODUCTS.defaults();
    int page = Integer.parseInt(query.param("page", defaults.get("page")));
    int size = Integer.parseInt(query.param("size", defaults.get("size")));
    return StoreScope.resolve(client, query, zone).compose(scope ->
      client.preparedQuery(scope.sql(STATEMENT))
        .execute(scope.rangeThenStore().addInteger(size).addLong((long) (page - 1) * size))
        .map(rows -> new JsonObject(page(scope, page, size, rows).toMap())));
  }

  private static LosingProducts page(StoreScope scope, int page, int size, RowSet<Row> rows) {
    long total = 0;
    long loss = 0;
    List<LosingProducts.Product> products = new ArrayList<>();
    List<LosingProducts.Store> stores = null;
    String sku = null;
    for (Row row : rows) {
      total = row.getLong(0);
      loss = row.getLong(1);
      if (row.getString(2) == null) {
        continue; // the summary alone: no product on this page
      }
      if (!row.getString(2).equals(sku)) {
        sku = row.getString(2);
        stores = new ArrayList<>();
        products.add(new LosingProducts.Product(sku, row.getString(3), row.getString(4),
          new LosingProducts.Sales(row.getLong(5), row.getLong(6), row.getLong(7)), stores));
      }
      stores.add(new LosingProducts.Store(row.getString(8), row.getString(9),
        new LosingProducts.Sales(row.getLong(10), row.getLong(11), row.getLong(12))));
    }
    return new LosingProducts(scope.store(), scope.range(), page, size, total, loss, products);
  }
}
