package io.storedash.query.compute;

import io.storedash.query.metrics.KpiTotals;
import io.storedash.query.metrics.Trend;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/** {@code trend}: the KPIs of every day of the range, from the channel rollup summed per day. */
final class TrendQuery extends RollupQuery {

  private static final String CHAIN_SQL = "SELECT day, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_channel WHERE day BETWEEN $1 AND $2 GROUP BY day";
  private static final String STORE_SQL = "SELECT day, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_store_channel WHERE day BETWEEN $1 AND $2 AND store_id = $3 GROUP BY day";

  TrendQuery(SqlClient client, ZoneId zone) {
    super(client, zone, CHAIN_SQL, STORE_SQL);
  }

  @Override
  JsonObject result(StoreScope scope, RowSet<Row> rows) {
    Map<LocalDate, KpiTotals> days = new HashMap<>();
    for (Row row : rows) {
      days.put(row.getLocalDate(0), OverviewQuery.totals(row, 1));
    }
    return new JsonObject(new Trend(scope.store(), scope.range(), days).toMap());
  }
}
