package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.StoreRanking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ranking}: every store (those without orders too) — or every store of a set — with its sums for the range and
 * the previous range, read from the per-store-day rollup ({@code daily_store}) in one pass (both periods split by a
 * FILTER on the day) and ranked in Java; one page is written. The work grows with the chain's stores (a sort of a
 * few thousand rows, milliseconds), never with a store's products or lines (docs/DESIGN.md §12.4).
 */
final class RankingQuery implements KindQuery {

  // $1 first day of the current range, $2 first day of the previous range, $3 last day of the current range; for a set,
  // $4 its store ids. The two %s are the set's conditions on the rollup and on the stores.
  private static final String SQL = "SELECT s.code, s.name, s.city, "
    + OverviewQuery.SUMS.stream().map(c -> "coalesce(x.cur_" + c + ", 0)").collect(Collectors.joining(", ")) + ", "
    + OverviewQuery.SUMS.stream().map(c -> "coalesce(x.prev_" + c + ", 0)").collect(Collectors.joining(", "))
    + " FROM stores s LEFT JOIN (SELECT store_id, "
    + OverviewQuery.SUMS.stream().map(c -> "(sum(" + c + ") FILTER (WHERE day >= $1))::int8 AS cur_" + c)
    .collect(Collectors.joining(", ")) + ", "
    + OverviewQuery.SUMS.stream().map(c -> "(sum(" + c + ") FILTER (WHERE day < $1))::int8 AS prev_" + c)
    .collect(Collectors.joining(", "))
    + " FROM daily_store WHERE day BETWEEN $2 AND $3%s GROUP BY store_id) x ON x.store_id = s.id%s";
  private static final String CHAIN_SQL = SQL.formatted("", "");
  private static final String SET_SQL = SQL.formatted(" AND " + StoreScope.inSet("store_id", 4),
    " WHERE " + StoreScope.inSet("s.id", 4));

  private final SqlClient client;
  private final ZoneId zone;

  RankingQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    Map<String, String> defaults = QueryKind.RANKING.defaults();
    StoreRanking.Metric metric = StoreRanking.Metric.fromWire(query.param("metric", defaults.get("metric")));
    int page = Integer.parseInt(query.param("page", defaults.get("page")));
    int size = Integer.parseInt(query.param("size", defaults.get("size")));
    return StoreScope.resolve(client, query, zone).compose(scope -> {
      DayRange range = scope.range();
      return client.preparedQuery(scope.storeSet() ? SET_SQL : CHAIN_SQL).execute(scope.withPreviousPeriod()).map(rows -> {
        List<StoreRanking.StoreFigures> stores = new ArrayList<>(rows.size());
        int sums = OverviewQuery.SUMS.size();
        for (Row row : rows) {
          stores.add(new StoreRanking.StoreFigures(row.getString(0), row.getString(1), row.getString(2),
            OverviewQuery.totals(row, 3), OverviewQuery.totals(row, 3 + sums)));
        }
        return new JsonObject(new StoreRanking(range, metric, stores, page, size).toMap());
      });
    });
  }
}
