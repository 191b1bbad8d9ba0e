package io.storedash.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The {@code audit_log}: who signed in or failed to, and who changed users, tokens, channels, the cache or the
 * data. A row that cannot be written is logged (with everything it held) and does not fail the action it records:
 * the action has happened by then.
 */
public final class Audit {

  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
  public static final int MAX_LIMIT = 500;

  public enum Action {
    SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, USER_CREATED, USER_CHANGED, USER_DELETED, TOKEN_CREATED, TOKEN_REVOKED, IMPORT,
    CHANNEL_CHANGED, CACHE_FLUSH, CACHE_WARM, SUBSCRIPTION_CREATED, SUBSCRIPTION_DELETED,
    ACTION_SETTINGS_CHANGED, IMPORT_UNDO;

    /** As stored and shown: {@code sign_in}, {@code cache_flush}, ... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final SqlClient db;

  public Audit(SqlClient db) {
    this.db = db;
  }

  /**
   * Records an action by the request's caller (its name, or null when none) from the request's address.
   *
   * @param target what the action was about (a user name, a token id, a store, a file name), or null
   * @param detail anything more, or null
   */
  public Future<Void> record(RoutingContext rc, Action action, String target, JsonObject detail) {
    Caller caller = Caller.of(rc);
    return record(action, caller == null ? null : caller.name(), target, address(rc), detail);
  }

  /** Records an action; completes once the row is written, or failed to be (then it is logged). */
  public Future<Void> record(Action action, String actor, String target, String address, JsonObject detail) {
    return db.preparedQuery("INSERT INTO audit_log (actor, action, target, address, detail) VALUES ($1, $2, $3, $4, $5)")
      .execute(Tuple.of(actor, action.wireName(), target, address, detail))
      .<Void>mapEmpty()
      .recover(e -> {
        LOG.warn("audit row not written: action={} actor={} target={} address={} detail={}: {}", action.wireName(), actor,
          target, address, detail, e.getMessage());
        return Future.succeededFuture();
      });
  }

  /** The newest rows first: at most {@code limit}, and only those with an id below {@code before} when given. */
  public Future<JsonArray> recent(int limit, Long before) {
    return db.preparedQuery("SELECT id, at, actor, action, target, address, detail FROM audit_log "
        + "WHERE ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $1")
      .execute(Tuple.of(limit, before))
      .map(rows -> {
        JsonArray entries = new JsonArray();
        for (Row row : rows) {
          entries.add(new JsonObject()
            .put("id", row.getLong("id"))
            .put("at", row.getOffsetDateTime("at").toInstant().toString())
            .put("actor", row.getString("actor"))
            .put("action", row.getString("action"))
            .put("target", row.getString("target"))
            .put("address", row.getString("address"))
            .put("detail", row.getJsonObject("detail")));
        }
        return entries;
      })
      .recover(e -> Users.undefinedTable(e) ? Future.succeededFuture(new JsonArray()) : Future.failedFuture(e));
  }

  /** The request's client address (the TCP peer: a proxy in front must be trusted to pass on nothing else). */
  public static String address(RoutingContext rc) {
    SocketAddress remote = rc.request().remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }
}
