package io.storedash.gateway.auth;

import io.storedash.common.Addresses;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.redis.RedisClients;
import io.storedash.common.redis.RedisEndpoints;
import io.storedash.gateway.http.AdminToken;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Sign-in as the gateway wires it: the users, API tokens and audit log in PostgreSQL (a small pool of the gateway's
 * own), sessions and lockout counters in Redis, the {@link Authentication} handler, and the routes of
 * {@code /api/v1/session}, {@code /api/v1/admin/users}, {@code /api/v1/admin/audit} and {@code /api/v1/tokens}.
 */
public final class SignIn {

  public static final String SESSION_PATH = Authentication.SIGN_IN_PATH;
  public static final String USERS_PATH = "/api/v1/admin/users";
  public static final String AUDIT_PATH = "/api/v1/admin/audit";
  public static final String TOKENS_PATH = "/api/v1/tokens";
  /** The body limit of the sign-in routes: a few small JSON members. */
  public static final long BODY_LIMIT = 16 * 1024;
  /** The requests here that carry a body, as {@link io.storedash.gateway.http.RequestBodies} takes them. */
  public static final Set<String> BODY_ROUTES = Set.of("POST " + SESSION_PATH, "POST " + USERS_PATH,
    "PATCH " + USERS_PATH + "/*", "POST " + TOKENS_PATH);
  /** Connections of the gateway's pool: sign-in, token look-ups (cached) and audit rows are few and short. */
  static final int POOL_SIZE = 4;
  /** How long a user or token read for a request is reused; changes are also published to every gateway. */
  static final Duration CACHE_FOR = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Pool pool;
  private final Redis redis;
  private final Users users;
  private final ApiTokens tokens;
  private final Audit audit;
  private final Sessions sessions;
  private final Authentication authentication;
  private final SessionRoutes sessionRoutes;
  private final UserRoutes userRoutes;
  private final TokenRoutes tokenRoutes;
  private final OidcSessions oidcSessions;
  private MessageConsumer<JsonObject> userChanges;
  private MessageConsumer<JsonObject> revocations;
  private MessageConsumer<JsonObject> endedSessions;

  /** @param signatures sign the changes this gateway publishes, and check those the others publish */
  public SignIn(Vertx vertx, MessageSignatures signatures, StoreDashConfig config, AdminToken adminToken, Clock clock) {
    this.vertx = vertx;
    this.signatures = signatures;
    int timeout = (int) config.requestTimeout().toMillis();
    this.pool = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(POOL_SIZE).setShared(true).setName("storedash-gateway-sign-in")
        .setConnectionTimeout(timeout).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
      .with(new NetClientOptions().setConnectTimeout(timeout))
      .connectingTo(PgConnectOptions.fromUri(config.pgUrlOrDefault()).setCachePreparedStatements(true))
      .using(vertx)
      .build();
    RedisOptions options = RedisClients.options(RedisEndpoints.parse(config.redisUrlOrDefault()))
      .setMaxPoolSize(8).setMaxPoolWaiting(512);
    options.getNetClientOptions().setConnectTimeout(timeout);
    this.redis = Redis.createClient(vertx, options);
    this.users = new Users(vertx, signatures, pool, clock, CACHE_FOR);
    this.tokens = new ApiTokens(vertx, signatures, pool, users, clock, CACHE_FOR);
    this.audit = new Audit(pool);
    this.sessions = new Sessions(vertx, signatures, redis, config.signIn(), clock);
    Lockout lockout = new Lockout(RedisAPI.api(redis), config.signIn());
    this.authentication = new Authentication(adminToken, tokens, users, sessions);
    this.sessionRoutes = new SessionRoutes(users, sessions, lockout, audit, config.oidc().isPresent());
    this.oidcSessions = new OidcSessions(users, sessions, audit);
    this.userRoutes = new UserRoutes(users, audit);
    this.tokenRoutes = new TokenRoutes(tokens, audit);
  }

  /**
   * Listens for user changes, token revocations and ended sessions on any gateway; completes once the consumers are
   * registered.
   */
  public Future<Void> start() {
    // Signed: a forged "session ended" would sign a user out, a forged "user changed" make every gateway read again.
    userChanges = vertx.eventBus().consumer(Addresses.USER_CHANGED,
      signatures.verified(Addresses.USER_CHANGED, msg -> users.forget(msg.body().getString("username"))));
    revocations = vertx.eventBus().consumer(Addresses.TOKEN_REVOKED,
      signatures.verified(Addresses.TOKEN_REVOKED, msg -> tokens.forget(msg.body().getString("id"))));
    endedSessions = vertx.eventBus().consumer(Addresses.SESSION_ENDED,
      signatures.verified(Addresses.SESSION_ENDED, msg -> sessions.forget(msg.body().getString("id"))));
    return Future.all(userChanges.completion(), revocations.completion(), endedSessions.completion()).mapEmpty();
  }

  /** The handler that puts the {@link Caller} on every {@code /api/v1/*} request (and refuses those that need one). */
  public Handler<RoutingContext> authentication() {
    return authentication;
  }

  /** The users store (for the standalone's first admin, see {@link Users#ensureAdmin}). */
  public Users users() {
    return users;
  }

  /**
   * What makes the session once the single sign-on issuer vouched for a user, for {@link OidcSignIn}: the user
   * created or updated from the identity, then signed in as with a password.
   */
  public OidcSignIn.Establish singleSignOn() {
    return oidcSessions;
  }

  /** The audit log, for the routes that record their actions (imports, channels, cache admin). */
  public Audit audit() {
    return audit;
  }

  /**
   * Mounts the session handler where sessions are made and ended: {@code /api/v1/session} and the single sign-on
   * callback. It comes before the authentication handler, which the caller mounts on {@code /api/v1/*} after this.
   */
  public void mountSessionHandler(Router router) {
    // Signing in and out only: GET /api/v1/session reads the session as every other route does, also during an
    // outage of Redis. Two routes each: Vert.x Web puts a platform handler before user handlers on one route.
    for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.DELETE)) {
      router.route(method, SESSION_PATH).handler(sessions::dropForeignCookie);
      router.route(method, SESSION_PATH).handler(sessions.handler());
    }
    // Single sign-on's callback signs in too.
    router.get(OidcSignIn.CALLBACK_PATH).handler(sessions::dropForeignCookie);
    router.get(OidcSignIn.CALLBACK_PATH).handler(sessions.handler());
    // The session handler fails with Redis's own error when Redis does not answer: a 503, not a bug.
    router.route(SESSION_PATH).failureHandler(rc -> {
      Throwable failure = rc.failure();
      if (failure == null || failure instanceof HttpException || failure instanceof IllegalArgumentException) {
        rc.next();
        return;
      }
      rc.fail(503, new HttpException(503, "sign-in is unavailable for a moment (its database or Redis does not answer); "
        + "retry shortly"));
    });
  }

  /** Mounts the routes; the authentication handler runs before them. */
  public void mount(Router router) {
    BodyHandler json = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router.post(SESSION_PATH).handler(json).handler(sessionRoutes::signIn);
    router.get(SESSION_PATH).handler(sessionRoutes::whoAmI);
    router.delete(SESSION_PATH).handler(sessionRoutes::signOut);

    Handler<RoutingContext> hq = Guard.require("user management and the audit log", "hq", Role::administers);
    // The role is checked on a route of its own: Vert.x Web puts a body handler first on any route it is on.
    router.post(USERS_PATH).handler(hq);
    router.post(USERS_PATH).handler(json).handler(userRoutes::create);
    router.get(USERS_PATH).handler(hq).handler(userRoutes::list);
    router.get(USERS_PATH + "/:username").handler(hq).handler(userRoutes::get);
    router.patch(USERS_PATH + "/:username").handler(hq);
    router.patch(USERS_PATH + "/:username").handler(json).handler(userRoutes::change);
    router.delete(USERS_PATH + "/:username").handler(hq).handler(userRoutes::delete);
    router.get(AUDIT_PATH).handler(hq).handler(userRoutes::audit);

    Handler<RoutingContext> signedIn = Guard.require("API tokens", "hq, manager, viewer or ops", role -> true);
    router.post(TOKENS_PATH).handler(signedIn);
    router.post(TOKENS_PATH).handler(json).handler(tokenRoutes::create);
    router.get(TOKENS_PATH).handler(signedIn).handler(tokenRoutes::list);
    router.delete(TOKENS_PATH + "/:id").handler(signedIn).handler(tokenRoutes::revoke);
  }

  public Future<Void> close() {
    Future<Void> consumers = Future.all(userChanges == null ? Future.succeededFuture() : userChanges.unregister(),
      revocations == null ? Future.succeededFuture() : revocations.unregister(),
      endedSessions == null ? Future.succeededFuture() : endedSessions.unregister()).mapEmpty();
    return consumers.eventually(pool::close).eventually(() -> {
      redis.close();
      return Future.succeededFuture();
    });
  }
}
