package io.storedash.monitor.push;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The {@code push_subscriptions} table, and what push reads of the users and stores tables. */
final class Subscriptions {

  private static final String COLUMNS = "id, owner, scope, name, platform, format, webhook_host, webhook, secret, "
    + "webhook_key, stores, lang, digest_time, timezone, next_digest_at, alerts, created_at";

  private final Pool pool;

  Subscriptions(Pool pool) {
    this.pool = pool;
  }

  Future<Void> insert(Subscription s) {
    return pool.preparedQuery("INSERT INTO push_subscriptions (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        + "$9, $10, $11, $12, $13, $14, $15, $16, $17)")
      .execute(Tuple.tuple().addString(s.id()).addString(s.owner()).addString(s.scope()).addString(s.name())
        .addString(s.platform().wireName()).addString(s.format()).addString(s.webhookHost()).addString(s.sealedWebhook())
        .addString(s.sealedSecret()).addString(s.webhookKey())
        .addArrayOfString(s.stores().toArray(String[]::new)).addString(s.lang()).addLocalTime(s.digestTime())
        .addString(s.timezone().getId()).addOffsetDateTime(at(s.nextDigestAt())).addValue(s.alerts())
        .addOffsetDateTime(at(s.createdAt())))
      .mapEmpty();
  }

  Future<Optional<Subscription>> find(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM push_subscriptions WHERE id = $1").execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Subscription.of(rows.iterator().next())));
  }

  /** A user's own subscriptions, and HQ's store groups for an hq user. */
  Future<List<Subscription>> visibleTo(String user, boolean hq) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM push_subscriptions WHERE (scope = 'user' AND owner = $1) "
        + "OR (scope = 'group' AND $2) ORDER BY created_at, id")
      .execute(Tuple.of(user, hq)).map(Subscriptions::all);
  }

  Future<Long> countOwnedBy(String user, String scope) {
    return pool.preparedQuery("SELECT count(*) FROM push_subscriptions WHERE scope = $2 AND ($2 = 'group' OR owner = $1)")
      .execute(Tuple.of(user, scope)).map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Boolean> delete(String id) {
    return pool.preparedQuery("DELETE FROM push_subscriptions WHERE id = $1").execute(Tuple.of(id))
      .map(rows -> rows.rowCount() > 0);
  }

  Future<List<Subscription>> dueDigests(Instant now, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM push_subscriptions WHERE next_digest_at <= $1 "
        + "ORDER BY next_digest_at LIMIT $2")
      .execute(Tuple.of(at(now), limit)).map(Subscriptions::all);
  }

  Future<List<Subscription>> alerting() {
    return pool.query("SELECT " + COLUMNS + " FROM push_subscriptions WHERE alerts <> '[]'").execute()
      .map(Subscriptions::all);
  }

  /**
   * The stores a user may see now, as the gateway grants them (docs/DESIGN.md §7): empty when the user is gone or
   * disabled, null for every store (hq). A digest goes out for what its owner may still see, not what they could
   * when they subscribed.
   */
  Future<Set<String>> storesOf(String user) {
    return pool.preparedQuery("SELECT u.role, array(SELECT s.code FROM stores s WHERE s.code = ANY(u.stores) "
        + "OR s.city = ANY(u.cities)) AS codes FROM users u WHERE u.username = $1 AND NOT u.disabled")
      .execute(Tuple.of(user)).map(rows -> {
        if (rows.size() == 0) {
          return Set.of();
        }
        Row row = rows.iterator().next();
        return "hq".equals(row.getString("role")) ? null : new TreeSet<>(List.of(row.getArrayOfStrings("codes")));
      });
  }

  /** The time zone of a store, if it exists. */
  Future<Optional<String>> timezoneOf(String store) {
    return pool.preparedQuery("SELECT timezone FROM stores WHERE code = $1").execute(Tuple.of(store))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  static java.time.OffsetDateTime at(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static List<Subscription> all(RowSet<Row> rows) {
    List<Subscription> list = new ArrayList<>();
    rows.forEach(row -> list.add(Subscription.of(row)));
    return list;
  }

  static JsonArray json(List<Subscription> list) {
    return new JsonArray(list.stream().map(Subscription::toJson).toList());
  }
}
