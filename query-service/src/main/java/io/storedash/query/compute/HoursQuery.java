package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.metrics.HourProfile;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;

/**
 * {@code hours}: valid orders, items, revenue and order profit per store-local hour (and the chain's day parts), from
 * the hour rollup, and per delivery distance band from the distance rollup; both statements in one round trip each.
 */
final class HoursQuery implements KindQuery {

  private static final String HOURS = "SELECT 'h', hour, sum(orders)::int8, sum(items)::int8, sum(revenue)::int8, "
    + "sum(profit)::int8, 0::int8 FROM %s WHERE day BETWEEN $1 AND $2%s GROUP BY hour";
  private static final String BANDS = "SELECT 'b', band, sum(orders)::int8, 0::int8, sum(revenue)::int8, "
    + "sum(profit)::int8, sum(delivery_net)::int8 FROM %s WHERE day BETWEEN $1 AND $2%s GROUP BY band";
  private static final ScopedStatement STATEMENT = ScopedStatement.of(
    String.format(HOURS, "daily_hour", "") + " UNION ALL " + String.format(BANDS, "daily_distance", ""),
    String.format(HOURS, "daily_store_hour", " AND store_id = $3") + " UNION ALL "
      + String.format(BANDS, "daily_store_distance", " AND store_id = $3"));

  private final SqlClient client;
  private final ZoneId zone;

  HoursQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope ->
      client.preparedQuery(scope.sql(STATEMENT)).execute(scope.rangeThenStore()).map(rows -> {
        HourProfile profile = new HourProfile(scope.store(), scope.range());
        for (Row row : rows) {
          if ("h".equals(row.getString(0))) {
            profile.add(row.getShort(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5));
          } else {
            profile.addBand(row.getShort(1), row.getLong(2), row.getLong(4), row.getLong(5), row.getLong(6));
          }
        }
        return new JsonObject(profile.toMap());
      }));
  }
}
