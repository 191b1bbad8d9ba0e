package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.common.QueryKind;
import io.storedash.query.actions.ActionsQuery;
import io.storedash.query.storage.StorageFailures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;

/**
 * The kinds this query-service version serves, and the one place where their failures are turned into the
 * contract's codes: 400 bad request, 404 unknown store, 503 PostgreSQL unavailable, 500 anything else.
 */
public final class Computations {

  private final Map<QueryKind, KindQuery> kinds = new EnumMap<>(QueryKind.class);

  /**
   * @param zone the configured TIMEZONE: "today" for the default range when there is no data yet
   */
  public Computations(SqlClient client, ZoneId zone) {
    kinds.put(QueryKind.STORES, new StoresQuery(client, zone));
    kinds.put(QueryKind.OVERVIEW, new OverviewQuery(client, zone));
    kinds.put(QueryKind.TREND, new TrendQuery(client, zone));
    kinds.put(QueryKind.CHANNELS, new ChannelsQuery(client, zone));
    kinds.put(QueryKind.CATEGORIES, new CategoriesQuery(client, zone));
    kinds.put(QueryKind.HOURS, new HoursQuery(client, zone));
    kinds.put(QueryKind.PRODUCTS, new ProductsQuery(client, zone));
    kinds.put(QueryKind.RANKING, new RankingQuery(client, zone));
    kinds.put(QueryKind.ORDERS, new OrdersQuery(client, zone));
    kinds.put(QueryKind.DIAGNOSIS, new DiagnosisQuery(client, zone));
    kinds.put(QueryKind.ACTIONS, new ActionsQuery(client, zone));
    kinds.put(QueryKind.LOSING_PRODUCTS, new LosingProductsQuery(client, zone));
  }

  public boolean serves(QueryKind kind) {
    return kinds.containsKey(kind);
  }

  /** The result JSON, or a {@link io.vertx.core.eventbus.ReplyException} with the contract's code. */
  public Future<JsonObject> answer(DashboardQuery query) {
    KindQuery kind = kinds.get(query.kind());
    if (kind == null) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("query kind " + query.kind().wireName()
        + " is not served by this query-service version"));
    }
    Future<JsonObject> result;
    try {
      result = kind.answer(query);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(e -> Future.failedFuture(StorageFailures.asReply(e)));
  }
}
