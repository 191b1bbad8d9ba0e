package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.query.metrics.OrderLinesPage;
import io.storedash.query.metrics.PageWindow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code orders}: one page of a store's order lines, newest first (then by order number and sku). The lines per day
 * come from {@code daily_store_channel.lines}, which gives the total and the days the page spans; the lines themselves
 * are read from {@code order_lines} through its {@code (store_id, local_day DESC)} index for those days only.
 */
final class OrdersQuery implements KindQuery {

  private static final String DAYS = "SELECT day, sum(lines)::int8 FROM daily_store_channel "
    + "WHERE day BETWEEN $1 AND $2 AND store_id = $3 GROUP BY day HAVING sum(lines) > 0 ORDER BY day DESC";

  // $1 store, $2 oldest day, $3 newest day of the page, $4 page size, $5 lines of those days to skip.
  private static final String LINES = """
    SELECT o.order_no, o.ordered_at, c.code, p.sku, p.name, l.quantity, l.unit_price, l.list_price, l.cost,
           l.gross_profit, l.service_fee, l.valid
    FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN products p ON p.id = l.product_id
    JOIN channels c ON c.id = l.channel
    WHERE l.store_id = $1 AND l.local_day BETWEEN $2 AND $3
    ORDER BY l.local_day DESC, o.ordered_at DESC, o.order_no, l.line_no
    LIMIT $4 OFFSET $5""";

  private final SqlClient client;
  private final ZoneId zone;

  OrdersQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    Map<String, String> defaults = QueryKind.ORDERS.defaults();
    int page = Integer.parseInt(query.param("page", defaults.get("page")));
    int size = Integer.parseInt(query.param("size", defaults.get("size")));
    return StoreScope.resolve(client, query, zone).compose(scope ->
      client.preparedQuery(DAYS).execute(scope.rangeThenStore()).compose(dayRows -> {
        List<PageWindow.DayLines> days = new ArrayList<>(dayRows.size());
        for (Row row : dayRows) {
          days.add(new PageWindow.DayLines(row.getLocalDate(0), row.getLong(1)));
        }
        PageWindow window = PageWindow.of(days, page, size);
        if (window.isEmpty()) {
          return Future.succeededFuture(new OrderLinesPage(scope.store(), scope.range(), page, size, window.total(), List.of()));
        }
        Tuple args = Tuple.of(scope.storeId(), window.oldest(), window.newest(), size, window.skip());
        return client.preparedQuery(LINES).execute(args).map(rows -> {
          List<OrderLinesPage.OrderLine> lines = new ArrayList<>(rows.size());
          for (Row row : rows) {
            lines.add(new OrderLinesPage.OrderLine(row.getString(0),
              row.getOffsetDateTime(1).atZoneSameInstant(scope.zone()).toOffsetDateTime(), row.getString(2),
              row.getString(3), row.getString(4), row.getInteger(5), row.getLong(6), row.getLong(7), row.getLong(8),
              row.getLong(9), row.getLong(10), row.getBoolean(11)));
          }
          return new OrderLinesPage(scope.store(), scope.range(), page, size, window.total(), lines);
        });
      }).map(result -> new JsonObject(result.toMap())));
  }
}
