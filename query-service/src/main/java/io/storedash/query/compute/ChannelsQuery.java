package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.Channel;
import io.storedash.query.metrics.ChannelSplit;
import io.storedash.query.metrics.KpiTotals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;

/** {@code channels}: the KPIs per sales channel, from the channel rollup summed per channel. */
final class ChannelsQuery implements KindQuery {

  private static final String CHAIN_SQL = "SELECT channel, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_channel WHERE day BETWEEN $1 AND $2 GROUP BY channel";
  private static final String STORE_SQL = "SELECT channel, " + OverviewQuery.SUM_COLUMNS
    + " FROM daily_store_channel WHERE day BETWEEN $1 AND $2 AND store_id = $3 GROUP BY channel";

  private final SqlClient client;
  private final ZoneId zone;

  ChannelsQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope ->
      client.preparedQuery(scope.allStores() ? CHAIN_SQL : STORE_SQL).execute(scope.rangeThenStore()).map(rows -> {
        Map<Channel, KpiTotals> channels = new EnumMap<>(Channel.class);
        for (Row row : rows) {
          channels.put(Channel.ofId(row.getShort(0)), OverviewQuery.totals(row, 1));
        }
        return new JsonObject(new ChannelSplit(scope.store(), scope.range(), channels).toMap());
      }));
  }
}
