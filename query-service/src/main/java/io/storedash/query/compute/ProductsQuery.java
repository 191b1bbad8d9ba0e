package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.QueryParams;
import io.storedash.query.metrics.ProductSales;
import io.storedash.query.metrics.ProductTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code products}: one page of a store's product table from the product rollup, sorted by one of
 * {@link QueryParams#PRODUCT_SORTS} (highest first, products without a value last, then by sku so the order is
 * stable across pages), with the number of products and their revenue over all pages. One statement: the totals
 * row is always there, even for a page past the end.
 */
final class ProductsQuery implements KindQuery {

  /** The ORDER BY expression of each sort; only these strings ever reach SQL. */
  private static final Map<String, String> SORT_EXPRESSIONS = Map.of(
    "revenue", "x.revenue",
    "quantity", "x.quantity",
    "gross_profit", "x.revenue - x.cost",
    "gross_margin", "(x.revenue - x.cost)::numeric / nullif(x.revenue, 0)",
    "orders", "x.orders");

  private static final String SQL = """
    WITH x AS (
      SELECT product_id, sum(quantity)::int8 AS quantity, sum(orders)::int8 AS orders, sum(revenue)::int8 AS revenue,
             sum(cost)::int8 AS cost, sum(list_revenue)::int8 AS list_revenue
      FROM daily_store_product WHERE day BETWEEN $1 AND $2 AND store_id = $3 AND %s GROUP BY product_id)
    SELECT t.total, t.revenue, r.sku, r.name, r.category, r.quantity, r.orders, r.revenue, r.cost, r.list_revenue
    FROM (SELECT count(*) AS total, coalesce(sum(revenue), 0)::int8 AS revenue FROM x) t
    LEFT JOIN LATERAL (
      SELECT p.sku, p.name, p.category, x.quantity, x.orders, x.revenue, x.cost, x.list_revenue
      FROM x JOIN products p ON p.id = x.product_id
      ORDER BY %s DESC NULLS LAST, p.sku
      LIMIT $4 OFFSET $5) r ON true""";

  private final SqlClient client;
  private final ZoneId zone;
  private final Map<String, String> statements = new HashMap<>();

  ProductsQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
    for (String sort : QueryParams.PRODUCT_SORTS) {
      String expression = SORT_EXPRESSIONS.get(sort);
      if (expression == null) {
        throw new IllegalStateException("no ORDER BY for product sort " + sort);
      }
      statements.put(sort, SQL.formatted(StoreScope.NOT_CONSUMABLE, expression));
    }
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    Map<String, String> defaults = QueryKind.PRODUCTS.defaults();
    String sort = query.param("sort", defaults.get("sort"));
    int page = Integer.parseInt(query.param("page", defaults.get("page")));
    int size = Integer.parseInt(query.param("size", defaults.get("size")));
    String sql = statements.get(sort);
    if (sql == null) {
      return Future.failedFuture(new IllegalArgumentException("sort must be one of " + QueryParams.PRODUCT_SORTS));
    }
    return StoreScope.resolve(client, query, zone).compose(scope ->
      client.preparedQuery(sql).execute(scope.rangeThenStore().addInteger(size).addLong((long) (page - 1) * size)).map(rows -> {
        long total = 0;
        long totalRevenue = 0;
        List<ProductSales> products = new ArrayList<>(size);
        for (Row row : rows) {
          total = row.getLong(0);
          totalRevenue = row.getLong(1);
          if (row.getString(2) != null) {
            products.add(new ProductSales(row.getString(2), row.getString(3), row.getString(4), row.getLong(5),
              row.getLong(6), row.getLong(7), row.getLong(8), row.getLong(9)));
          }
        }
        return new JsonObject(new ProductTable(scope.store(), scope.range(), sort, page, size, total, totalRevenue, products).toMap());
      }));
  }
}
