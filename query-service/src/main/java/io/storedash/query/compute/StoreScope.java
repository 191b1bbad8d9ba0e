package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.query.metrics.DayRange;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneId;

/**
 * What a query covers: one store (its id) or the chain, and the day range, with the default range (the last 30
 * days up to the newest day with data) filled in. Every kind resolves its query through this first.
 *
 * @param storeId the store's id, or null for the whole chain
 * @param zone    the store's time zone (the configured TIMEZONE for the chain)
 */
public record StoreScope(String store, Integer storeId, DayRange range, ZoneId zone) {

  private static final String STORE = "SELECT id, last_day, timezone FROM stores WHERE code = $1";

  /**
   * The condition that leaves consumables (耗材: carrier bags and the like) out of product and category views: they
   * count in order profit, but they are not what a store sells.
   */
  static final String NOT_CONSUMABLE = "product_id NOT IN (SELECT id FROM products WHERE category = '耗材' "
    + "OR subcategory = '耗材')";
  private static final String CHAIN = "SELECT max(last_day) FROM stores";

  public boolean allStores() {
    return storeId == null;
  }

  /**
   * @param zone used only when there is no data at all: the default range then ends today in that zone
   * @return fails with 404 when the store does not exist
   */
  public static Future<StoreScope> resolve(SqlClient client, DashboardQuery query, ZoneId zone) {
    if (query.coversAllStores()) {
      return client.query(CHAIN).execute().map(rows -> {
        LocalDate lastDay = rows.iterator().next().getLocalDate(0);
        return new StoreScope(DashboardQuery.ALL_STORES, null, rangeOf(query, lastDay, zone), zone);
      });
    }
    return client.preparedQuery(STORE).execute(Tuple.of(query.store())).compose(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        return Future.failedFuture(Failure.unknownStore(query.store()));
      }
      Row row = it.next();
      ZoneId storeZone = ZoneId.of(row.getString(2));
      return Future.succeededFuture(new StoreScope(query.store(), row.getInteger(0), rangeOf(query, row.getLocalDate(1), storeZone),
        storeZone));
    });
  }

  /**
   * The arguments of a statement over this scope: $1 first day, $2 last day and, for one store, $3 the store id.
   */
  public Tuple rangeThenStore() {
    Tuple args = Tuple.of(range.from(), range.to());
    return allStores() ? args : args.addInteger(storeId);
  }

  /**
   * The arguments of a statement over this scope and the period of equal length before it: $1 the range's first day,
   * $2 the previous period's first day, $3 the range's last day and, for one store, $4 the store id.
   */
  public Tuple withPreviousPeriod() {
    Tuple args = Tuple.of(range.from(), range.previous().from(), range.to());
    return allStores() ? args : args.addInteger(storeId);
  }

  private static DayRange rangeOf(DashboardQuery query, LocalDate lastDay, ZoneId zone) {
    if (query.from() != null) {
      return new DayRange(query.from(), query.to());
    }
    return DayRange.ending(lastDay != null ? lastDay : LocalDate.now(zone), DayRange.DEFAULT_DAYS);
  }
}
