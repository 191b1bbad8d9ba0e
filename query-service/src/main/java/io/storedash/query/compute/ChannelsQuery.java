package io.storedash.query.compute;

import io.storedash.query.Channel;
import io.storedash.query.metrics.ChannelSplit;
import io.storedash.query.metrics.KpiTotals;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;

/** {@code channels}: the KPIs per sales channel, from the channel rollup summed per channel. */
final class ChannelsQuery extends RollupQuery {

  private static final String CHAIN_SQL = "SELECT channel, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_channel WHERE day BETWEEN $1 AND $2 GROUP BY channel";
  private static final String STORE_SQL = "SELECT channel, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_store_channel WHERE day BETWEEN $1 AND $2 AND store_id = $3 GROUP BY channel";

  ChannelsQuery(SqlClient client, ZoneId zone) {
    super(client, zone, CHAIN_SQL, STORE_SQL);
  }

  @Override
  JsonObject result(StoreScope scope, RowSet<Row> rows) {
    Map<Channel, KpiTotals> channels = new EnumMap<>(Channel.class);
    for (Row row : rows) {
      channels.put(Channel.ofId(row.getShort(0)), OverviewQuery.totals(row, 1));
    }
    return new JsonObject(new ChannelSplit(scope.store(), scope.range(), channels).toMap());
  }
}
