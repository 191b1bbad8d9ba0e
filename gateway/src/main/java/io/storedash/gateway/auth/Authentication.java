package io.storedash.gateway.auth;

import io.storedash.gateway.http.AdminToken;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.HttpException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Who sends a request: the {@code Authorization: Bearer} token (the configured ADMIN_TOKEN, which is
 * {@link Caller#breakGlass()}, or an API token), else the session cookie. The {@link Caller} is put on the routing
 * context; a request without one is refused 401 unless its route is public. A session-authenticated request that
 * changes something must carry the session's CSRF token in {@value Sessions#CSRF_HEADER}; a bearer token needs
 * none (a browser never sends it on its own).
 */
public final class Authentication implements Handler<RoutingContext> {

  public static final String SIGN_IN_PATH = "/api/v1/session";
  /** What anyone may call: sign-in (and its single sign-on steps), the redacted monitor, the load-test baseline. */
  static final Set<String> PUBLIC = Set.of(SIGN_IN_PATH, SIGN_IN_PATH + "/oidc", SIGN_IN_PATH + "/oidc/callback",
    "/api/v1/monitor", "/api/v1/monitor/stream", "/api/v1/bench/constant");
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final AdminToken adminToken;
  private final ApiTokens tokens;
  private final Users users;
  private final Sessions sessions;

  public Authentication(AdminToken adminToken, ApiTokens tokens, Users users, Sessions sessions) {
    this.adminToken = adminToken;
    this.tokens = tokens;
    this.users = users;
    this.sessions = sessions;
  }

  /** Adds the challenge a 401 carries. */
  public static void challenge(RoutingContext rc) {
    rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"storedash\"");
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    String authorization = request.getHeader("Authorization");
    if (authorization != null) {
      String token = AdminToken.bearer(authorization);
      if (token == null) {
        refuse(rc, "the Authorization header must be 'Bearer <token>' (an API token or the admin token)");
        return;
      }
      if (adminToken.matches(token)) {
        rc.put(Caller.KEY, Caller.breakGlass());
        rc.next();
        return;
      }
      async(rc, tokens.authenticate(token), caller -> {
        if (caller == null) {
          refuse(rc, "the bearer token is not valid (unknown, revoked, expired, or wider than its owner may now have)");
          return;
        }
        rc.put(Caller.KEY, caller);
        rc.next();
      });
      return;
    }
    if (request.getCookie(Sessions.COOKIE) == null) {
      anonymous(rc);
      return;
    }
    async(rc, sessions.signedIn(rc).compose(session -> session == null ? Future.succeededFuture(null)
      : users.cached(session.get(Sessions.USERNAME)).map(user -> new SignedIn(session, user))), signedIn -> {
      if (signedIn == null) {
        anonymous(rc);
        return;
      }
      User user = signedIn.user();
      if (user == null || user.disabled()) {
        // Deleted or disabled since sign-in: the session ends now, on every gateway.
        rc.put(Sessions.ENDED_KEY, user == null ? "your user no longer exists" : "your user is disabled; ask an hq user");
        rc.remove(Sessions.SESSION_KEY);
        sessions.end(signedIn.session()).onComplete(ar -> anonymous(rc));
        return;
      }
      rc.put(Caller.KEY, user.caller(Caller.Via.SESSION));
      if (needsCsrf(request) && !csrfMatches(request.getHeader(Sessions.CSRF_HEADER), Sessions.csrf(signedIn.session()))) {
        rc.fail(403, new HttpException(403, "missing or wrong CSRF token: send the csrf_token of GET " + SIGN_IN_PATH
          + " in the " + Sessions.CSRF_HEADER + " header"));
        return;
      }
      rc.next();
    });
  }

  private record SignedIn(Session session, User user) {
  }

  /** Runs the rest of the request once {@code lookup} completes, the request's body held back meanwhile. */
  private static <T> void async(RoutingContext rc, Future<T> lookup, Handler<T> then) {
    HttpServerRequest request = rc.request();
    boolean paused = !request.isEnded();
    if (paused) {
      request.pause();
    }
    lookup.onComplete(ar -> {
      if (paused) {
        request.resume();
      }
      if (ar.failed()) {
        rc.fail(503, new HttpException(503, "sign-in is unavailable for a moment (its database or Redis does not "
          + "answer); retry shortly"));
        return;
      }
      then.handle(ar.result());
    });
  }

  /** State-changing methods, except signing in (there is no session, hence no token, yet). */
  private static boolean needsCsrf(HttpServerRequest request) {
    return !SAFE.contains(request.method())
      && !(request.method() == HttpMethod.POST && SIGN_IN_PATH.equals(request.path()));
  }

  static boolean csrfMatches(String sent, String expected) {
    if (sent == null || expected == null) {
      return false;
    }
    return MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static void anonymous(RoutingContext rc) {
    if (PUBLIC.contains(rc.request().path())) {
      rc.next();
      return;
    }
    String ended = rc.get(Sessions.ENDED_KEY);
    refuse(rc, ended != null ? ended : rc.request().path().equals("/metrics")
      ? "metrics on this port: this route needs Authorization: Bearer <token> of hq or ops, or the admin token; the "
      + "management port (MANAGEMENT_PORT) serves them without"
      : "this route needs Authorization: Bearer <token> or a signed-in session (POST " + SIGN_IN_PATH + ")");
  }

  private static void refuse(RoutingContext rc, String detail) {
    challenge(rc);
    boolean metrics = rc.request().path().equals("/metrics");
    rc.fail(401, new HttpException(401, metrics && !detail.contains("MANAGEMENT_PORT")
      ? detail + "; the management port (MANAGEMENT_PORT) serves metrics without" : detail));
  }
}
