package io.storedash.common;

import java.util.List;

/**
 * Every event-bus address StoreDash uses, in one place. Addresses are namespaced
 * {@code storedash.<service>.<verb>} so that a cluster shared with other applications stays readable.
 */
public final class Addresses {

  /** cache-service: a {@link DashboardQuery} answered through the cache tiers. */
  public static final String DASHBOARD_QUERY = "storedash.cache.query";
  /** cache-service: admin commands (warm, flush, stats). */
  public static final String CACHE_ADMIN = "storedash.cache.admin";
  /** Published by the cache-service instance that flushed: every instance drops the same in-process entries. */
  public static final String CACHE_FLUSHED = "storedash.cache.flushed";

  /** query-service: a {@link DashboardQuery} computed from PostgreSQL. */
  public static final String DASHBOARD_COMPUTE = "storedash.query.compute";
  /** query-service: a CSV batch to import. */
  public static final String IMPORT = "storedash.query.import";
  /**
   * query-service: the sales channels, {@code {"action": "list"}}, or HQ's change of a channel's fee flag,
   * {@code {"action": "set", "code": ..., "charges_fee": true|false}}.
   */
  public static final String CHANNELS = "storedash.query.channels";
  /**
   * query-service: HQ's thresholds of the 今日必做 rules (docs/DESIGN.md §14.1): {@code {"action": "get"}} or
   * {@code {"action": "set", "thresholds": {...}, "by": user}}.
   */
  public static final String ACTION_SETTINGS = "storedash.query.action-settings";

  /**
   * query-service: the import history, {@code {"action": "list", "scope"?, "limit"?, "before"?}}, or the undo of a
   * whole import, {@code {"action": "undo", "id", "user"?, "scope"?}} (docs/DESIGN.md §13.3).
   */
  public static final String IMPORT_HISTORY = "storedash.query.import-history";
  /** query-service: the current data version of every store, for caches that start after an import. */
  public static final String DATA_VERSIONS = "storedash.query.versions";
  /** Published by query-service after every import: {@code {stores:[...], version}}. */
  public static final String DATA_CHANGED = "storedash.query.data-changed";

  /** monitor-service: the current monitor snapshot. */
  public static final String MONITOR_SNAPSHOT = "storedash.monitor.snapshot";
  /** Published by monitor-service: the snapshot, every 5 s. */
  public static final String MONITOR_UPDATES = "storedash.monitor.updates";

  /**
   * Published by the gateway that changed, disabled or deleted a user: {@code {"username": ...}}. Every gateway
   * forgets what it cached of that user, so the change applies to live sessions and API tokens at once.
   */
  public static final String USER_CHANGED = "storedash.gateway.user-changed";
  /**
   * Published by the gateway where a session ended (signed out, its user disabled): {@code {"id": ...}}. Every
   * gateway forgets it, so none serves it from memory during a Redis outage.
   */
  public static final String SESSION_ENDED = "storedash.gateway.session-ended";
  /** Published by the gateway that revoked an API token: {@code {"id": ...}}. Every gateway refuses it at once. */
  public static final String TOKEN_REVOKED = "storedash.gateway.token-revoked";

  /** Published by every node of every service: {@code {service, node, version, uptime, stats}}. */
  public static final String HEARTBEAT = "storedash.node.heartbeat";
  /** Published by a node that just started watching heartbeats: every node answers with its heartbeats at once. */
  public static final String HEARTBEAT_REQUEST = "storedash.node.heartbeat-request";

  /**
   * The addresses whose messages change state or are trusted by other services: a member signs every message it
   * sends to them, and their consumers refuse any other (docs/DESIGN.md §11.3). So are the addresses of import
   * sessions, {@value #IMPORT_SESSIONS}{@code .<uuid>}. The query paths ({@link #DASHBOARD_QUERY},
   * {@link #DASHBOARD_COMPUTE}, {@link #DATA_VERSIONS}, {@link #MONITOR_SNAPSHOT}) are not signed: they change nothing,
   * and the event bus's mutual TLS keeps non-members off them (§11.2).
   */
  /**
   * monitor-service's push verticle: a signed request from the gateway on behalf of a caller it authenticated —
   * subscriptions (create, list, delete), a test-send, the delivery log (docs/DESIGN.md §14.2).
   */
  public static final String PUSH_SUBSCRIPTIONS = "storedash.push.subscriptions";

  public static final List<String> SIGNED = List.of(IMPORT, CACHE_ADMIN, CACHE_FLUSHED, CHANNELS, DATA_CHANGED,
    USER_CHANGED, SESSION_ENDED, TOKEN_REVOKED, HEARTBEAT, HEARTBEAT_REQUEST, MONITOR_UPDATES, PUSH_SUBSCRIPTIONS,
    ACTION_SETTINGS, IMPORT_HISTORY);
  /** The prefix of an import session's address (signed too), and the address its refused messages are counted by. */
  public static final String IMPORT_SESSIONS = "storedash.query.import.session";

  private Addresses() {
  }
}
