package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.metrics.ChannelSplit;
import io.storedash.query.metrics.DayRange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code channels}: the chain's figures per sales channel for the range and the previous range, from the channel
 * rollup summed per channel (both periods in one statement, split by a FILTER on the day), with each channel's code,
 * name and fee flag.
 */
final class ChannelsQuery implements KindQuery {

  // $1 first day of the current range, $2 first day of the previous range, $3 last day of the current range.
  private static final String SUMS = OverviewQuery.SUMS.stream()
    .map(c -> "coalesce(sum(" + c + ") FILTER (WHERE day >= $1), 0)::int8")
    .collect(Collectors.joining(", ")) + ", "
    + OverviewQuery.SUMS.stream().map(c -> "coalesce(sum(" + c + ") FILTER (WHERE day < $1), 0)::int8")
    .collect(Collectors.joining(", "));
  private static final String SQL = "SELECT c.code, c.name_zh, c.charges_fee, x.* FROM (SELECT channel, " + SUMS
    + " FROM %s WHERE day BETWEEN $2 AND $3%s GROUP BY channel) x JOIN channels c ON c.id = x.channel";
  private static final ScopedStatement STATEMENT = ScopedStatement.of(String.format(SQL, "daily_channel", ""),
    String.format(SQL, "daily_store_channel", " AND store_id = $4"));

  private final SqlClient client;
  private final ZoneId zone;

  ChannelsQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope -> {
      DayRange range = scope.range();
      return client.preparedQuery(scope.sql(STATEMENT)).execute(scope.withPreviousPeriod()).map(rows -> {
        List<ChannelSplit.ChannelFigures> channels = new ArrayList<>();
        int sums = OverviewQuery.SUMS.size();
        for (Row row : rows) {
          channels.add(new ChannelSplit.ChannelFigures(row.getString(0), row.getString(1), row.getBoolean(2),
            OverviewQuery.totals(row, 4), OverviewQuery.totals(row, 4 + sums)));
        }
        return new JsonObject(new ChannelSplit(scope.store(), range, channels).toMap());
      });
    });
  }
}
