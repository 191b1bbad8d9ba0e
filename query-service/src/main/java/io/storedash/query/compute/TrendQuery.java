package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.KpiTotals;
import io.storedash.query.metrics.Trend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code trend}: the KPIs of every day of the range and of the previous period of equal length (the page's faint
 * line), from the channel rollup summed per day, both periods in one statement.
 */
final class TrendQuery implements KindQuery {

  private static final String CHAIN_SQL = "SELECT day, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_channel WHERE day BETWEEN $1 AND $2 GROUP BY day";
  private static final String STORE_SQL = "SELECT day, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_store_channel WHERE day BETWEEN $1 AND $2 AND store_id = $3 GROUP BY day";
  private static final ScopedStatement STATEMENT = ScopedStatement.of(CHAIN_SQL, STORE_SQL);

  private final SqlClient client;
  private final ZoneId zone;

  TrendQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope -> {
      DayRange both = new DayRange(scope.range().previous().from(), scope.range().to());
      return client.preparedQuery(scope.sql(STATEMENT)).execute(scope.rangeThenStore(both)).map(rows -> {
        Map<LocalDate, KpiTotals> days = new HashMap<>();
        for (Row row : rows) {
          days.put(row.getLocalDate(0), OverviewQuery.totals(row, 1));
        }
        return new JsonObject(new Trend(scope.store(), scope.range(), days).toMap());
      });
    });
  }
}
