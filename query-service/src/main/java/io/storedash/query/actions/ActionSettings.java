package io.storedash.query.actions;

import io.storedash.common.ActionThresholds;
import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/**
 * HQ's thresholds of the 今日必做 rules ({@link Addresses#ACTION_SETTINGS}, table {@code action_settings}, V7): read
 * by every computation of the list, changed by HQ through the gateway. A change does not touch the data versions:
 * the gateway asks cache-service to drop and rewarm the lists (docs/DESIGN.md §14.1).
 */
public final class ActionSettings {

  private static final String READ = "SELECT thresholds::text, revision, updated_at, updated_by FROM action_settings WHERE id = 1";
  private static final String WRITE = """
    UPDATE action_settings SET thresholds = $1::jsonb, revision = revision + 1, updated_at = now(), updated_by = $2
    WHERE id = 1 RETURNING thresholds::text, revision, updated_at, updated_by""";

  /** The thresholds in force and how many times they were changed. */
  public record Current(ActionThresholds thresholds, long revision, OffsetDateTime updatedAt, String updatedBy) {

    public JsonObject toJson() {
      return new JsonObject().put("thresholds", thresholds.toJson()).put("revision", revision)
        .put("updated_at", updatedAt == null ? null : updatedAt.toInstant().toString()).put("updated_by", updatedBy);
    }
  }

  private final Pool pool;

  public ActionSettings(Pool pool) {
    this.pool = pool;
  }

  public static Future<Current> read(SqlClient client) {
    return client.query(READ).execute().map(rows -> current(rows.iterator().next()));
  }

  /** Answers a command: {@code get}, or {@code set} with {@code thresholds} (the members to change) and {@code by}. */
  public Future<JsonObject> handle(JsonObject command) {
    String action = command.getString("action", "get");
    if ("get".equals(action)) {
      return read(pool).map(Current::toJson);
    }
    if (!"set".equals(action)) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("unknown action-settings action '" + action + "'"));
    }
    JsonObject change = command.getJsonObject("thresholds");
    if (change == null) {
      return Future.failedFuture(Failure.BAD_REQUEST.reply("thresholds: the change must be a JSON object"));
    }
    // The row is locked between reading and writing: two HQ changes of different members both take effect.
    return pool.withTransaction(conn -> conn.query(READ + " FOR UPDATE").execute().map(rows -> current(rows.iterator().next()))
      .compose(current -> {
      ActionThresholds next;
      try {
        next = current.thresholds().with(change);
      } catch (ActionThresholds.Invalid e) {
        return Future.failedFuture(Failure.BAD_REQUEST.reply(e.getMessage()));
      }
      return conn.preparedQuery(WRITE).execute(Tuple.of(next.toJson(), command.getString("by")))
        .map(rows -> current(rows.iterator().next()).toJson());
    }));
  }

  private static Current current(Row row) {
    return new Current(ActionThresholds.fromJson(new JsonObject(row.getString(0))), row.getLong(1),
      row.getOffsetDateTime(2), row.getString(3));
  }
}
