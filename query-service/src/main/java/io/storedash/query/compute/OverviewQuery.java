package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.KpiTotals;
import io.storedash.query.metrics.Overview;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

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
  static final List<String> SUMS = List.of("orders", "items", "revenue", "cost", "list_revenue", "discount",
    "delivery_cost", "platform_fee", "customer_delivery_fee", "packaging_fee");
  /** The sums of {@link #SUMS} as select expressions, for a GROUP BY over a channel rollup. */
  static final String SUM_COLUMNS = SUMS.stream().map(c -> "sum(" + c + ")::int8").collect(Collectors.joining(", "));

  // $1 first day of the current range, $2 first day of the previous range, $3 last day of the current range.
  private static final String SELECT = SUMS.stream()
    .map(c -> "coalesce(sum(" + c + ") FILTER (WHERE day >= $1), 0)::int8")
    .collect(Collectors.joining(", ", "SELECT ", ", "))
    + SUMS.stream()
    .map(c -> "coalesce(sum(" + c + ") FILTER (WHERE day < $1), 0)::int8")
    .collect(Collectors.joining(", "));
  private static final String CHAIN_SQL = SELECT + " FROM daily_channel WHERE day BETWEEN $2 AND $3";
  private static final String STORE_SQL = SELECT + " FROM daily_store_channel WHERE day BETWEEN $2 AND $3 AND store_id = $4";

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
      Tuple args = Tuple.of(range.from(), range.previous().from(), range.to());
      if (!scope.allStores()) {
        args.addInteger(scope.storeId());
      }
      return client.preparedQuery(scope.allStores() ? CHAIN_SQL : STORE_SQL).execute(args).map(rows -> {
        Row row = rows.iterator().next();
        Overview overview = new Overview(scope.store(), range, totals(row, 0), totals(row, SUMS.size()));
        return new JsonObject(overview.toMap());
      });
    });
  }

  static KpiTotals totals(Row row, int offset) {
    return new KpiTotals(row.getLong(offset), row.getLong(offset + 1), row.getLong(offset + 2), row.getLong(offset + 3),
      row.getLong(offset + 4), row.getLong(offset + 5), row.getLong(offset + 6), row.getLong(offset + 7),
      row.getLong(offset + 8), row.getLong(offset + 9));
  }
}
