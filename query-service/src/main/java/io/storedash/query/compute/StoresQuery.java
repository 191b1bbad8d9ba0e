package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.query.metrics.OrderLinesPage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * {@code stores}: {@code {"stores": [{"code", "name", "city", "first_day", "last_day", "newest_order_at",
 * "last_import_at"}], "chain": {"first_day", "last_day", "newest_order_at", "last_import_at"}}} ordered by code: every
 * store, or for a set of stores those of its codes that are stores (matched as {@link StoreScope} matches them). The
 * freshness ("数据截至 … · 最近导入 …", docs/DESIGN.md §13.2) is the store's: its first and newest day with orders, the
 * time of its newest order and of the last import that touched it, in the store's zone; {@code chain} is the same over
 * the listed stores (earliest first day, newest of the others), in the configured zone.
 */
final class StoresQuery implements KindQuery {

  /**
   * The newest order is found on the store's newest day through {@code orders (store_id, local_day)}: a few hundred
   * index entries, not the store's every order.
   */
  private static final String SQL = "SELECT s.code, s.name, s.city, s.first_day, s.last_day, s.timezone, s.last_import_at, "
    + "(SELECT max(o.ordered_at) FROM orders o WHERE o.store_id = s.id AND o.local_day = s.last_day) "
    + "FROM stores s%s ORDER BY s.code";
  private static final String CHAIN_SQL = SQL.formatted("");
  private static final String SET_SQL = SQL.formatted(" WHERE s.code = ANY($1::text[])");

  private final SqlClient client;
  private final ZoneId zone;

  /** @param zone the configured TIMEZONE: the chain's times are written in it */
  StoresQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    Future<RowSet<Row>> found = query.restricted()
      ? client.preparedQuery(SET_SQL).execute(Tuple.tuple().addArrayOfString(query.stores().toArray(String[]::new)))
      : client.query(CHAIN_SQL).execute();
    return found.map(rows -> {
      JsonArray stores = new JsonArray();
      Freshness chain = new Freshness();
      for (Row row : rows) {
        ZoneId storeZone = ZoneId.of(row.getString(5));
        Freshness store = new Freshness();
        store.add(row.getLocalDate(3), row.getLocalDate(4), row.getOffsetDateTime(7), row.getOffsetDateTime(6));
        chain.add(store.firstDay, store.lastDay, store.newestOrder, store.lastImport);
        stores.add(store.into(new JsonObject().put("code", row.getString(0)).put("name", row.getString(1))
          .put("city", row.getString(2)), storeZone));
      }
      return new JsonObject().put("stores", stores).put("chain", chain.into(new JsonObject(), zone));
    });
  }

  /** The freshness of one store, or the earliest and newest over several. */
  private static final class Freshness {
    private LocalDate firstDay;
    private LocalDate lastDay;
    private OffsetDateTime newestOrder;
    private OffsetDateTime lastImport;

    void add(LocalDate first, LocalDate last, OffsetDateTime newest, OffsetDateTime imported) {
      firstDay = first == null || (firstDay != null && firstDay.isBefore(first)) ? firstDay : first;
      lastDay = last == null || (lastDay != null && lastDay.isAfter(last)) ? lastDay : last;
      newestOrder = newest == null || (newestOrder != null && newestOrder.isAfter(newest)) ? newestOrder : newest;
      lastImport = imported == null || (lastImport != null && lastImport.isAfter(imported)) ? lastImport : imported;
    }

    JsonObject into(JsonObject json, ZoneId zone) {
      return json.put("first_day", firstDay == null ? null : firstDay.toString())
        .put("last_day", lastDay == null ? null : lastDay.toString())
        .put("newest_order_at", written(newestOrder, zone))
        .put("last_import_at", written(lastImport, zone));
    }

    private static String written(OffsetDateTime instant, ZoneId zone) {
      return instant == null ? null : OrderLinesPage.LOCAL_TIME.format(instant.atZoneSameInstant(zone));
    }
  }
}
