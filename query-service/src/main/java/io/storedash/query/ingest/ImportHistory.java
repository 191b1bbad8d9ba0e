package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.security.MessageSignatures;
import io.storedash.query.storage.Rollups;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The history of imports and their undo ({@link Addresses#IMPORT_HISTORY}, docs/DESIGN.md §13.3). An import records
 * itself in its own transaction ({@link ImportWrite}): its row in {@code import_history}, the orders and lines it is
 * about to replace, whole, and every order it wrote. An undo puts the database back as it was before that import:
 * the orders it added are deleted, those it replaced come back exactly (ids and every column), then the rollups of
 * the stores and days it touched are rebuilt and their versions bumped, all in one transaction under the loaders'
 * lock, and {@code data changed} is published after the commit. An undo is refused (409) while a later import that
 * is still in place wrote one of the same orders (undo that one first), and for an import already undone.
 *
 * <p>Commands: {@code {"action": "list", "scope"?, "limit"?, "before"?}} and
 * {@code {"action": "undo", "id", "user"?, "scope"?}}; {@code scope} as in an import ({@link ImportScope}), absent for
 * every store. A scoped caller sees the imports that touched one of its stores, each with only those stores named
 * ({@code other_stores} counts the rest); it may undo an import only when every store it touched is one of its own
 * (else 403), and an import that touched none of them does not exist for it (404).
 */
public final class ImportHistory {

  /** Rows of one list page by default, and at most. */
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  /** An undo that the history forbids (undone already, or orders changed again since): 409 at the gateway. */
  static final Failure CONFLICT = new Failure.Code(409);

  /** Who imports which file: the history row an import writes (the counts follow at the end of its writes). */
  record Entry(String user, String file, long lines) {
  }

  static final String OPEN = "INSERT INTO import_history (username, file, lines) VALUES ($1, $2, $3) RETURNING id";
  // Before the file's orders are written: the rows as they are now, for the undo. The temporary import_orders holds
  // the file's order numbers.
  static final String SAVE_ORDERS = """
    INSERT INTO import_saved_orders SELECT $1, o FROM orders o JOIN import_orders i ON i.order_no = o.order_no""";
  static final String SAVE_LINES = """
    INSERT INTO import_saved_lines SELECT $1, l
    FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN import_orders i ON i.order_no = o.order_no""";
  static final String WRITTEN = "INSERT INTO import_history_orders SELECT $1, id, inserted FROM import_order_ids";
  static final String CLOSE = """
    UPDATE import_history SET orders = $2, new_orders = $3, replaced_orders = $4, store_ids = $5, first_day = $6,
      last_day = $7, version = $8
    WHERE id = $1""";

  /** A page of the history, newest first; $1 the caller's store ids (null: every store), $2 the limit, $3 before id. */
  static final String LIST = """
    SELECT h.id, h.at, h.username, h.file, h.lines, h.orders, h.new_orders, h.replaced_orders, h.first_day, h.last_day,
           h.status, h.undone_at, h.undone_by,
           ARRAY(SELECT s.code FROM stores s WHERE s.id = ANY(h.store_ids) AND ($1::int4[] IS NULL OR s.id = ANY($1))
                 ORDER BY s.code),
           CASE WHEN $1::int4[] IS NULL THEN 0
                ELSE cardinality(ARRAY(SELECT unnest(h.store_ids) EXCEPT SELECT unnest($1::int4[]))) END
    FROM import_history h
    WHERE ($1::int4[] IS NULL OR h.store_ids && $1::int4[]) AND ($3::int8 IS NULL OR h.id < $3)
    ORDER BY h.id DESC LIMIT $2""";

  static final String FIND = """
    SELECT status, store_ids, first_day, last_day FROM import_history WHERE id = $1 FOR UPDATE""";
  /** Later imports, still in place, that wrote one of this import's orders. */
  static final String LATER = """
    SELECT later.import_id, count(*)
    FROM import_history_orders mine
    JOIN import_history_orders later ON later.order_id = mine.order_id AND later.import_id > mine.import_id
    JOIN import_history h ON h.id = later.import_id AND h.status = 'imported'
    WHERE mine.import_id = $1
    GROUP BY later.import_id ORDER BY later.import_id""";
  static final String DELETE_LINES = """
    DELETE FROM order_lines l USING import_history_orders w WHERE w.import_id = $1 AND l.order_id = w.order_id""";
  static final String DELETE_ORDERS = """
    DELETE FROM orders o USING import_history_orders w WHERE w.import_id = $1 AND o.id = w.order_id""";
  static final String RESTORE_ORDERS = """
    INSERT INTO orders SELECT (s.saved).* FROM import_saved_orders s WHERE s.import_id = $1""";
  static final String RESTORE_LINES = """
    INSERT INTO order_lines SELECT (s.saved).* FROM import_saved_lines s WHERE s.import_id = $1""";
  // A fee flag changed since the import (ChannelAdmin) applies to the restored orders too, as it did to all others.
  static final String REVALUE_ORDERS = """
    UPDATE orders o SET valid = NOT (c.charges_fee AND o.service_fee <= 0)
    FROM import_saved_orders s, channels c
    WHERE s.import_id = $1 AND o.id = (s.saved).id AND c.id = o.channel
      AND o.valid IS DISTINCT FROM NOT (c.charges_fee AND o.service_fee <= 0)""";
  static final String REVALUE_LINES = """
    UPDATE order_lines l SET valid = o.valid
    FROM import_saved_orders s, orders o
    WHERE s.import_id = $1 AND o.id = (s.saved).id AND l.order_id = o.id AND l.valid <> o.valid""";
  static final String MARK_UNDONE = """
    UPDATE import_history SET status = 'undone', undone_at = now(), undone_by = $2 WHERE id = $1""";
  // Undone, the import can never be undone again: what it kept for that goes.
  static final String FORGET_SAVED = """
    WITH o AS (DELETE FROM import_saved_orders WHERE import_id = $1),
         l AS (DELETE FROM import_saved_lines WHERE import_id = $1)
    DELETE FROM import_history_orders WHERE import_id = $1""";
  static final String STORE_CODES = "SELECT code FROM stores WHERE id = ANY($1) ORDER BY code";

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Pool pool;

  /**
   * @param signatures sign the {@code data changed} event an undo publishes
   * @param pool       connections for the list and the undo
   */
  public ImportHistory(Vertx vertx, MessageSignatures signatures, Pool pool) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.pool = pool;
  }

  // ---- written by an import, in its transaction ---------------------------------------------------------------------

  static Future<Long> open(SqlConnection conn, Entry entry) {
    return conn.preparedQuery(OPEN).execute(Tuple.of(entry.user(), entry.file(), entry.lines()))
      .map(rows -> rows.iterator().next().getLong(0));
  }

  static Future<Void> saveReplaced(SqlConnection conn, long id) {
    return conn.preparedQuery(SAVE_ORDERS).execute(Tuple.of(id))
      .compose(v -> conn.preparedQuery(SAVE_LINES).execute(Tuple.of(id))).mapEmpty();
  }

  static Future<Void> written(SqlConnection conn, long id) {
    return conn.preparedQuery(WRITTEN).execute(Tuple.of(id)).mapEmpty();
  }

  static Future<Void> close(SqlConnection conn, long id, ImportWrite.Written written, Integer[] storeIds, LocalDate first,
                            LocalDate last) {
    Tuple args = Tuple.tuple().addLong(id).addLong(written.orders()).addLong(written.newOrders())
      .addLong(written.replacedOrders()).addArrayOfInteger(storeIds).addLocalDate(first).addLocalDate(last)
      .addLong(written.version());
    return conn.preparedQuery(CLOSE).execute(args).mapEmpty();
  }

  // ---- the event-bus commands ---------------------------------------------------------------------------------------

  /** Answers {@code list} or {@code undo}; failures carry a {@link Failure} code (400, 403, 404, 409). */
  public Future<JsonObject> handle(JsonObject command) {
    ImportScope scope;
    try {
      scope = ImportScope.fromJson(command.getValue("scope"));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply(e.getMessage()));
    }
    String action = command.getString("action", "list");
    return switch (action) {
      case "list" -> list(scope, command);
      case "undo" -> undo(scope, command);
      default -> Future.failedFuture(Failure.BAD_REQUEST.reply("unknown import history action '" + action + "'"));
    };
  }

  private Future<JsonObject> list(ImportScope scope, JsonObject command) {
    Object limit = command.getValue("limit", DEFAULT_LIMIT);
    Object before = command.getValue("before");
    if (!(limit instanceof Number n) || n.longValue() < 1 || n.longValue() > MAX_LIMIT) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("limit must be 1 to " + MAX_LIMIT));
    }
    if (before != null && !(before instanceof Number)) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("before must be an import id"));
    }
    return storesOf(pool, scope).compose(allowed -> pool.preparedQuery(LIST).execute(Tuple.tuple()
        .addArrayOfInteger(allowed == null ? null : allowed.toArray(Integer[]::new))
        .addInteger(((Number) limit).intValue())
        .addLong(before == null ? null : ((Number) before).longValue())))
      .map(rows -> {
        JsonArray imports = new JsonArray();
        for (Row row : rows) {
          imports.add(new JsonObject().put("id", row.getLong(0)).put("at", row.getOffsetDateTime(1).toInstant().toString())
            .put("user", row.getString(2)).put("file", row.getString(3)).put("lines", row.getLong(4))
            .put("orders", row.getLong(5)).put("new_orders", row.getLong(6)).put("replaced_orders", row.getLong(7))
            .put("stores", new JsonArray(Arrays.asList(row.getArrayOfStrings(13))))
            .put("other_stores", row.getInteger(14))
            .put("days", new JsonObject().put("from", text(row.getLocalDate(8))).put("to", text(row.getLocalDate(9))))
            .put("status", row.getString(10))
            .put("undone_at", row.getOffsetDateTime(11) == null ? null : row.getOffsetDateTime(11).toInstant().toString())
            .put("undone_by", row.getString(12)));
        }
        return new JsonObject().put("imports", imports);
      });
  }

  private static String text(LocalDate day) {
    return day == null ? null : day.toString();
  }

  /** The ids of the stores a scope allows, null without a scope (every store). */
  private static Future<Set<Integer>> storesOf(SqlClient db, ImportScope scope) {
    if (scope == null) {
      return Future.succeededFuture(null);
    }
    Tuple args = Tuple.tuple().addArrayOfString(scope.stores().toArray(String[]::new))
      .addArrayOfString(scope.cities().toArray(String[]::new));
    return db.preparedQuery(ImportSql.STORES_IN_SCOPE).execute(args).map(rows -> {
      Set<Integer> ids = new HashSet<>();
      rows.forEach(row -> ids.add(row.getInteger(0)));
      return ids;
    });
  }

  private Future<JsonObject> undo(ImportScope scope, JsonObject command) {
    if (!(command.getValue("id") instanceof Number number)) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("undo needs the import's id"));
    }
    long id = number.longValue();
    String user = command.getString("user");
    return pool.withTransaction(conn -> conn.query(BulkLoader.LOCK).execute()
        .compose(v -> conn.preparedQuery(FIND).execute(Tuple.of(id)))
        .compose(rows -> {
          Row found = rows.size() == 0 ? null : rows.iterator().next();
          return storesOf(conn, scope).compose(allowed -> refusal(id, found, allowed))
            .compose(v -> laterImports(conn, id))
            .compose(v -> restore(conn, id, found, user));
        }))
      .onSuccess(done -> {
        JsonObject changed = new JsonObject().put("stores", done.getJsonArray("stores").copy())
          .put("version", done.getLong("version"));
        vertx.eventBus().publish(Addresses.DATA_CHANGED, changed, signatures.sign(Addresses.DATA_CHANGED, changed));
      });
  }

  /**
   * Why the caller may not undo this import, or nothing: 404 when there is no such import or it touched none of the
   * caller's stores, 403 when it touched some outside them, 409 when it is undone already.
   */
  private static Future<Void> refusal(long id, Row found, Set<Integer> allowed) {
    List<Integer> stores = found == null ? List.of() : Arrays.asList(found.getArrayOfIntegers(1));
    if (found == null || (allowed != null && stores.stream().noneMatch(allowed::contains))) {
      return Future.failedFuture(Failure.UNKNOWN_STORE.reply("no import " + id + " among yours"));
    }
    if (allowed != null && !allowed.containsAll(stores)) {
      return Future.failedFuture(Failure.FORBIDDEN.reply("import " + id + " also changed stores that are not yours: "
        + "only hq may undo it"));
    }
    if (!"imported".equals(found.getString(0))) {
      return Future.failedFuture(CONFLICT.reply("import " + id + " is undone already"));
    }
    return Future.succeededFuture();
  }

  private static Future<Void> laterImports(SqlConnection conn, long id) {
    return conn.preparedQuery(LATER).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      StringBuilder later = new StringBuilder();
      for (Row row : rows) {
        later.append(later.length() == 0 ? "" : ", ").append(row.getLong(0)).append(" (").append(row.getLong(1))
          .append(row.getLong(1) == 1 ? " order)" : " orders)");
      }
      return Future.failedFuture(CONFLICT.reply("import " + id + " cannot be undone: later import(s) " + later
        + " changed the same orders again; undo those first"));
    });
  }

  private static Future<JsonObject> restore(SqlConnection conn, long id, Row found, String user) {
    Integer[] stores = found.getArrayOfIntegers(1);
    LocalDate first = found.getLocalDate(2);
    LocalDate last = found.getLocalDate(3);
    Tuple byId = Tuple.of(id);
    JsonObject answer = new JsonObject().put("id", id).put("status", "undone");
    return conn.preparedQuery(DELETE_LINES).execute(byId)
      .compose(v -> conn.preparedQuery(DELETE_ORDERS).execute(byId))
      .compose(deleted -> conn.preparedQuery(RESTORE_ORDERS).execute(byId).map(restored -> {
        // Replaced orders were deleted and put back: the difference is the orders the import had added.
        answer.put("orders_removed", deleted.rowCount() - restored.rowCount()).put("orders_restored", restored.rowCount());
        return restored;
      }))
      .compose(v -> conn.preparedQuery(RESTORE_LINES).execute(byId))
      .compose(lines -> {
        answer.put("lines_restored", lines.rowCount());
        return conn.preparedQuery(REVALUE_ORDERS).execute(byId);
      })
      .compose(v -> conn.preparedQuery(REVALUE_LINES).execute(byId))
      .compose(v -> Rollups.refresh(conn, stores, first, last))
      .compose(v -> Rollups.bumpVersions(conn, stores))
      .compose(version -> {
        answer.put("version", version);
        return conn.preparedQuery(MARK_UNDONE).execute(Tuple.of(id, user));
      })
      .compose(v -> conn.preparedQuery(FORGET_SAVED).execute(byId))
      .compose(v -> conn.preparedQuery(STORE_CODES).execute(Tuple.tuple().addArrayOfInteger(stores)))
      .map(codes -> {
        JsonArray changed = new JsonArray();
        codes.forEach(row -> changed.add(row.getString(0)));
        return answer.put("stores", changed);
      });
  }
}
