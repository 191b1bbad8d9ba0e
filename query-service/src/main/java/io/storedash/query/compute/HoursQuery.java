package io.storedash.query.compute;

import io.storedash.query.metrics.HourProfile;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;

/** {@code hours}: orders, items and revenue per store-local hour, from the hour rollup. */
final class HoursQuery extends RollupQuery {

  private static final String SUMS = "SELECT hour, sum(orders)::int8, sum(items)::int8, sum(revenue)::int8 FROM ";
  private static final String CHAIN_SQL = SUMS + "daily_hour WHERE day BETWEEN $1 AND $2 GROUP BY hour";
  private static final String STORE_SQL = SUMS + "daily_store_hour WHERE day BETWEEN $1 AND $2 AND store_id = $3 GROUP BY hour";

  HoursQuery(SqlClient client, ZoneId zone) {
    super(client, zone, CHAIN_SQL, STORE_SQL);
  }

  @Override
  JsonObject result(StoreScope scope, RowSet<Row> rows) {
    HourProfile profile = new HourProfile(scope.store(), scope.range());
    for (Row row : rows) {
      profile.add(row.getShort(0), row.getLong(1), row.getLong(2), row.getLong(3));
    }
    return new JsonObject(profile.toMap());
  }
}
