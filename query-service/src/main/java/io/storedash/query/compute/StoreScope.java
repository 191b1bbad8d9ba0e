package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.common.QueryParams;
import io.storedash.query.metrics.DayRange;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * What a query covers: one store (its id), the whole chain, or a set of stores (a caller who may see only those:
 * {@link DashboardQuery#restricted()}), and the day range, with the default range (the last 30 days up to the newest
 * day with data) filled in. Every kind resolves its query through this first.
 *
 * @param store    the store code, or {@code all} for the chain and for a set
 * @param storeId  the store's id, or null for the chain and for a set
 * @param storeIds the ids of a set's stores that exist (codes no store has are simply absent), or null unless a set
 * @param zone     the store's time zone (the configured TIMEZONE for the chain and for a set)
 */
public record StoreScope(String store, Integer storeId, List<Integer> storeIds, DayRange range, ZoneId zone) {

  private static final String STORE = "SELECT id, last_day, timezone FROM stores WHERE code = $1";

  /**
   * The condition that leaves consumables (耗材: carrier bags and the like) out of product and category views: they
   * count in order profit, but they are not what a store sells.
   */
  public static final String NOT_CONSUMABLE = "product_id NOT IN (SELECT id FROM products WHERE category = '耗材' "
    + "OR subcategory = '耗材')";
  private static final String CHAIN = "SELECT max(last_day) FROM stores";
  /** A set's stores that exist and its newest day with data, in one statement. */
  private static final String SET = "SELECT coalesce(array_agg(id ORDER BY id), '{}'), max(last_day) FROM stores "
    + "WHERE code = ANY($1::text[])";

  public StoreScope {
    storeIds = storeIds == null ? null : List.copyOf(storeIds);
  }

  /** Whether the scope is the whole chain, unrestricted: only then may a statement read the chain-wide rollups. */
  public boolean wholeChain() {
    return storeId == null && storeIds == null;
  }

  /** Whether the scope is a set of stores ({@link DashboardQuery#restricted()}). */
  public boolean storeSet() {
    return storeIds != null;
  }

  /**
   * @param zone the configured TIMEZONE: the zone of the chain and of a set, and "today" when there is no data
   * @return fails with 404 when the store does not exist (a set's unknown codes are left out, not refused)
   */
  public static Future<StoreScope> resolve(SqlClient client, DashboardQuery query, ZoneId zone) {
    if (query.restricted()) {
      Tuple codes = Tuple.tuple().addArrayOfString(query.stores().toArray(String[]::new));
      return client.preparedQuery(SET).execute(codes).map(rows -> {
        Row row = rows.iterator().next();
        return new StoreScope(DashboardQuery.ALL_STORES, null, List.of(row.getArrayOfIntegers(0)),
          rangeOf(query, row.getLocalDate(1), zone), zone);
      });
    }
    if (query.coversAllStores()) {
      return client.query(CHAIN).execute().map(rows -> {
        LocalDate lastDay = rows.iterator().next().getLocalDate(0);
        return new StoreScope(DashboardQuery.ALL_STORES, null, null, rangeOf(query, lastDay, zone), zone);
      });
    }
    return client.preparedQuery(STORE).execute(Tuple.of(query.store())).compose(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        return Future.failedFuture(Failure.unknownStore(query.store()));
      }
      Row row = it.next();
      ZoneId storeZone = ZoneId.of(row.getString(2));
      return Future.succeededFuture(new StoreScope(query.store(), row.getInteger(0), null,
        rangeOf(query, row.getLocalDate(1), storeZone), storeZone));
    });
  }

  /** The form of {@code statement} this scope runs: the chain's, the store's or the set's. */
  public String sql(ScopedStatement statement) {
    return wholeChain() ? statement.chain() : storeSet() ? statement.set() : statement.store();
  }

  /** The condition that {@code column} is one of a set's store ids, given as parameter {@code $n} (an int4 array). */
  static String inSet(String column, int n) {
    return column + " = ANY($" + n + "::int4[])";
  }

  /**
   * The arguments of a statement over this scope: $1 first day, $2 last day and, for one store, $3 the store id (for
   * a set, the array of its ids).
   */
  public Tuple rangeThenStore() {
    return rangeThenStore(range);
  }

  /** As {@link #rangeThenStore()}, over {@code days} instead of the query's range (the same days a year before). */
  public Tuple rangeThenStore(DayRange days) {
    return withStore(Tuple.of(days.from(), days.to()));
  }

  /**
   * The arguments of a statement over this scope and the period of equal length before it: $1 the range's first day,
   * $2 the previous period's first day, $3 the range's last day and, for one store, $4 the store id (for a set, the
   * array of its ids).
   */
  public Tuple withPreviousPeriod() {
    return withStore(Tuple.of(range.from(), range.previous().from(), range.to()));
  }

  private Tuple withStore(Tuple args) {
    if (storeSet()) {
      return args.addArrayOfInteger(storeIds.toArray(Integer[]::new));
    }
    return wholeChain() ? args : args.addInteger(storeId);
  }

  private static DayRange rangeOf(DashboardQuery query, LocalDate lastDay, ZoneId zone) {
    if (query.from() != null) {
      return new DayRange(query.from(), query.to());
    }
    LocalDate newest = lastDay != null ? lastDay : LocalDate.now(zone);
    // day=latest (昨日 on the page): the newest day with data alone.
    boolean latest = QueryParams.LATEST_DAY.equals(query.param("day", null));
    return DayRange.ending(newest, latest ? 1 : DayRange.DEFAULT_DAYS);
  }
}
