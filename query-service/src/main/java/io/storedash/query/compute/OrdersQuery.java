package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.query.metrics.OrderGroupsPage;
import io.storedash.query.metrics.OrderLinesPage;
import io.storedash.query.metrics.OrderSearch;
import io.storedash.query.metrics.PageWindow;
import io.storedash.query.storage.Rollups;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code orders}: one page of a store's order lines, newest first (then by order number and line), or with
 * {@code group=order} one page of its orders with their lines and totals; either narrowed by a search ({@code q}), a
 * channel and an amount range on the order's revenue (docs/DESIGN.md §13.2).
 *
 * <p>Unfiltered lines: the lines per day come from {@code daily_store_channel.lines}, which gives the total and the
 * days the page spans; the lines themselves are read from {@code order_lines} through its
 * {@code (store_id, local_day DESC)} index for those days only. Filtered, and by order: the store's days of the range
 * are read through the same index (or {@code orders (store_id, local_day)}), filtered, counted and cut in SQL.
 */
final class OrdersQuery implements KindQuery {

  private static final String DAYS = "SELECT day, sum(lines)::int8 FROM daily_store_channel "
    + "WHERE day BETWEEN $1 AND $2 AND store_id = $3 GROUP BY day HAVING sum(lines) > 0 ORDER BY day DESC";

  private static final String LINE_COLUMNS = "o.order_no, o.ordered_at, c.code, p.sku, p.name, l.quantity, l.unit_price, "
    + "l.list_price, l.cost, l.gross_profit, l.service_fee, l.valid";
  private static final String LINE_ORDER = " ORDER BY l.local_day DESC, o.ordered_at DESC, o.order_no, l.line_no";

  // $1 store, $2 oldest day, $3 newest day of the page, $4 page size, $5 lines of those days to skip.
  private static final String LINES = "SELECT " + LINE_COLUMNS + """
     FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN products p ON p.id = l.product_id
    JOIN channels c ON c.id = l.channel
    WHERE l.store_id = $1 AND l.local_day BETWEEN $2 AND $3""" + LINE_ORDER + " LIMIT $4 OFFSET $5";

  /*
   * The filters, $1 store, $2..$3 the range, $4 channel code, $5 least and $6 most revenue in cents, $7 the search text;
   * each null when not asked. The search is strpos on lower-cased text, never LIKE: no character of it is a wildcard.
   * The products that match are found once (an uncorrelated subquery: one pass over products, hashed), then the
   * store's lines or orders of the range — read through their (store_id, local_day) indexes — are kept by product id,
   * so a month of a store's lines is not joined to products row by row to be tested.
   */
  private static final String ORDER_FILTERS = " AND ($4::text IS NULL OR o.channel = (SELECT id FROM channels WHERE code = $4))"
    + " AND ($5::int8 IS NULL OR o.revenue >= $5) AND ($6::int8 IS NULL OR o.revenue <= $6)";
  private static final String ORDER_ID_MATCHES = "strpos(lower(o.order_no), lower($7)) > 0 "
    + "OR strpos(lower(coalesce(o.order_code, '')), lower($7)) > 0";
  private static final String MATCHING_PRODUCTS = "(SELECT id FROM products WHERE strpos(lower(sku), lower($7)) > 0 "
    + "OR strpos(lower(name), lower($7)) > 0)";

  /** A line matches when its order's id does or its product does. */
  private static final String MATCHING_LINES = " WHERE l.store_id = $1 AND l.local_day BETWEEN $2 AND $3" + ORDER_FILTERS
    + " AND ($7::text IS NULL OR " + ORDER_ID_MATCHES + " OR l.product_id IN " + MATCHING_PRODUCTS + ")";
  static final String MATCHING_LINES_COUNT = "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id"
    + MATCHING_LINES;
  // $8 page size, $9 rows to skip.
  static final String MATCHING_LINES_PAGE = "SELECT " + LINE_COLUMNS + """
     FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN products p ON p.id = l.product_id
    JOIN channels c ON c.id = l.channel""" + MATCHING_LINES + LINE_ORDER + " LIMIT $8 OFFSET $9";

  /**
   * An order matches when its id does or one of its lines' products does; those lines are looked for among the store's
   * lines of the range (one index range, hashed once), not among every line of the chain.
   */
  private static final String MATCHING_ORDERS = " WHERE o.store_id = $1 AND o.local_day BETWEEN $2 AND $3" + ORDER_FILTERS
    + " AND ($7::text IS NULL OR " + ORDER_ID_MATCHES + " OR o.id IN (SELECT l.order_id FROM order_lines l "
    + "WHERE l.store_id = $1 AND l.local_day BETWEEN $2 AND $3 AND l.product_id IN " + MATCHING_PRODUCTS + "))";
  static final String MATCHING_ORDERS_COUNT = "SELECT count(*) FROM orders o" + MATCHING_ORDERS;
  static final String MATCHING_ORDERS_PAGE = "SELECT o.id, o.order_no, o.ordered_at, c.code, o.valid, o.lines, "
    + "o.items, o.revenue, o.cost, o.gross_profit, o.service_fee, o.delivery_cost, " + Rollups.ORDER_DELIVERY_NET + ", "
    + Rollups.ORDER_MARKETING + ", " + Rollups.ORDER_PROFIT + " FROM orders o JOIN channels c ON c.id = o.channel"
    + MATCHING_ORDERS + " ORDER BY o.local_day DESC, o.ordered_at DESC, o.order_no LIMIT $8 OFFSET $9";
  /** Every line of the page's orders (not only those that matched: an order is shown whole). */
  private static final String LINES_OF_ORDERS = "SELECT l.order_id, p.sku, p.name, l.quantity, l.unit_price, "
    + "l.list_price, l.cost, l.gross_profit, l.service_fee FROM order_lines l JOIN products p ON p.id = l.product_id "
    + "WHERE l.order_id = ANY($1::int8[]) ORDER BY l.order_id, l.line_no";

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
    OrderSearch search = OrderSearch.of(query);
    return StoreScope.resolve(client, query, zone).compose(scope -> {
      if (search.byOrder()) {
        return orders(scope, search, page, size).map(result -> new JsonObject(result.toMap()));
      }
      Future<OrderLinesPage> lines = search.filters() ? matchingLines(scope, search, page, size) : lines(scope, page, size);
      return lines.map(result -> new JsonObject(result.toMap()));
    });
  }

  private Future<OrderLinesPage> lines(StoreScope scope, int page, int size) {
    return client.preparedQuery(DAYS).execute(scope.rangeThenStore()).compose(dayRows -> {
      List<PageWindow.DayLines> days = new ArrayList<>(dayRows.size());
      for (Row row : dayRows) {
        days.add(new PageWindow.DayLines(row.getLocalDate(0), row.getLong(1)));
      }
      PageWindow window = PageWindow.of(days, page, size);
      if (window.isEmpty()) {
        return Future.succeededFuture(new OrderLinesPage(scope.store(), scope.range(), page, size, window.total(), List.of()));
      }
      Tuple args = Tuple.of(scope.storeId(), window.oldest(), window.newest(), size, window.skip());
      return client.preparedQuery(LINES).execute(args)
        .map(rows -> new OrderLinesPage(scope.store(), scope.range(), page, size, window.total(), orderLines(scope, rows)));
    });
  }

  private Future<OrderLinesPage> matchingLines(StoreScope scope, OrderSearch search, int page, int size) {
    Future<Long> total = client.preparedQuery(MATCHING_LINES_COUNT).execute(filters(scope, search))
      .map(rows -> rows.iterator().next().getLong(0));
    Future<RowSet<Row>> rows = client.preparedQuery(MATCHING_LINES_PAGE).execute(paged(scope, search, page, size));
    return Future.all(total, rows).map(both ->
      new OrderLinesPage(scope.store(), scope.range(), page, size, total.result(), orderLines(scope, rows.result())));
  }

  private List<OrderLinesPage.OrderLine> orderLines(StoreScope scope, RowSet<Row> rows) {
    List<OrderLinesPage.OrderLine> lines = new ArrayList<>(rows.size());
    for (Row row : rows) {
      lines.add(new OrderLinesPage.OrderLine(row.getString(0),
        row.getOffsetDateTime(1).atZoneSameInstant(scope.zone()).toOffsetDateTime(), row.getString(2),
        row.getString(3), row.getString(4), row.getInteger(5), row.getLong(6), row.getLong(7), row.getLong(8),
        row.getLong(9), row.getLong(10), row.getBoolean(11)));
    }
    return lines;
  }

  private Future<OrderGroupsPage> orders(StoreScope scope, OrderSearch search, int page, int size) {
    Future<Long> total = client.preparedQuery(MATCHING_ORDERS_COUNT).execute(filters(scope, search))
      .map(rows -> rows.iterator().next().getLong(0));
    Future<RowSet<Row>> orders = client.preparedQuery(MATCHING_ORDERS_PAGE).execute(paged(scope, search, page, size));
    return Future.all(total, orders).compose(both -> {
      Map<Long, Row> byId = new LinkedHashMap<>();
      orders.result().forEach(row -> byId.put(row.getLong(0), row));
      if (byId.isEmpty()) {
        return Future.succeededFuture(new OrderGroupsPage(scope.store(), scope.range(), page, size, total.result(), List.of()));
      }
      return client.preparedQuery(LINES_OF_ORDERS).execute(Tuple.tuple().addArrayOfLong(byId.keySet().toArray(Long[]::new)))
        .map(lineRows -> new OrderGroupsPage(scope.store(), scope.range(), page, size, total.result(),
          grouped(scope, byId, lineRows)));
    });
  }

  private static List<OrderGroupsPage.Order> grouped(StoreScope scope, Map<Long, Row> orders, RowSet<Row> lineRows) {
    Map<Long, List<OrderGroupsPage.Line>> lines = new LinkedHashMap<>();
    for (Row row : lineRows) {
      lines.computeIfAbsent(row.getLong(0), id -> new ArrayList<>()).add(new OrderGroupsPage.Line(row.getString(1),
        row.getString(2), row.getInteger(3), row.getLong(4), row.getLong(5), row.getLong(6), row.getLong(7), row.getLong(8)));
    }
    List<OrderGroupsPage.Order> page = new ArrayList<>(orders.size());
    orders.forEach((id, row) -> page.add(new OrderGroupsPage.Order(row.getString(1),
      row.getOffsetDateTime(2).atZoneSameInstant(scope.zone()).toOffsetDateTime(), row.getString(3), row.getBoolean(4),
      new OrderGroupsPage.Totals(row.getInteger(5), row.getLong(6), row.getLong(7), row.getLong(8), row.getLong(9),
        row.getLong(10), row.getLong(11), row.getLong(12), row.getLong(13), row.getLong(14)),
      lines.getOrDefault(id, List.of()))));
    return page;
  }

  /** $1..$7 of the filtered statements. */
  private static Tuple filters(StoreScope scope, OrderSearch search) {
    return Tuple.of(scope.storeId(), scope.range().from(), scope.range().to(), search.channel(), search.minCents(),
      search.maxCents(), search.text());
  }

  private static Tuple paged(StoreScope scope, OrderSearch search, int page, int size) {
    return filters(scope, search).addInteger(size).addLong((long) (page - 1) * size);
  }
}
