package io.storedash.gateway.auth;

import io.storedash.common.Addresses;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.config.SignInPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.ext.web.sstore.redis.RedisSessionStore;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Sessions in Redis ({@link RedisSessionStore}), shared by every gateway. A session holds only the user name, when
 * and how it signed in, when it was last used and its CSRF token; the role and stores are read from the users
 * table on each request (through {@link Users#cached}).
 *
 * <p>The {@link SessionHandler} runs only on {@code /api/v1/session}, where sessions are created (with a new id)
 * and destroyed. Every other request reads its session straight from the store ({@link #signedIn}): the handler
 * would write the session back after every request that looked at it, and a dashboard's parallel requests would
 * then race on the store's version check. Reading refreshes the store's idle expiry (the store's GET does); the
 * last use is written at most once a minute, for the idle check against this gateway's clock.
 *
 * <p>While Redis does not answer, a session this gateway served lately is served from its memory (with the same
 * expiry checks; its user is still read from PostgreSQL), so that a Redis outage costs the cache, not every
 * signed-in dashboard. A session signed out is forgotten by every gateway at once (published), so the memory never
 * revives it; signing in needs Redis.
 */
public final class Sessions {

  public static final String COOKIE = "storedash_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  static final String USERNAME = "username";
  static final String SIGNED_IN_AT = "signed_in_at";
  static final String LAST_SEEN = "last_seen";
  static final String CSRF = "csrf";
  static final String HOW = "how";
  /** The routing-context key of the session {@link #signedIn} found. */
  static final String SESSION_KEY = "storedash.session";
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Sessions remembered for an outage at most: a few MB. */
  private static final int MAX_REMEMBERED = 20_000;
  private static final Pattern SESSION_ID = Pattern.compile("[0-9A-Fa-f]{32,256}");

  private final SessionStore store;
  private final SessionHandler handler;
  private final SignInPolicy policy;
  private final Clock clock;
  private final long touchEveryMillis;
  private final Vertx vertx;
  private final MessageSignatures signatures;
  /** Sessions this gateway served lately, by id: what it answers with while Redis does not. */
  private final Map<String, Remembered> recent = new ConcurrentHashMap<>();

  /**
   * A session this gateway read from Redis lately, and when. Within {@link #CONFIRM_EVERY_MS} of that read it is
   * served from here without asking Redis again: a signed-in dashboard then costs no more than a token (the per-request
   * Redis read halved the cached mix's throughput). A session that ends anywhere is published and forgotten here at
   * once; one that Redis lost by itself (evicted) is served for at most that long more.
   */
  private record Remembered(Session session, long confirmedAt) {
  }

  /** How long a session read from Redis is trusted without reading it again. */
  static final long CONFIRM_EVERY_MS = 5_000;

  public Sessions(Vertx vertx, MessageSignatures signatures, Redis redis, SignInPolicy policy, Clock clock) {
    this.signatures = signatures;
    // No retry: a session that is not in Redis is gone (the default waits for a clustered map to catch up).
    this.vertx = vertx;
    this.store = RedisSessionStore.create(vertx, 0, redis);
    this.policy = policy;
    this.clock = clock;
    this.touchEveryMillis = Math.min(Duration.ofMinutes(1).toMillis(), policy.idleTimeout().toMillis() / 10);
    this.handler = SessionHandler.create(store)
      .setSessionCookieName(COOKIE)
      .setSessionCookiePath("/")
      .setCookieHttpOnlyFlag(true)
      .setCookieSameSite(CookieSameSite.LAX)
      .setCookieSecureFlag(policy.cookieSecure())
      .setSessionTimeout(policy.idleTimeout().toMillis())
      // No session is stored for a request that does not sign in.
      .setLazySession(true)
      .setNagHttps(false);
  }

  /** The handler of {@code /api/v1/session}. */
  public SessionHandler handler() {
    return handler;
  }

  /** Why the request's session cookie names no signed-in session, for the 401; null when it does or there is none. */
  static final String ENDED_KEY = "storedash.session-ended";

  /**
   * The signed-in session the request's cookie names, or null: no cookie, no such session, or one past its idle or
   * absolute expiry (then it is deleted, and {@link #ENDED_KEY} says why).
   */
  Future<Session> signedIn(RoutingContext rc) {
    Cookie cookie = rc.request().getCookie(COOKIE);
    if (cookie == null || !isSessionId(cookie.getValue())) {
      return Future.succeededFuture(null);
    }
    String id = cookie.getValue();
    Remembered fresh = recent.get(id);
    if (fresh != null && clock.millis() - fresh.confirmedAt() < CONFIRM_EVERY_MS) {
      return check(rc, fresh.session(), true, false);
    }
    return store.get(id).transform(read -> {
      if (read.failed()) {
        // Redis does not answer: a session this gateway saw lately goes on, so the dashboard keeps working.
        Remembered known = recent.get(id);
        if (known == null) {
          return Future.failedFuture(read.cause());
        }
        LOG.debug("Redis unavailable ({}): session of {} served from this gateway's memory", read.cause().getMessage(),
          known.session().<String>get(USERNAME));
        return check(rc, known.session(), false, false);
      }
      Session session = read.result();
      if (session == null || !(session.get(USERNAME) instanceof String)) {
        recent.remove(id);
        rc.put(ENDED_KEY, "your session has ended; sign in again");
        return Future.succeededFuture(null);
      }
      return check(rc, session, true, true);
    });
  }

  /**
   * The session if it is neither too old nor idle too long, else null (and it is forgotten, and deleted from Redis
   * when {@code stored}); a session in use has its last use written at most once per {@link #touchEveryMillis}, and
   * the request waits for that write (once a minute at most): written on the side, a next request's read on another
   * Redis connection could overtake it, and its own write then lose to the version check, so that the last use in
   * Redis stayed old and a busy session ended as idle.
   */
  private Future<Session> check(RoutingContext rc, Session session, boolean stored, boolean justRead) {
    long now = clock.millis();
    long signedInAt = number(session.get(SIGNED_IN_AT));
    long lastSeen = number(session.get(LAST_SEEN));
    String ended = now - signedInAt >= policy.maxAge().toMillis()
      ? "your session is older than " + describe(policy.maxAge()) + "; sign in again"
      : now - lastSeen >= policy.idleTimeout().toMillis()
      ? "your session was idle for more than " + describe(policy.idleTimeout()) + "; sign in again"
      : null;
    if (ended != null) {
      rc.put(ENDED_KEY, ended);
      recent.remove(session.id());
      if (stored) {
        store.delete(session.id()).onFailure(e -> LOG.debug("ended session not deleted: {}", e.getMessage()));
      }
      return Future.succeededFuture(null);
    }
    rc.put(SESSION_KEY, session);
    if (justRead) {
      remember(session, now);
    }
    if (now - lastSeen >= touchEveryMillis) {
      session.put(LAST_SEEN, now);
      if (stored) {
        // A parallel request may have touched it first (the store's version check): either write will do.
        return store.put(session)
          .recover(e -> {
            LOG.debug("session last use not written: {}", e.getMessage());
            return Future.succeededFuture();
          })
          .map(session);
      }
    }
    return Future.succeededFuture(session);
  }

  /** Keeps a session this gateway served, for a Redis outage; a bounded map, started afresh when full. */
  private void remember(Session session, long readAt) {
    if (recent.size() >= MAX_REMEMBERED && !recent.containsKey(session.id())) {
      recent.clear();
    }
    recent.put(session.id(), new Remembered(session, readAt));
  }

  /** Forgets a session that ended on another gateway (published on {@link io.storedash.common.Addresses#SESSION_ENDED}). */
  public void forget(String id) {
    recent.remove(id);
  }

  /**
   * Signs the request's session in as {@code username}: a new session id (the one the browser had is deleted), a new
   * CSRF token. Completes once the session is in Redis, so that any gateway knows it when the answer arrives.
   */
  Future<Session> signIn(RoutingContext rc, String username, String how) {
    Session session = rc.session();
    // The id the browser had is deleted from Redis by the regeneration; every gateway forgets it too.
    ended(session.id());
    session.regenerateId();
    for (String key : new String[] {USERNAME, SIGNED_IN_AT, LAST_SEEN, CSRF, HOW}) {
      session.remove(key);
    }
    long now = clock.millis();
    byte[] csrf = new byte[32];
    RANDOM.nextBytes(csrf);
    session.put(USERNAME, username)
      .put(SIGNED_IN_AT, now)
      .put(LAST_SEEN, now)
      .put(CSRF, Base64.getUrlEncoder().withoutPadding().encodeToString(csrf))
      .put(HOW, how);
    return handler.flush(rc).map(session);
  }

  /** Destroys the request's session in Redis; completes once it is gone, so that no gateway accepts it any more. */
  Future<Void> signOut(RoutingContext rc) {
    Session session = rc.session();
    if (session == null) {
      return Future.succeededFuture();
    }
    String id = session.id();
    ended(id);
    session.destroy();
    return handler.flush(rc);
  }

  /** Every gateway forgets the session, so that none serves it from memory during a Redis outage. */
  private void ended(String id) {
    recent.remove(id);
    JsonObject ended = new JsonObject().put("id", id);
    vertx.eventBus().publish(Addresses.SESSION_ENDED, ended, signatures.sign(Addresses.SESSION_ENDED, ended));
  }

  /**
   * Whether a cookie's value can be a session id as the store makes them (hex). The id is the session's Redis key
   * itself: any other value could name a cache entry or a lockout counter, whose expiry the store's read would move.
   */
  static boolean isSessionId(String value) {
    return value != null && SESSION_ID.matcher(value).matches();
  }

  /**
   * Drops a session cookie whose value cannot be a session id before the {@link SessionHandler} reads the store with
   * it; the handler then starts a new session, as for no cookie.
   */
  void dropForeignCookie(RoutingContext rc) {
    Cookie cookie = rc.request().getCookie(COOKIE);
    if (cookie != null && !isSessionId(cookie.getValue())) {
      rc.response().removeCookie(COOKIE, false);
    }
    rc.next();
  }

  /** Deletes a session from Redis (its user was disabled or deleted). */
  Future<Void> end(Session session) {
    ended(session.id());
    return store.delete(session.id());
  }

  static String csrf(Session session) {
    return session.get(CSRF);
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  static String describe(Duration duration) {
    long minutes = duration.toMinutes();
    return minutes >= 60 && minutes % 60 == 0 ? minutes / 60 + " h" : minutes >= 1 ? minutes + " min" : duration.toSeconds() + " s";
  }
}
