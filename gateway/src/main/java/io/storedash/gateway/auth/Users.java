package io.storedash.gateway.auth;

import io.storedash.common.Addresses;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.gateway.http.ParameterProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code users} table: create, find, list, change, disable, delete, and check a password. Reads for requests
 * go through a short in-process cache ({@link #cached}); every change is published on {@link Addresses#USER_CHANGED}
 * so that every gateway forgets the user at once — disabling a user or changing their stores applies to their live
 * sessions and API tokens on the next request, cluster-wide.
 */
public final class Users {

  private static final Logger LOG = LoggerFactory.getLogger(Users.class);
  /** The user {@link #ensureAdmin} creates. */
  public static final String FIRST_ADMIN = "admin";
  private static final String COLUMNS = "username, password_hash, role, stores, cities, disabled, source, created_at, "
    + "updated_at, password_changed_at";
  /** PostgreSQL's "undefined table": query-service has not migrated this database to schema 4 yet. */
  private static final String UNDEFINED_TABLE = "42P01";
  /** Users kept at most; past it the cache starts again, so unknown names cannot grow it. */
  private static final int MAX_CACHED = 50_000;

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final SqlClient db;
  private final Clock clock;
  private final Duration cacheFor;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<StoredUser> user, Instant until) {
  }

  /** A user with the hash, which never leaves this class. */
  private record StoredUser(User user, String hash) {
  }

  /** A change of a user: each member null when it does not change. */
  public record Change(String password, Role role, Set<String> stores, Set<String> cities, Boolean disabled) {
    boolean isEmpty() {
      return password == null && role == null && stores == null && cities == null && disabled == null;
    }
  }

  /**
   * @param cacheFor how long a user read for a request is reused by this gateway (a few seconds: changes made on
   *                 any gateway are also published, so this only bounds what a lost message could leave behind)
   */
  public Users(Vertx vertx, MessageSignatures signatures, SqlClient db, Clock clock, Duration cacheFor) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.db = db;
    this.clock = clock;
    this.cacheFor = cacheFor;
  }

  /** Forgets what this gateway cached of the user (on {@link Addresses#USER_CHANGED}). */
  public void forget(String username) {
    cache.remove(username);
  }

  /**
   * The user for a request: cached for a few seconds; null when there is no such user. While PostgreSQL does not
   * answer, what this gateway last read of the user is used (a change made meanwhile is still published, and the
   * user is then forgotten: refused rather than served as it was), so that a database outage does not sign everyone
   * out of the cached dashboard.
   */
  public Future<User> cached(String username) {
    Cached hit = cache.get(username);
    Instant now = clock.instant();
    if (hit != null && now.isBefore(hit.until())) {
      return Future.succeededFuture(hit.user().map(StoredUser::user).orElse(null));
    }
    return load(username).map(stored -> {
      if (cache.size() >= MAX_CACHED && !cache.containsKey(username)) {
        cache.clear();
      }
      cache.put(username, new Cached(Optional.ofNullable(stored), now.plus(cacheFor)));
      return stored == null ? null : stored.user();
    }).recover(e -> {
      if (hit == null || cache.get(username) != hit) {
        return Future.failedFuture(e);
      }
      // Asked again after another cache period, not on every request while the database is away.
      cache.replace(username, hit, new Cached(hit.user(), now.plus(cacheFor)));
      return Future.succeededFuture(hit.user().map(StoredUser::user).orElse(null));
    });
  }

  /** The user as stored now; null when there is none. */
  public Future<User> find(String username) {
    return load(username).map(stored -> stored == null ? null : stored.user());
  }

  public Future<List<User>> list() {
    return db.preparedQuery("SELECT " + COLUMNS + " FROM users ORDER BY username").execute()
      .map(rows -> {
        List<User> users = new ArrayList<>();
        rows.forEach(row -> users.add(stored(row).user()));
        return users;
      })
      .recover(e -> undefinedTable(e) ? Future.succeededFuture(List.of()) : Future.failedFuture(e));
  }

  /**
   * The user when {@code password} is theirs (disabled or not: the caller decides what to answer), else null. As
   * slow for a name that does not exist or has no password as for a wrong password.
   */
  public Future<User> verifyPassword(String username, String password) {
    Future<StoredUser> stored = username == null || !username.matches(User.NAME_PATTERN)
      ? Future.succeededFuture(null) : load(username);
    return stored.compose(s -> Passwords.verify(vertx, s == null ? null : s.hash(), password)
      .map(matches -> matches ? s.user() : null));
  }

  /**
   * A new user with a password.
   *
   * @throws ParameterProblem (failed future) naming what is wrong; HttpException 409 when the name is taken
   */
  public Future<User> create(String username, String password, Role role, Set<String> stores, Set<String> cities) {
    try {
      checkName(username);
      checkPassword(password);
      Scope.check(role, stores, cities);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return Passwords.hash(vertx, password)
      .compose(hash -> db.preparedQuery("INSERT INTO users (username, password_hash, role, stores, cities, "
          + "password_changed_at) VALUES ($1, $2, $3, $4, $5, now()) RETURNING " + COLUMNS)
        .execute(Tuple.of(username, hash, role.wireName()).addArrayOfString(array(stores)).addArrayOfString(array(cities))))
      .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? new HttpException(409, "a user named '" + username + "' exists already") : e))
      .map(rows -> changed(stored(rows.iterator().next()).user()));
  }

  /**
   * Applies a change; null when there is no such user.
   *
   * @throws ParameterProblem (failed future) naming what is wrong; HttpException 409 when the change would leave no
   *                          enabled hq user
   */
  public Future<User> update(String username, Change change) {
    if (change.isEmpty()) {
      return Future.failedFuture(new ParameterProblem("body", "nothing to change: give any of password, role, stores, "
        + "cities, disabled"));
    }
    if (change.password() != null) {
      try {
        checkPassword(change.password());
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
    }
    return load(username).compose(current -> {
      if (current == null) {
        return Future.succeededFuture(null);
      }
      User user = current.user();
      Role role = change.role() == null ? user.role() : change.role();
      Set<String> stores = change.stores() == null ? user.stores() : change.stores();
      Set<String> cities = change.cities() == null ? user.cities() : change.cities();
      boolean disabled = change.disabled() == null ? user.disabled() : change.disabled();
      try {
        Scope.check(role, stores, cities);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
      boolean losesHq = user.role() == Role.HQ && !user.disabled() && (role != Role.HQ || disabled);
      Future<Void> allowed = losesHq ? requireAnotherHq(username, "demoted or disabled") : Future.succeededFuture();
      Future<String> hash = change.password() == null ? Future.succeededFuture(null) : Passwords.hash(vertx, change.password());
      return allowed.compose(v -> hash).compose(h -> db.preparedQuery("UPDATE users SET role = $2, stores = $3, "
            + "cities = $4, disabled = $5, updated_at = now(), password_hash = coalesce($6, password_hash), "
            + "password_changed_at = CASE WHEN $6::text IS NULL THEN password_changed_at ELSE now() END "
            + "WHERE username = $1 RETURNING " + COLUMNS)
          .execute(Tuple.of(username, role.wireName()).addArrayOfString(array(stores)).addArrayOfString(array(cities))
            .addBoolean(disabled).addString(h)))
        .map(rows -> rows.size() == 0 ? null : changed(stored(rows.iterator().next()).user()));
    });
  }

  /** Why single sign-on may not sign a user in, though the issuer vouched for them. */
  public enum IssuerRefusal {
    /** A user of that name signs in with a password: the issuer's account must not take it over. */
    PASSWORD_USER,
    /** The user, created by single sign-on, was disabled here: the issuer cannot enable it again. */
    DISABLED;

    /** As the audit log's {@code reason} has it. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What {@link #signInFromIssuer} made of an identity: the user as stored now, or why it is refused (user null). */
  public record IssuerOutcome(User user, IssuerRefusal refusal) {
  }

  /**
   * The user the single sign-on issuer vouches for, as the issuer says it is now: created with source {@code oidc} and
   * no password, or, for an existing {@code oidc} user, its role, stores and cities replaced by the identity's (the
   * issuer is the source of truth for them). A user of that name with a password, or an {@code oidc} user disabled
   * here, is left as it is and refused. One statement, so two gateways signing the same user in at once agree.
   *
   * @throws ParameterProblem (failed future) when the identity's stores or cities are not valid assignments
   */
  public Future<IssuerOutcome> signInFromIssuer(OidcIdentity identity) {
    Role role = identity.role();
    Set<String> stores = role.seesEveryStore() ? Set.of() : identity.access().stores();
    Set<String> cities = role.seesEveryStore() ? Set.of() : identity.access().cities();
    try {
      checkName(identity.username());
      Scope.check(role, stores, cities);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // The update applies only to an enabled oidc user; updated_at moves only when something changed.
    return db.preparedQuery("INSERT INTO users (username, password_hash, role, stores, cities, source) "
        + "VALUES ($1, NULL, $2, $3, $4, 'oidc') ON CONFLICT (username) DO UPDATE SET role = EXCLUDED.role, "
        + "stores = EXCLUDED.stores, cities = EXCLUDED.cities, updated_at = CASE WHEN (users.role, users.stores, "
        + "users.cities) IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.stores, EXCLUDED.cities) THEN now() "
        + "ELSE users.updated_at END WHERE users.source = 'oidc' AND NOT users.disabled RETURNING " + COLUMNS)
      .execute(Tuple.of(identity.username(), role.wireName()).addArrayOfString(array(stores))
        .addArrayOfString(array(cities)))
      .compose(rows -> {
        if (rows.size() > 0) {
          return Future.succeededFuture(new IssuerOutcome(changed(stored(rows.iterator().next()).user()), null));
        }
        return load(identity.username()).compose(existing -> {
          if (existing != null && !"oidc".equals(existing.user().source())) {
            return Future.succeededFuture(new IssuerOutcome(null, IssuerRefusal.PASSWORD_USER));
          }
          if (existing != null && existing.user().disabled()) {
            return Future.succeededFuture(new IssuerOutcome(null, IssuerRefusal.DISABLED));
          }
          // Deleted or enabled again by an hq user between the two statements: the browser tries once more.
          return Future.failedFuture(new HttpException(503, "the user '" + identity.username() + "' was changed while "
            + "signing in; sign in again"));
        });
      });
  }

  /** Disables the user (their sessions and tokens are refused from the next request); false when there is none. */
  public Future<Boolean> disable(String username) {
    return update(username, new Change(null, null, null, null, true)).map(u -> u != null);
  }

  /** Deletes the user and their API tokens; false when there is none. */
  public Future<Boolean> delete(String username) {
    return load(username).compose(current -> {
      if (current == null) {
        return Future.succeededFuture(false);
      }
      Future<Void> allowed = current.user().role() == Role.HQ && !current.user().disabled()
        ? requireAnotherHq(username, "deleted") : Future.succeededFuture();
      return allowed.compose(v -> db.preparedQuery("DELETE FROM users WHERE username = $1").execute(Tuple.of(username)))
        .map(rows -> {
          changed(current.user());
          return rows.rowCount() > 0;
        });
    });
  }

  /**
   * Creates the first user, {@value #FIRST_ADMIN} (hq) with {@code password}, when the table has no user at all:
   * the standalone's first start. Completes with true when it created the user, false when users existed. The
   * schema must be migrated (query-service does it at start).
   */
  public static Future<Boolean> ensureAdmin(Vertx vertx, SqlClient db, String password) {
    String problem = Passwords.problem(password);
    if (problem != null) {
      return Future.failedFuture(new IllegalArgumentException("the first admin's " + problem));
    }
    return Passwords.hash(vertx, password)
      .compose(hash -> db.preparedQuery("INSERT INTO users (username, password_hash, role, password_changed_at) "
          + "SELECT $1, $2, 'hq', now() WHERE NOT EXISTS (SELECT 1 FROM users)")
        .execute(Tuple.of(FIRST_ADMIN, hash)))
      .map(rows -> {
        boolean created = rows.rowCount() > 0;
        if (created) {
          LOG.info("created the first user '{}' (hq)", FIRST_ADMIN);
        }
        return created;
      });
  }

  /** As {@link #ensureAdmin(Vertx, SqlClient, String)}, through a connection of its own to the configured PG_URL. */
  public static Future<Boolean> ensureAdmin(Vertx vertx, StoreDashConfig config, String password) {
    SqlClient client = oneConnection(vertx, config);
    return ensureAdmin(vertx, client, password).eventually(client::close);
  }

  /** A client of one connection to the configured PG_URL, for work outside a gateway (the standalone's first users). */
  public static SqlClient oneConnection(Vertx vertx, StoreDashConfig config) {
    return PgBuilder.client().with(new PoolOptions().setMaxSize(1))
      .connectingTo(PgConnectOptions.fromUri(config.pgUrlOrDefault())).using(vertx).build();
  }

  private Future<Void> requireAnotherHq(String username, String what) {
    return db.preparedQuery("SELECT count(*) FROM users WHERE role = 'hq' AND NOT disabled AND username <> $1")
      .execute(Tuple.of(username))
      .compose(rows -> rows.iterator().next().getLong(0) > 0 ? Future.succeededFuture()
        : Future.failedFuture(new HttpException(409, "'" + username + "' is the last enabled hq user and cannot be "
          + what + "; create or enable another hq user first")));
  }

  private User changed(User user) {
    forget(user.username());
    JsonObject change = new JsonObject().put("username", user.username());
    vertx.eventBus().publish(Addresses.USER_CHANGED, change, signatures.sign(Addresses.USER_CHANGED, change));
    return user;
  }

  private Future<StoredUser> load(String username) {
    return db.preparedQuery("SELECT " + COLUMNS + " FROM users WHERE username = $1").execute(Tuple.of(username))
      .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()))
      .recover(e -> undefinedTable(e) ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  /** Before query-service has migrated the database to schema 4 there is no user: not a failure. */
  static boolean undefinedTable(Throwable e) {
    return e instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState());
  }

  private static StoredUser stored(Row row) {
    String hash = row.getString("password_hash");
    return new StoredUser(new User(row.getString("username"), Role.fromWire(row.getString("role")),
      set(row.getArrayOfStrings("stores")), set(row.getArrayOfStrings("cities")), row.getBoolean("disabled"),
      row.getString("source"), hash != null, instant(row.getOffsetDateTime("created_at")),
      instant(row.getOffsetDateTime("updated_at")), instant(row.getOffsetDateTime("password_changed_at"))), hash);
  }

  static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  static Set<String> set(String[] values) {
    return values == null ? Set.of() : new HashSet<>(Arrays.asList(values));
  }

  static String[] array(Set<String> values) {
    return values == null ? null : values.stream().sorted().toArray(String[]::new);
  }

  static void checkName(String username) {
    if (username == null || !username.matches(User.NAME_PATTERN)) {
      throw new ParameterProblem("username", "a user name is 1 to 64 letters, digits, '.', '_', '@' or '-'");
    }
  }

  static void checkPassword(String password) {
    String problem = Passwords.problem(password);
    if (problem != null) {
      throw new ParameterProblem("password", problem);
    }
  }
}
