package io.storedash.query.compute;

import io.storedash.query.metrics.CategorySplit;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** {@code categories}: sales per product category, from the product rollup joined to the products. */
final class CategoriesQuery extends RollupQuery {

  private static final String SELECT = "SELECT p.category, sum(d.quantity)::int8, sum(d.revenue)::int8, sum(d.cost)::int8, "
    + "count(DISTINCT d.product_id) FROM ";
  private static final String CHAIN_SQL = SELECT
    + "daily_product d JOIN products p ON p.id = d.product_id WHERE d.day BETWEEN $1 AND $2 AND d."
    + StoreScope.NOT_CONSUMABLE + " GROUP BY p.category";
  private static final String STORE_SQL = SELECT
    + "daily_store_product d JOIN products p ON p.id = d.product_id WHERE d.day BETWEEN $1 AND $2 AND d.store_id = $3 AND d." + StoreScope.NOT_CONSUMABLE + " "
    + "GROUP BY p.category";

  CategoriesQuery(SqlClient client, ZoneId zone) {
    super(client, zone, CHAIN_SQL, STORE_SQL);
  }

  @Override
  JsonObject result(StoreScope scope, RowSet<Row> rows) {
    List<CategorySplit.CategorySales> categories = new ArrayList<>();
    for (Row row : rows) {
      categories.add(new CategorySplit.CategorySales(row.getString(0), row.getLong(1), row.getLong(2), row.getLong(3),
        row.getLong(4)));
    }
    return new JsonObject(new CategorySplit(scope.store(), scope.range(), categories).toMap());
  }
}
