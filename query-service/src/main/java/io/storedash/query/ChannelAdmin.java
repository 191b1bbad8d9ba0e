package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.storage.Rollups;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * HQ's view of the sales channels ({@link Addresses#CHANNELS}): the list with each channel's fee flag and orders, and
 * the change of a flag. A change re-derives the figures: every order of the channel is valid or not again (an order
 * on a fee-charging channel whose service fee sums to 0 or less is cancelled or refunded), the rollups of every store
 * and day with orders of the channel are rebuilt, and the data versions move, all in one transaction under the
 * loaders' lock; caches then drop the old answers on the data-changed event.
 */
public final class ChannelAdmin {

  private static final String LIST = """
    SELECT c.code, c.name_zh, c.charges_fee, coalesce(sum(d.orders), 0)::int8, coalesce(sum(d.invalid_orders), 0)::int8
    FROM channels c LEFT JOIN daily_channel d ON d.channel = c.id
    GROUP BY c.id ORDER BY c.id""";
  private static final String FIND = "SELECT id, charges_fee FROM channels WHERE code = $1 FOR UPDATE";
  private static final String SET = "UPDATE channels SET charges_fee = $2 WHERE id = $1";
  private static final String REVALUE_ORDERS = """
    UPDATE orders SET valid = NOT ($2 AND service_fee <= 0)
    WHERE channel = $1 AND valid IS DISTINCT FROM NOT ($2 AND service_fee <= 0)""";
  private static final String REVALUE_LINES = """
    UPDATE order_lines l SET valid = o.valid FROM orders o
    WHERE l.channel = $1 AND o.id = l.order_id AND l.valid <> o.valid""";
  private static final String PLACES = """
    SELECT store_id, min(local_day), max(local_day) FROM orders WHERE channel = $1 GROUP BY store_id""";
  private static final String CODES = "SELECT code FROM stores WHERE id = ANY($1) ORDER BY code";

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Pool pool;

  public ChannelAdmin(Vertx vertx, MessageSignatures signatures, Pool pool) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.pool = pool;
  }

  /** Answers a command: {@code list}, or {@code set} with {@code code} and {@code charges_fee}. */
  public Future<JsonObject> handle(JsonObject command) {
    String action = command.getString("action", "list");
    if ("list".equals(action)) {
      return list();
    }
    if (!"set".equals(action)) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("unknown channel action '" + action + "'"));
    }
    Object flag = command.getValue("charges_fee");
    String code = command.getString("code");
    if (!(flag instanceof Boolean)) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("charges_fee must be true or false"));
    }
    return set(code, (Boolean) flag);
  }

  private Future<JsonObject> list() {
    return pool.query(LIST).execute().map(rows -> {
      JsonArray channels = new JsonArray();
      for (Row row : rows) {
        channels.add(new JsonObject().put("channel", row.getString(0)).put("name", row.getString(1))
          .put("charges_fee", row.getBoolean(2)).put("orders", row.getLong(3)).put("invalid_orders", row.getLong(4)));
      }
      return new JsonObject().put("channels", channels);
    });
  }

  /** The answer when no order's figures changed: the flag was already so, or the channel has no orders. */
  private static JsonObject nothingChanged(String code, boolean chargesFee) {
    return new JsonObject().put("channel", code).put("charges_fee", chargesFee).put("orders_revalued", 0)
      .put("stores", new JsonArray());
  }

  private Future<JsonObject> set(String code, boolean chargesFee) {
    return pool.withTransaction(conn -> conn.query(BulkLoader.LOCK).execute()
      .compose(v -> conn.preparedQuery(FIND).execute(Tuple.of(code)))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(Failure.Kind.UNKNOWN_STORE.reply("unknown channel '" + code + "'"));
        }
        Row channel = rows.iterator().next();
        short id = channel.getShort(0);
        if (channel.getBoolean(1) == chargesFee) {
          return Future.succeededFuture(nothingChanged(code, chargesFee));
        }
        return conn.preparedQuery(SET).execute(Tuple.of(id, chargesFee))
          .compose(v -> conn.preparedQuery(REVALUE_ORDERS).execute(Tuple.of(id, chargesFee)))
          .compose(revalued -> conn.preparedQuery(REVALUE_LINES).execute(Tuple.of(id))
            .compose(v -> conn.preparedQuery(PLACES).execute(Tuple.of(id)))
            .compose(places -> {
              List<Integer> stores = new ArrayList<>();
              LocalDate first = null;
              LocalDate last = null;
              for (Row place : places) {
                stores.add(place.getInteger(0));
                first = first == null || place.getLocalDate(1).isBefore(first) ? place.getLocalDate(1) : first;
                last = last == null || place.getLocalDate(2).isAfter(last) ? place.getLocalDate(2) : last;
              }
              Integer[] ids = stores.toArray(Integer[]::new);
              if (ids.length == 0) {
                return Future.succeededFuture(nothingChanged(code, chargesFee));
              }
              return Rollups.refresh(conn, ids, first, last)
                .compose(v -> Rollups.bumpVersions(conn, ids))
                .compose(version -> conn.preparedQuery(CODES).execute(Tuple.tuple().addArrayOfInteger(ids))
                  .map(codes -> {
                    JsonArray changed = new JsonArray();
                    codes.forEach(c -> changed.add(c.getString(0)));
                    return new JsonObject().put("channel", code).put("charges_fee", chargesFee)
                      .put("orders_revalued", revalued.rowCount()).put("stores", changed).put("version", version);
                  }));
            }));
      }))
      .onSuccess(result -> {
        if (result.containsKey("version")) {
          JsonObject changed = new JsonObject()
            .put("stores", result.getJsonArray("stores").copy()).put("version", result.getLong("version"));
          vertx.eventBus().publish(Addresses.DATA_CHANGED, changed, signatures.sign(Addresses.DATA_CHANGED, changed));
        }
      });
  }
}
