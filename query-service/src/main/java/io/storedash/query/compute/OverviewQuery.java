package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.KpiTotals;
import io.storedash.query.metrics.Overview;
import io.storedash.query.storage.Rollups;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code overview}: the KPIs of a store or the chain for a range and for the previous range of equal length, read
 * from {@code daily_store_channel} (the chain: {@code daily_channel}) in one statement (both periods at once, split by
 * a FILTER on the day).
 */
final class OverviewQuery implements KindQuery {

  /** The rollup sums, in {@link KpiTotals} component order. */
  static final List<String> SUMS = KpiTotals.COLUMNS;
  /** The sums of {@link #SUMS} as select expressions, for a GROUP BY over a channel rollup. */
  static final String SUM_COLUMNS = SUMS.stream().map(c -> "sum(" + c + ")::int8").collect(Collectors.joining(", "));

  // $1 first day of the current range, $2 first day of the previous range, $3 last day of the current range.
  private static final String SELECT = SUMS.stream()
    .map(c -> "coalesce(sum(" + c + ") FILTER (WHERE day >= $1), 0)::int8")
    .collect(Collectors.joining(", ", "SELECT ", ", "))
    + SUMS.stream()
    .map(c -> "coalesce(sum(" + c + ") FILTER (WHERE day < $1), 0)::int8")
    .collect(Collectors.joining(", "));
  /**
   * 动销商品数 of both ranges: distinct products, consumables left out, with a line of 销量 > 0 — for a store (and a
   * set of stores) from the arrays of {@code daily_store} (one row a day), for the chain from {@code daily_product}. A product counts in a
   * range when it sold on one of its days: its last day in both ranges is in the current one, its first in the
   * previous one. A hash aggregate, no sort.
   */
  private static final String ACTIVE = ", (SELECT count(*) FILTER (WHERE last_day >= $1) || ',' || "
    + "count(*) FILTER (WHERE first_day < $1) FROM (SELECT %s AS product_id, min(day) AS first_day, max(day) AS last_day"
    + " FROM %s WHERE %sday BETWEEN $2 AND $3 GROUP BY 1) x)";
  private static final ScopedStatement STATEMENT = ScopedStatement.of(SELECT + String.format(ACTIVE, "d.product_id",
    "daily_product d JOIN products pr ON pr.id = d.product_id AND d.sold_lines > 0 AND NOT " + Rollups.CONSUMABLE, "")
    + " FROM daily_channel WHERE day BETWEEN $2 AND $3",
    SELECT + String.format(ACTIVE, "p", "daily_store, unnest(sold_products) AS p", "store_id = $4 AND ")
      + " FROM daily_store_channel WHERE day BETWEEN $2 AND $3 AND store_id = $4");

  /**
   * The same days a year before (同比), $1..$2, with their 动销商品数 and the scope's first day with data (from
   * {@code daily_store}'s keys: an index's first entry), which says whether the data covers those days at all.
   */
  private static final ScopedStatement YEAR_AGO = ScopedStatement.of(
    SUMS.stream().map(c -> "coalesce(sum(" + c + "), 0)::int8").collect(Collectors.joining(", ", "SELECT ", ", "))
      + "(SELECT count(DISTINCT d.product_id) FROM daily_product d JOIN products pr ON pr.id = d.product_id "
      + "AND d.sold_lines > 0 AND NOT " + Rollups.CONSUMABLE + " WHERE d.day BETWEEN $1 AND $2), "
      + "(SELECT min(day) FROM daily_store) FROM daily_channel WHERE day BETWEEN $1 AND $2",
    SUMS.stream().map(c -> "coalesce(sum(" + c + "), 0)::int8").collect(Collectors.joining(", ", "SELECT ", ", "))
      + "(SELECT count(DISTINCT p) FROM daily_store, unnest(sold_products) AS p WHERE store_id = $3 "
      + "AND day BETWEEN $1 AND $2), (SELECT min(day) FROM daily_store WHERE store_id = $3) "
      + "FROM daily_store_channel WHERE day BETWEEN $1 AND $2 AND store_id = $3");

  private final SqlClient client;
  private final ZoneId zone;

  OverviewQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope -> {
      DayRange range = scope.range();
      Future<Overview.YearAgo> yearAgo = yearAgo(scope);
      Future<Row> periods = client.preparedQuery(scope.sql(STATEMENT)).execute(scope.withPreviousPeriod())
        .map(rows -> rows.iterator().next());
      return Future.all(periods, yearAgo).map(both -> {
        Row row = periods.result();
        String[] active = row.getString(2 * SUMS.size()).split(",");
        Overview overview = new Overview(scope.store(), range, totals(row, 0), totals(row, SUMS.size()),
          Long.parseLong(active[0]), Long.parseLong(active[1]), yearAgo.result());
        return new JsonObject(overview.toMap());
      });
    });
  }

  /** 同比, or null when the scope's data does not cover the same days a year before. */
  private Future<Overview.YearAgo> yearAgo(StoreScope scope) {
    DayRange days = Overview.sameDaysAYearBefore(scope.range());
    return client.preparedQuery(scope.sql(YEAR_AGO)).execute(scope.rangeThenStore(days)).map(rows -> {
      Row row = rows.iterator().next();
      return Overview.covers(row.getLocalDate(SUMS.size() + 1), days)
        ? new Overview.YearAgo(days, totals(row, 0), row.getLong(SUMS.size())) : null;
    });
  }

  static KpiTotals totals(Row row, int offset) {
    long[] values = new long[SUMS.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.getLong(offset + i);
    }
    return KpiTotals.of(values);
  }
}
