package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.diagnosis.ProductDiagnosis;
import io.storedash.query.diagnosis.ProductPeriod;
import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.ProductSales;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code diagnosis}: every product the store sold in the range with its sums, the quantities of the two halves and
 * its last sale day, read from the product rollup in one statement; {@link ProductDiagnosis} does the rest.
 */
final class DiagnosisQuery implements KindQuery {

  // $1 from, $2 to, $3 store, $4 last day of the first half, $5 first day of the second half.
  private static final String SQL = """
    SELECT p.sku, p.name, p.category, x.quantity, x.orders, x.revenue, x.cost, x.list_revenue, x.first_half,
           x.second_half, x.last_sale
    FROM (SELECT product_id, sum(quantity)::int8 AS quantity, sum(orders)::int8 AS orders,
                 sum(revenue)::int8 AS revenue, sum(cost)::int8 AS cost, sum(list_revenue)::int8 AS list_revenue,
                 coalesce(sum(quantity) FILTER (WHERE day <= $4), 0)::int8 AS first_half,
                 coalesce(sum(quantity) FILTER (WHERE day >= $5), 0)::int8 AS second_half,
                 max(day) AS last_sale
          FROM daily_store_product
          WHERE day BETWEEN $1 AND $2 AND store_id = $3 AND\s""" + StoreScope.NOT_CONSUMABLE + """

          GROUP BY product_id) x
    JOIN products p ON p.id = x.product_id""";

  private final SqlClient client;
  private final ZoneId zone;

  DiagnosisQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope -> {
      DayRange range = scope.range();
      DayRange first = ProductDiagnosis.firstHalf(range);
      DayRange second = ProductDiagnosis.secondHalf(range);
      // A one-day range has no halves: days that match nothing.
      Tuple args = scope.rangeThenStore()
        .addLocalDate(first == null ? range.from().minusDays(1) : first.to())
        .addLocalDate(second == null ? range.to().plusDays(1) : second.from());
      return client.preparedQuery(SQL).execute(args).map(rows -> {
        List<ProductPeriod> periods = new ArrayList<>(rows.size());
        for (Row row : rows) {
          ProductSales sales = new ProductSales(row.getString(0), row.getString(1), row.getString(2), row.getLong(3),
            row.getLong(4), row.getLong(5), row.getLong(6), row.getLong(7));
          periods.add(new ProductPeriod(sales, row.getLong(8), row.getLong(9), row.getLocalDate(10)));
        }
        return new JsonObject(ProductDiagnosis.diagnose(scope.store(), range, periods).toMap());
      });
    });
  }
}
