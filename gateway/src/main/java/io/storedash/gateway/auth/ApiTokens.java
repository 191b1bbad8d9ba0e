package io.storedash.gateway.auth;

import io.storedash.common.Addresses;
import io.storedash.common.security.MessageSignatures;
import io.storedash.gateway.http.ParameterProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code api_tokens} table. A token's secret is 256 random bits shown once at creation; only its SHA-256 is
 * kept, and a request's token is found by that digest. Tokens found are cached for a few seconds; a revocation is
 * published on {@link Addresses#TOKEN_REVOKED} so that every gateway refuses the token at once.
 */
public final class ApiTokens {

  /** What every secret starts with, so that a leaked one is recognisable (secret scanners, logs). */
  public static final String SECRET_PREFIX = "sdt_";
  static final int MAX_NAME = 100;
  static final int MAX_EXPIRES_DAYS = 3650;
  /** Found tokens kept at most; past it the cache starts again, so guesses cannot grow it. */
  private static final int MAX_CACHED = 10_000;
  private static final String COLUMNS = "id, username, name, role, stores, cities, created_at, last_used_at, revoked_at, expires_at";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final SqlClient db;
  private final Users users;
  private final Clock clock;
  private final Duration cacheFor;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(ApiToken token, Instant until) {
  }

  /** A token just created, with the secret that is never shown again. */
  public record Created(ApiToken token, String secret) {
    public JsonObject toJson() {
      return token.toJson().put("token", secret);
    }
  }

  public ApiTokens(Vertx vertx, MessageSignatures signatures, SqlClient db, Users users, Clock clock, Duration cacheFor) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.db = db;
    this.users = users;
    this.clock = clock;
    this.cacheFor = cacheFor;
  }

  /** Forgets a revoked token (on {@link Addresses#TOKEN_REVOKED}). */
  public void forget(String id) {
    cache.values().removeIf(c -> c.token().id().equals(id));
  }

  /**
   * The caller of a request that presents {@code secret}, or null when it is no usable token (unknown, revoked,
   * expired, or wider than its creator is now).
   */
  public Future<Caller> authenticate(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX) || secret.length() > 100) {
      return Future.succeededFuture(null);
    }
    byte[] digest = sha256(secret);
    String key = HexFormat.of().formatHex(digest);
    Instant now = clock.instant();
    Cached hit = cache.get(key);
    Future<ApiToken> token;
    if (hit != null && now.isBefore(hit.until())) {
      token = Future.succeededFuture(hit.token());
    } else {
      // Found tokens only: their last use is stamped once per cache period, not on every request.
      token = db.preparedQuery("UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 AND revoked_at IS NULL "
          + "RETURNING " + COLUMNS)
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(digest)))
        .map(rows -> rows.size() == 0 ? null : token(rows.iterator().next()))
        .recover(e -> Users.undefinedTable(e) ? Future.succeededFuture(null)
          // PostgreSQL does not answer: a token this gateway found lately goes on (a revocation is still published).
          : hit != null && cache.get(key) == hit ? Future.succeededFuture(hit.token()) : Future.failedFuture(e))
        .onSuccess(t -> {
          if (t != null) {
            if (cache.size() >= MAX_CACHED) {
              cache.clear();
            }
            cache.put(key, new Cached(t, now.plus(cacheFor)));
          }
        });
    }
    return token.compose(t -> t == null || !t.usableAt(now) ? Future.succeededFuture(null)
      : users.cached(t.username()).map(creator -> t.caller(creator, now)));
  }

  /**
   * A new token for {@code creator} (signed in with a session): its role and scope default to the creator's and may
   * only be narrower.
   *
   * @param role   null for the creator's role
   * @param stores null with {@code cities} null for the creator's scope (following later changes of it)
   */
  public Future<Created> create(Caller creator, String name, Role role, Set<String> stores, Set<String> cities,
                                Integer expiresDays) {
    Role tokenRole = role == null ? creator.role() : role;
    try {
      if (name == null || name.isBlank() || name.length() > MAX_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
        throw new ParameterProblem("name", "a token's name is 1 to " + MAX_NAME + " characters saying what uses it");
      }
      if (expiresDays != null && (expiresDays < 1 || expiresDays > MAX_EXPIRES_DAYS)) {
        throw new ParameterProblem("expires_days", "expires_days is a whole number of days from 1 to " + MAX_EXPIRES_DAYS);
      }
      Scope.check(tokenRole, stores, cities);
      if (tokenRole.seesEveryStore() && (stores != null || cities != null)) {
        throw new ParameterProblem(stores != null ? "stores" : "cities", "an hq token sees every store; to limit it "
          + "to some stores give the role manager or viewer");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (!creator.role().covers(tokenRole)) {
      return Future.failedFuture(new HttpException(403, "a token's role must be yours (" + creator.role().wireName()
        + ") or narrower; " + tokenRole.wireName() + " is not"));
    }
    Access wanted = tokenRole.seesEveryStore() ? Access.EVERY_STORE : stores == null && cities == null
      ? creator.effectiveAccess() : Access.of(stores == null ? Set.of() : stores, cities == null ? Set.of() : cities);
    if (!wanted.within(creator.effectiveAccess())) {
      return Future.failedFuture(new HttpException(403, "a token may see only stores and cities you are assigned"));
    }
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(secretBytes);
    String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    byte[] idBytes = new byte[9];
    RANDOM.nextBytes(idBytes);
    String id = "tok_" + Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
    Instant now = clock.instant();
    Instant expires = expiresDays == null ? null : now.plus(Duration.ofDays(expiresDays));
    return db.preparedQuery("INSERT INTO api_tokens (id, token_hash, username, name, role, stores, cities, expires_at) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + COLUMNS)
      .execute(Tuple.of(id, io.vertx.core.buffer.Buffer.buffer(sha256(secret)), creator.name(), name, tokenRole.wireName())
        .addArrayOfString(Users.array(stores)).addArrayOfString(Users.array(cities))
        .addOffsetDateTime(expires == null ? null : expires.atOffset(ZoneOffset.UTC)))
      .map(rows -> new Created(token(rows.iterator().next()), secret));
  }

  /** The tokens of {@code username}, or every token when it is null; newest first. */
  public Future<List<ApiToken>> list(String username) {
    Future<io.vertx.sqlclient.RowSet<Row>> rows = username == null
      ? db.preparedQuery("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at DESC, id").execute()
      : db.preparedQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE username = $1 ORDER BY created_at DESC, id")
      .execute(Tuple.of(username));
    return rows.map(set -> {
        List<ApiToken> tokens = new ArrayList<>();
        set.forEach(row -> tokens.add(token(row)));
        return tokens;
      })
      .recover(e -> Users.undefinedTable(e) ? Future.succeededFuture(List.of()) : Future.failedFuture(e));
  }

  /** The token with this id; null when there is none. */
  public Future<ApiToken> find(String id) {
    return db.preparedQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE id = $1").execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? null : token(rows.iterator().next()))
      .recover(e -> Users.undefinedTable(e) ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  /** Revokes the token; every gateway refuses it from the next request. Null when there is no such token. */
  public Future<ApiToken> revoke(String id) {
    return db.preparedQuery("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING " + COLUMNS)
      .execute(Tuple.of(id))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        forget(id);
        JsonObject revoked = new JsonObject().put("id", id);
        vertx.eventBus().publish(Addresses.TOKEN_REVOKED, revoked, signatures.sign(Addresses.TOKEN_REVOKED, revoked));
        return token(rows.iterator().next());
      });
  }

  private static ApiToken token(Row row) {
    String[] stores = row.getArrayOfStrings("stores");
    String[] cities = row.getArrayOfStrings("cities");
    return new ApiToken(row.getString("id"), row.getString("username"), row.getString("name"),
      Role.fromWire(row.getString("role")), stores == null ? null : Users.set(stores), cities == null ? null : Users.set(cities),
      Users.instant(row.getOffsetDateTime("created_at")), Users.instant(row.getOffsetDateTime("last_used_at")),
      Users.instant(row.getOffsetDateTime("revoked_at")), Users.instant(row.getOffsetDateTime("expires_at")));
  }

  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
