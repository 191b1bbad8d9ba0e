package io.storedash.query.actions;

import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.query.compute.KindQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code actions}: the 今日必做 list of one store, of the whole chain or of a caller's set of stores, for one day (the
 * newest with data unless {@code day} names one). The stores are resolved here; the rules run in {@link ActionRules};
 * the answer is written by {@link ActionList} (docs/DESIGN.md §14.1).
 */
public final class ActionsQuery implements KindQuery {

  private static final String STORE = "SELECT id, code, name, last_day FROM stores WHERE code = $1";
  private static final String SET = "SELECT id, code, name, last_day FROM stores WHERE code = ANY($1::text[]) ORDER BY code";
  private static final String CHAIN = "SELECT id, code, name, last_day FROM stores ORDER BY code";

  /** A store the list covers. */
  record StoreRef(int id, String code, String name) {
  }

  private final SqlClient client;
  private final ZoneId zone;

  /** @param zone the configured TIMEZONE: "today" when no store has data yet */
  public ActionsQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return stores(query).compose(rows -> {
      if (!query.coversAllStores() && rows.size() == 0) {
        return Future.failedFuture(Failure.unknownStore(query.store()));
      }
      List<StoreRef> stores = new ArrayList<>(rows.size());
      LocalDate newest = null;
      for (Row row : rows) {
        stores.add(new StoreRef(row.getInteger(0), row.getString(1), row.getString(2)));
        LocalDate last = row.getLocalDate(3);
        newest = last != null && (newest == null || last.isAfter(newest)) ? last : newest;
      }
      LocalDate day = dayOf(query, newest);
      return ActionSettings.read(client).compose(settings ->
        new ActionRules(client, stores, day, settings.thresholds()).items()
          .map(items -> ActionList.of(query.coversAllStores() ? DashboardQuery.ALL_STORES : query.store(), day,
            settings, stores, items)));
    });
  }

  private Future<RowSet<Row>> stores(DashboardQuery query) {
    if (query.restricted()) {
      return client.preparedQuery(SET).execute(Tuple.tuple().addArrayOfString(query.stores().toArray(String[]::new)));
    }
    if (query.coversAllStores()) {
      return client.query(CHAIN).execute();
    }
    return client.preparedQuery(STORE).execute(Tuple.of(query.store()));
  }

  /** The day asked for, else the newest day with data of the stores, else today in TIMEZONE. */
  private LocalDate dayOf(DashboardQuery query, LocalDate newest) {
    String day = query.params().get("day");
    if (day != null) {
      return LocalDate.parse(day);
    }
    return newest != null ? newest : LocalDate.now(zone);
  }
}
