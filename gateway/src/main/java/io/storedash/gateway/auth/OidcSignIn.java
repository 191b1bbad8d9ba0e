package io.storedash.gateway.auth;

import io.storedash.common.config.OidcConfig;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Single sign-on with an OpenID Connect issuer (authorization code flow with PKCE): {@code GET /api/v1/session/oidc}
 * sends the browser to the issuer, {@code GET /api/v1/session/oidc/callback} takes it back, exchanges the code,
 * checks the id token and hands the identity it names to {@link Establish}, which makes the session; then the browser
 * goes to {@code /}.
 *
 * <p>The issuer is discovered when this is created, off the gateway's start: until discovery succeeds (it is retried,
 * waiting longer each time up to a minute) both routes answer 503. Every refusal is problem+json with a sentence and
 * no session: 401 when the sign-in failed or cannot be trusted, 403 when the issuer vouches for a user StoreDash must
 * not let in (no role).
 *
 * <p>Between the two requests the state, nonce and PKCE verifier live in a signed cookie ({@link SignInCookie})
 * whose key is derived from the client secret: any gateway of the cluster can take the callback.
 */
public final class OidcSignIn {

  /** Makes the session of a user the issuer vouched for; may fail with an {@link OidcRefusal} (a user disabled locally). */
  @FunctionalInterface
  public interface Establish {
    Future<Void> establish(RoutingContext rc, OidcIdentity identity);
  }

  public static final String START_PATH = "/api/v1/session/oidc";
  public static final String CALLBACK_PATH = OidcConfig.CALLBACK_PATH;
  /** Where the browser goes once signed in. */
  static final String SIGNED_IN = "/";
  /** openid for the id token, profile for preferred_username (Keycloak and Azure AD put it there). */
  static final List<String> SCOPES = List.of("openid", "profile");
  /** Clock difference tolerated between the gateway and the issuer when checking the id token's times. */
  static final Duration LEEWAY = Duration.ofSeconds(60);
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LAST_RETRY = Duration.ofSeconds(60);
  private static final Duration ISSUER_TIMEOUT = Duration.ofSeconds(10);
  private static final String RETRY_AFTER_SECONDS = "30";

  private static final Logger LOG = LoggerFactory.getLogger(OidcSignIn.class);

  private final Vertx vertx;
  private final OidcConfig config;
  private final Establish establish;
  private final Clock clock;
  private final OidcClaims claims;
  private final SignInCookie.Key cookieKey;
  private final boolean secureCookie;
  private final String cookiePath;

  private volatile OAuth2Auth issuer;
  private volatile boolean closed;
  private long retryTimer = -1;

  /** Begins discovering the issuer at once; never blocks, never fails the caller: see {@link #ready()}. */
  public OidcSignIn(Vertx vertx, OidcConfig config, Establish establish) {
    this(vertx, config, establish, Clock.systemUTC(), FIRST_RETRY);
  }

  OidcSignIn(Vertx vertx, OidcConfig config, Establish establish, Clock clock, Duration firstRetry) {
    this.vertx = vertx;
    this.config = config;
    this.establish = establish;
    this.clock = clock;
    this.claims = new OidcClaims(config);
    this.cookieKey = SignInCookie.Key.derivedFrom(config.clientSecret());
    URI redirect = URI.create(config.redirectUri());
    // Behind https the browser must never send the cookie in clear; plain http is for a gateway on 127.0.0.1.
    this.secureCookie = "https".equals(redirect.getScheme());
    this.cookiePath = redirect.getPath().substring(0, redirect.getPath().length() - "/callback".length());
    discover(firstRetry);
  }

  /** Mounts {@code GET /api/v1/session/oidc} and {@code GET /api/v1/session/oidc/callback}. */
  public OidcSignIn mount(Router router) {
    router.get(START_PATH).handler(this::start);
    router.get(CALLBACK_PATH).handler(this::callback);
    return this;
  }

  /** Whether the issuer has been discovered: until then single sign-on answers 503. */
  public boolean ready() {
    return issuer != null;
  }

  /** Stops retrying discovery (the gateway is stopping). */
  public void close() {
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
  }

  /** {@code GET /api/v1/session/oidc}: 302 to the issuer's authorization endpoint. */
  public void start(RoutingContext rc) {
    OAuth2Auth auth = issuer;
    if (auth == null) {
      unavailable(rc);
      return;
    }
    SignInCookie signIn = SignInCookie.fresh(clock.instant());
    String location = auth.authorizeURL(new OAuth2AuthorizationURL()
      .setRedirectUri(config.redirectUri())
      .setScopes(SCOPES)
      .setState(signIn.state())
      .setCodeChallenge(signIn.codeChallenge())
      .setCodeChallengeMethod("S256")
      .putAdditionalParameter("nonce", signIn.nonce()));
    rc.response()
      .addCookie(cookie(signIn.seal(cookieKey), SignInCookie.LIFETIME.toSeconds()))
      .putHeader("Cache-Control", "no-store")
      .putHeader("Location", location)
      .setStatusCode(302)
      .end();
  }

  /** {@code GET /api/v1/session/oidc/callback}: the issuer's answer; 302 to {@code /} once the session is made. */
  public void callback(RoutingContext rc) {
    OAuth2Auth auth = issuer;
    if (auth == null) {
      unavailable(rc);
      return;
    }
    Cookie sent = rc.request().getCookie(SignInCookie.NAME);
    // One use only, whatever the outcome: a replayed callback finds no cookie.
    rc.response().addCookie(cookie("", 0));
    Future.<Void>succeededFuture()
      .compose(v -> exchange(rc, auth, sent == null ? null : sent.getValue()))
      .map(idToken -> claims.identity(idToken.getMap()))
      .compose(identity -> establish.establish(rc, identity).map(identity))
      .onSuccess(identity -> {
        LOG.info("single sign-on: {} signed in as {}", identity.username(), identity.role().wireName());
        if (!rc.response().ended()) {
          rc.response().putHeader("Cache-Control", "no-store").putHeader("Location", SIGNED_IN).setStatusCode(302).end();
        }
      })
      .onFailure(e -> refuse(rc, e));
  }

  /** The verified claims of the id token the issuer gives for this callback's code. */
  private Future<JsonObject> exchange(RoutingContext rc, OAuth2Auth auth, String cookieValue) {
    String error = rc.queryParams().get("error");
    if (error != null) {
      String description = rc.queryParams().get("error_description");
      throw OidcRefusal.unauthorized("the single sign-on issuer refused the sign-in (" + Problems.shown(error)
        + (description == null ? "" : ": " + Problems.shown(description)) + ")");
    }
    Instant now = clock.instant();
    SignInCookie signIn = SignInCookie.open(cookieValue, cookieKey, now).orElseThrow(() -> OidcRefusal.unauthorized(
      "this sign-in was not started in this browser in the last " + SignInCookie.LIFETIME.toMinutes()
        + " minutes (its cookie is missing, expired or altered): start again at " + START_PATH));
    String state = rc.queryParams().get("state");
    if (state == null || !constantTimeEquals(state, signIn.state())) {
      throw OidcRefusal.unauthorized("the issuer's answer does not match the sign-in started in this browser (wrong "
        + "state): start again at " + START_PATH);
    }
    String code = rc.queryParams().get("code");
    if (code == null || code.isBlank()) {
      throw OidcRefusal.unauthorized("the issuer's answer carries no authorization code: start again at " + START_PATH);
    }
    return auth.authenticate(new Oauth2Credentials()
        .setFlow(OAuth2FlowType.AUTH_CODE)
        .setCode(code)
        .setRedirectUri(config.redirectUri())
        .setCodeVerifier(signIn.verifier()))
      .recover(e -> {
        LOG.warn("single sign-on: the issuer {} did not exchange the code: {}", config.issuer(), e.getMessage());
        String message = String.valueOf(e.getMessage());
        return Future.failedFuture(message.contains("expired")
          ? expired()
          : OidcRefusal.unauthorized("the single sign-on issuer did not accept this sign-in's code (used already, "
            + "or expired): start again at " + START_PATH));
      })
      .map(user -> verifiedIdToken(user, signIn.nonce(), now));
  }

  /**
   * The library verifies the id token's signature, issuer and audience, but drops a token that fails them without a
   * word; its expiry and nonce are checked here.
   */
  private JsonObject verifiedIdToken(User user, String nonce, Instant now) {
    JsonObject idToken = user.attributes().getJsonObject("idToken");
    if (idToken == null) {
      throw whyUnverified(user.principal().getString("id_token"));
    }
    Long exp = idToken.getLong("exp");
    if (exp == null || Instant.ofEpochSecond(exp).plus(LEEWAY).isBefore(now)) {
      throw expired();
    }
    if (!constantTimeEquals(String.valueOf(idToken.getValue("nonce")), nonce)) {
      throw OidcRefusal.unauthorized("the id token was not issued for the sign-in started in this browser (wrong "
        + "nonce): start again at " + START_PATH);
    }
    return idToken;
  }

  /**
   * A sentence for an id token the library refused. Its claims are read here without checking the signature, only to
   * say which check failed; nothing from them is trusted.
   */
  private OidcRefusal whyUnverified(String idToken) {
    if (idToken == null) {
      return OidcRefusal.unauthorized("the single sign-on issuer returned no id token: its client must allow the "
        + "openid scope");
    }
    JsonObject claims = unverifiedClaims(idToken);
    Object aud = claims.getValue("aud");
    JsonArray audience = aud instanceof JsonArray a ? a : new JsonArray().add(aud);
    if (!audience.contains(config.clientId())) {
      return OidcRefusal.unauthorized("the id token was issued for another client (audience "
        + Problems.shown(audience.encode()) + "), not for OIDC_CLIENT_ID '" + config.clientId() + "'");
    }
    if (!config.issuer().equals(claims.getString("iss"))) {
      return OidcRefusal.unauthorized("the id token comes from another issuer ("
        + Problems.shown(String.valueOf(claims.getValue("iss"))) + "), not from OIDC_ISSUER " + config.issuer());
    }
    if (claims.containsKey("azp") && !config.clientId().equals(claims.getValue("azp"))) {
      return OidcRefusal.unauthorized("the id token was obtained by another client (azp), not by OIDC_CLIENT_ID '"
        + config.clientId() + "'");
    }
    return OidcRefusal.unauthorized("the id token's signature does not match the issuer's published keys");
  }

  private static JsonObject unverifiedClaims(String jwt) {
    String[] parts = jwt.split("\\.");
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static OidcRefusal expired() {
    return OidcRefusal.unauthorized("the id token has expired (the gateway allows " + LEEWAY.toSeconds() + " s of "
      + "clock difference with the issuer): start again at " + START_PATH + ", and check both clocks if it happens again");
  }

  private void refuse(RoutingContext rc, Throwable e) {
    if (e instanceof OidcRefusal refusal) {
      LOG.info("single sign-on refused ({}): {}", refusal.status(), refusal.getMessage());
      Problems.send(rc.response(), refusal.status(), refusal.getMessage(), rc.request().path());
    } else {
      LOG.error("single sign-on failed on the gateway", e);
      Problems.send(rc.response(), 500, "signing in failed on the gateway; its log has the details", rc.request().path());
    }
  }

  private void unavailable(RoutingContext rc) {
    rc.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
    Problems.send(rc.response(), 503, "single sign-on is unavailable: the issuer " + config.issuer() + " has not "
      + "answered yet; try again in a minute, or sign in with a password", rc.request().path());
  }

  private Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(SignInCookie.NAME, value)
      .setPath(cookiePath)
      .setHttpOnly(true)
      // Lax: the browser sends it on the issuer's top-level redirect back to the callback, not on cross-site posts.
      .setSameSite(CookieSameSite.LAX)
      .setSecure(secureCookie)
      .setMaxAge(maxAgeSeconds);
  }

  private void discover(Duration wait) {
    if (closed) {
      return;
    }
    OAuth2Options options = new OAuth2Options()
      .setSite(config.issuer())
      .setClientId(config.clientId())
      .setClientSecret(config.clientSecret())
      .setJWTOptions(new JWTOptions().setLeeway((int) LEEWAY.toSeconds()))
      .setHttpClientOptions(new HttpClientOptions()
        .setConnectTimeout((int) ISSUER_TIMEOUT.toMillis())
        .setIdleTimeout((int) ISSUER_TIMEOUT.toSeconds()));
    OpenIDConnectAuth.discover(vertx, options)
      .onSuccess(auth -> {
        // The issuer rotates its signing keys: fetch them again when a token names one not seen yet.
        auth.missingKeyHandler(kid -> auth.jWKSet().onFailure(e ->
          LOG.warn("single sign-on: cannot fetch the keys of {} for key id {}: {}", config.issuer(), kid, e.getMessage())));
        issuer = auth;
        LOG.info("single sign-on: issuer {} discovered, client {}", config.issuer(), config.clientId());
      })
      .onFailure(e -> {
        Duration next = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
        LOG.warn("single sign-on: cannot discover the issuer {} ({}); answering 503 and retrying in {} ms",
          config.issuer(), e.getMessage(), wait.toMillis());
        if (!closed) {
          retryTimer = vertx.setTimer(wait.toMillis(), id -> discover(next));
        }
      });
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
