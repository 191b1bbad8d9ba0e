package io.storedash.monitor.push;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.storedash.monitor.push.Subscriptions.at;

/**
 * The {@code push_deliveries} table and its attempts: a delivery is claimed by inserting its stable key (one
 * subscription, one digest day, alert or test window), so a second instance or a second run finds it taken; it is
 * then sent by whichever instance holds its lease, retried with backoff, and every attempt is logged.
 */
final class Deliveries {

  /** A delivery taken for sending. */
  record Due(long id, String subscriptionId, String dedupKey, String kind, JsonObject subject, JsonObject payload,
             int attempts, int maxAttempts) {
  }

  /** What an attempt came to. */
  enum Result {
    SENT, FAILED, RATE_LIMITED;

    String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How long an instance holds a delivery it is sending; after it, another instance may take it over. */
  static final Duration LEASE = Duration.ofMinutes(2);

  private static final String DUE_COLUMNS = "id, subscription_id, dedup_key, kind, subject, payload, attempts, max_attempts";

  private final Pool pool;

  Deliveries(Pool pool) {
    this.pool = pool;
  }

  /** The new delivery's id, or empty when its key was claimed before (by this instance or another). */
  Future<Optional<Long>> claim(String subscriptionId, String dedupKey, String kind, JsonObject subject, JsonObject payload,
                               int maxAttempts, Instant now) {
    return pool.preparedQuery("INSERT INTO push_deliveries (subscription_id, dedup_key, kind, subject, payload, status, "
        + "max_attempts, next_attempt_at, lease_until, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7, $7) "
        + "ON CONFLICT (dedup_key) DO NOTHING RETURNING id")
      .execute(Tuple.of(subscriptionId, dedupKey, kind, subject, payload, maxAttempts, at(now)))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /**
   * Moves a due digest on to its next time and claims the day's delivery, in one transaction: the instance whose
   * update finds the old time still there runs the digest, and a crash between the two leaves neither done.
   */
  Future<Boolean> claimDigest(Subscription s, Instant next, String dedupKey, JsonObject subject, int maxAttempts, Instant now) {
    return pool.withTransaction(conn -> conn.preparedQuery("UPDATE push_subscriptions SET next_digest_at = $3 "
          + "WHERE id = $1 AND next_digest_at = $2")
        .execute(Tuple.of(s.id(), at(s.nextDigestAt()), at(next)))
        .compose(moved -> moved.rowCount() == 0 ? Future.succeededFuture(false)
          : conn.preparedQuery("INSERT INTO push_deliveries (subscription_id, dedup_key, kind, subject, status, max_attempts, "
              + "next_attempt_at, lease_until, created_at) VALUES ($1, $2, 'digest', $3, 'pending', $4, $5, $5, $5) "
              + "ON CONFLICT (dedup_key) DO NOTHING")
            .execute(Tuple.of(s.id(), dedupKey, subject, maxAttempts, at(now))).map(true)));
  }

  /** Leases the pending deliveries that are due and that no live instance holds. */
  Future<List<Due>> takeDue(Instant now, int limit) {
    return pool.preparedQuery("UPDATE push_deliveries SET lease_until = $2 WHERE id IN (SELECT id FROM push_deliveries "
        + "WHERE status = 'pending' AND next_attempt_at <= $1 AND lease_until <= $1 ORDER BY next_attempt_at LIMIT $3 "
        + "FOR UPDATE SKIP LOCKED) RETURNING " + DUE_COLUMNS)
      .execute(Tuple.of(at(now), at(now.plus(LEASE)), limit)).map(Deliveries::due);
  }

  /** Leases one delivery now, due or not (a test-send, an alert just claimed); empty when another instance holds it. */
  Future<Optional<Due>> take(long id, Instant now) {
    return pool.preparedQuery("UPDATE push_deliveries SET lease_until = $3 WHERE id = $1 AND status = 'pending' "
        + "AND lease_until <= $2 RETURNING " + DUE_COLUMNS)
      .execute(Tuple.of(id, at(now), at(now.plus(LEASE))))
      .map(rows -> due(rows).stream().findFirst());
  }

  Future<Void> savePayload(long id, JsonObject payload) {
    return pool.preparedQuery("UPDATE push_deliveries SET payload = $2 WHERE id = $1").execute(Tuple.of(id, payload)).mapEmpty();
  }

  /**
   * Logs an attempt and moves the delivery on: sent; failed for good after its last attempt; else pending again at
   * {@code retryAt} (a rate-limited attempt does not count against the delivery's attempts).
   *
   * @return the delivery's status after it
   */
  Future<String> record(Due due, Instant at, Result result, Integer httpStatus, String detail, long millis, Instant retryAt) {
    int attempts = due.attempts() + (result == Result.RATE_LIMITED ? 0 : 1);
    String status = result == Result.SENT ? "sent"
      : result == Result.FAILED && attempts >= due.maxAttempts() ? "failed" : "pending";
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO push_attempts (delivery_id, at, result, "
          + "http_status, detail, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(due.id(), at(at), result.wireName(), httpStatus, detail, (int) Math.min(millis, Integer.MAX_VALUE)))
        .compose(v -> conn.preparedQuery("UPDATE push_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, "
            + "lease_until = $5, finished_at = $6 WHERE id = $1")
          .execute(Tuple.of(due.id(), status, attempts, at(status.equals("pending") ? retryAt : at), at(at),
            status.equals("pending") ? null : at(at)))))
      .map(status);
  }

  /** The newest deliveries of a subscription, each with its attempts. */
  Future<JsonArray> list(String subscriptionId, int limit) {
    return pool.preparedQuery("SELECT d.id, d.kind, d.dedup_key, d.subject, d.status, d.attempts, d.max_attempts, "
        + "d.created_at, d.finished_at, d.next_attempt_at, coalesce((SELECT json_agg(json_build_object('at', a.at, "
        + "'result', a.result, 'http_status', a.http_status, 'detail', a.detail, 'duration_ms', a.duration_ms) "
        + "ORDER BY a.id) FROM push_attempts a WHERE a.delivery_id = d.id), '[]') AS attempt_log "
        + "FROM push_deliveries d WHERE d.subscription_id = $1 ORDER BY d.id DESC LIMIT $2")
      .execute(Tuple.of(subscriptionId, limit)).map(rows -> {
        JsonArray list = new JsonArray();
        rows.forEach(row -> list.add(new JsonObject().put("id", row.getLong("id")).put("kind", row.getString("kind"))
          .put("key", row.getString("dedup_key")).put("subject", row.getValue("subject"))
          .put("status", row.getString("status")).put("attempts", row.getInteger("attempts"))
          .put("max_attempts", row.getInteger("max_attempts"))
          .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString())
          .put("finished_at", row.getOffsetDateTime("finished_at") == null ? null
            : row.getOffsetDateTime("finished_at").toInstant().toString())
          .put("next_attempt_at", row.getString("status").equals("pending")
            ? row.getOffsetDateTime("next_attempt_at").toInstant().toString() : null)
          .put("attempt_log", attemptLog(row.getValue("attempt_log")))));
        return list;
      });
  }

  /** Sends to one webhook in this minute, over every instance: false when its limit is spent. */
  Future<Boolean> allowSend(String webhookKey, long minute, int limit) {
    return pool.preparedQuery("INSERT INTO push_rate (webhook_key, minute, sent) VALUES ($1, $2, 1) "
        + "ON CONFLICT (webhook_key, minute) DO UPDATE SET sent = push_rate.sent + 1 WHERE push_rate.sent < $3 RETURNING sent")
      .execute(Tuple.of(webhookKey, minute, limit)).map(rows -> rows.size() > 0);
  }

  /** Drops the rate counters of minutes long past. */
  Future<Void> forgetRates(long beforeMinute) {
    return pool.preparedQuery("DELETE FROM push_rate WHERE minute < $1").execute(Tuple.of(beforeMinute)).mapEmpty();
  }

  private static JsonArray attemptLog(Object value) {
    JsonArray log = value instanceof JsonArray array ? array : new JsonArray(String.valueOf(value));
    // json_agg writes the database's timestamps; the API speaks ISO instants as everywhere else.
    for (int i = 0; i < log.size(); i++) {
      JsonObject attempt = log.getJsonObject(i);
      attempt.put("at", java.time.OffsetDateTime.parse(attempt.getString("at")).toInstant().toString());
    }
    return log;
  }

  private static List<Due> due(RowSet<Row> rows) {
    List<Due> list = new ArrayList<>();
    rows.forEach(row -> list.add(new Due(row.getLong("id"), row.getString("subscription_id"), row.getString("dedup_key"),
      row.getString("kind"), (JsonObject) row.getValue("subject"), (JsonObject) row.getValue("payload"),
      row.getInteger("attempts"), row.getInteger("max_attempts"))));
    return list;
  }
}
