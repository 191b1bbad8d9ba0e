package io.storedash.gateway;

import io.storedash.common.config.OidcConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.auth.OidcSignIn;
import io.storedash.gateway.auth.SignInCookie;
import io.storedash.gateway.auth.TestIssuer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.storedash.gateway.auth.TestIssuer.CLIENT_ID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single sign-on through the real gateway (embedded PostgreSQL and Redis, a mock OpenID Connect issuer on
 * 127.0.0.1): the browser's part of the code flow is a WebClient following each redirect by hand. What is checked is
 * what a user and an hq user would see: the session the cookie gives, the users row, the audit log, and the refusals
 * that must leave no session behind.
 */
class OidcGatewayTest {

  private static TestIssuer issuer;
  private static StandIns gateway;
  private static WebClient browser;
  private String prefix;

  /** A signed-in browser: its session cookie and the CSRF token GET /api/v1/session gave. */
  record Browser(String cookie, String csrf, JsonObject session) {
  }

  @BeforeAll
  static void start() throws IOException {
    issuer = TestIssuer.start();
    int port = TestStorage.freePort();
    gateway = StandIns.withSignIn(Map.of("HTTP_PORT", String.valueOf(port),
      "OIDC_ISSUER", issuer.issuerUrl(),
      "OIDC_CLIENT_ID", CLIENT_ID,
      "OIDC_CLIENT_SECRET", TestIssuer.CLIENT_SECRET,
      "OIDC_REDIRECT_URI", "http://127.0.0.1:" + port + OidcConfig.CALLBACK_PATH), null);
    browser = WebClient.create(gateway.vertx, new WebClientOptions().setFollowRedirects(false));
    HttpResponse<Buffer> ready = Eventually.poll(Duration.ofSeconds(20), () -> gateway.anonymous(OidcSignIn.START_PATH),
      r -> r.statusCode() != 503);
    assertThat(ready.statusCode()).as("the issuer discovered: " + ready.bodyAsString()).isEqualTo(302);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @BeforeEach
  void names() {
    prefix = "o" + UUID.randomUUID().toString().substring(0, 8) + ".";
  }

  @Test
  void aManagerSignedInByTheIssuerGetsASessionWithTheirStoresAndCsrfLikeAPasswordSignIn() {
    String name = prefix + "li.wei";
    HttpResponse<Buffer> callback = signInAs(name, Map.of("storedash_role", "manager",
      "storedash_stores", List.of("S002", "S001")));

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(302);
    assertThat(callback.getHeader("Location")).isEqualTo("/");
    Browser signedIn = browserOf(callback);
    assertThat(signedIn.session()).isEqualTo(new JsonObject().put("user", name).put("role", "manager")
      .put("stores", new JsonArray().add("S001").add("S002")).put("cities", new JsonArray())
      .put("csrf_token", signedIn.csrf()));
    assertThat(signedIn.csrf()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(SignInTest.setCookie(callback)).contains("; Path=/").containsIgnoringCase("HTTPOnly").contains("SameSite=Lax");

    // The session works on the API as a password sign-in's does: reads with the cookie, changes only with the token.
    assertThat(as(signedIn, HttpMethod.GET, "/api/v1/stores/S001/overview", null, false).statusCode()).isEqualTo(200);
    assertThat(as(signedIn, HttpMethod.GET, "/api/v1/stores/S003/overview", null, false).statusCode()).isEqualTo(404);
    JsonObject tokenRequest = new JsonObject().put("name", "laptop");
    HttpResponse<Buffer> forged = as(signedIn, HttpMethod.POST, "/api/v1/tokens", tokenRequest, false);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(StandIns.problem(forged).getString("detail")).contains("CSRF");
    assertThat(as(signedIn, HttpMethod.POST, "/api/v1/tokens", tokenRequest, true).statusCode()).isEqualTo(201);

    JsonObject row = user(name).bodyAsJsonObject();
    assertThat(row.getString("source")).isEqualTo("oidc");
    assertThat(row.getBoolean("has_password")).isFalse();
    assertThat(row.getString("role")).isEqualTo("manager");
    assertThat(row.getBoolean("disabled")).isFalse();
    assertThat(auditOf(name)).first().satisfies(entry -> {
      assertThat(entry.getString("action")).isEqualTo("sign_in");
      assertThat(entry.getString("actor")).isEqualTo(name);
      assertThat(entry.getJsonObject("detail")).isEqualTo(new JsonObject().put("how", "oidc"));
    });

    // Signing out ends it as for any session.
    assertThat(as(signedIn, HttpMethod.DELETE, "/api/v1/session", null, true).statusCode()).isEqualTo(204);
    assertThat(as(signedIn, HttpMethod.GET, "/api/v1/session", null, false).statusCode()).isEqualTo(401);
  }

  @Test
  void theIssuerDecidesTheRoleAndStoresAtEverySignInAndLiveSessionsFollowAtOnce() {
    String name = prefix + "zhang.min";
    Browser first = browserOf(signInAs(name, Map.of("storedash_role", "manager", "storedash_stores", "S001,S002")));
    assertThat(first.session().getString("role")).isEqualTo("manager");

    Browser second = browserOf(signInAs(name, Map.of("storedash_role", "viewer", "storedash_stores", List.of("S003"),
      "storedash_cities", List.of("Hangzhou"))));

    assertThat(second.cookie()).isNotEqualTo(first.cookie());
    assertThat(second.session().getString("role")).isEqualTo("viewer");
    assertThat(second.session().getJsonArray("stores")).containsExactly("S003");
    assertThat(second.session().getJsonArray("cities")).containsExactly("Hangzhou");
    // The first session is the same user: its role and stores changed with the row, not at its next sign-in.
    JsonObject firstNow = as(first, HttpMethod.GET, "/api/v1/session", null, false).bodyAsJsonObject();
    assertThat(firstNow.getString("role")).isEqualTo("viewer");
    assertThat(firstNow.getJsonArray("stores")).containsExactly("S003");
    assertThat(as(first, HttpMethod.GET, "/api/v1/stores/S001/overview", null, false).statusCode()).isEqualTo(404);
    // A viewer may not import, whatever the issuer said before.
    assertThat(as(second, HttpMethod.POST, "/api/v1/imports?filename=x.csv", null, true).statusCode()).isEqualTo(403);
    JsonObject row = user(name).bodyAsJsonObject();
    assertThat(row.getString("role")).isEqualTo("viewer");
    assertThat(row.getJsonArray("stores")).containsExactly("S003");
    assertThat(row.getString("source")).isEqualTo("oidc");

    // hq from the issuer sees every store; the stores it names are not kept.
    Browser hq = browserOf(signInAs(name, Map.of("storedash_role", "hq", "storedash_stores", List.of("S001"))));
    assertThat(hq.session().getString("role")).isEqualTo("hq");
    assertThat(hq.session().getJsonArray("stores")).isEmpty();
    assertThat(as(hq, HttpMethod.GET, "/api/v1/stores/S001/overview", null, false).statusCode()).isEqualTo(200);
  }

  @Test
  void anIssuerAccountNamedLikeAPasswordUserIsRefusedAndThePasswordUserIsUntouched() {
    String name = prefix + "admin";
    HttpResponse<Buffer> created = admin(HttpMethod.POST, "/api/v1/admin/users", new JsonObject().put("username", name)
      .put("password", SignInTest.PASSWORD).put("role", "viewer").put("stores", new JsonArray().add("S001")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);

    HttpResponse<Buffer> callback = signInAs(name, Map.of("storedash_role", "hq"));

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(403);
    assertThat(StandIns.problem(callback).getString("detail")).isEqualTo("the user '" + name + "' signs in with a "
      + "password here, so the single sign-on account of that name may not use it: sign in with the password, or ask "
      + "an hq user to rename one of them");
    assertNoSession(callback);
    JsonObject row = user(name).bodyAsJsonObject();
    assertThat(row.getString("source")).isEqualTo("password");
    assertThat(row.getString("role")).isEqualTo("viewer");
    assertThat(row.getJsonArray("stores")).containsExactly("S001");
    assertThat(auditOf(name)).first().satisfies(entry -> {
      assertThat(entry.getString("action")).isEqualTo("sign_in_failed");
      assertThat(entry.getString("actor")).isNull();
      assertThat(entry.getJsonObject("detail")).isEqualTo(new JsonObject().put("how", "oidc").put("reason", "password_user"));
    });
    // The password still signs in, as the viewer it was.
    assertThat(SignInTest.signIn(gateway, name).body().getString("role")).isEqualTo("viewer");
  }

  @Test
  void anIssuerUserDisabledHereStaysRefusedWhateverTheIssuerSays() {
    String name = prefix + "wang.fang";
    Browser before = browserOf(signInAs(name, Map.of("storedash_role", "viewer", "storedash_stores", List.of("S001"))));
    HttpResponse<Buffer> disabled = admin(HttpMethod.PATCH, "/api/v1/admin/users/" + name, new JsonObject().put("disabled", true));
    assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(200);
    assertThat(as(before, HttpMethod.GET, "/api/v1/session", null, false).statusCode()).isEqualTo(401);

    HttpResponse<Buffer> callback = signInAs(name, Map.of("storedash_role", "hq"));

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(403);
    assertThat(StandIns.problem(callback).getString("detail"))
      .isEqualTo("the user '" + name + "' is disabled in StoreDash; ask an hq user to enable it");
    assertNoSession(callback);
    JsonObject row = user(name).bodyAsJsonObject();
    assertThat(row.getBoolean("disabled")).isTrue();
    assertThat(row.getString("role")).isEqualTo("viewer");
    assertThat(auditOf(name)).first().satisfies(entry -> {
      assertThat(entry.getString("action")).isEqualTo("sign_in_failed");
      assertThat(entry.getJsonObject("detail")).isEqualTo(new JsonObject().put("how", "oidc").put("reason", "disabled"));
    });
  }

  @Test
  void anIdTokenForAnotherClientOrPastItsExpiryLeavesNoSessionAndNoUser() {
    String other = prefix + "other.app";
    HttpResponse<Buffer> wrongAudience = signInThroughIssuer(nonce -> issuer.tokenAnswer(other,
      List.of("another-app"), Map.of("preferred_username", other, "storedash_role", "hq", "nonce", nonce), 3600));
    assertThat(wrongAudience.statusCode()).as(wrongAudience.bodyAsString()).isEqualTo(401);
    assertThat(StandIns.problem(wrongAudience).getString("detail")).contains("the id token was issued for another client");
    assertNoSession(wrongAudience);
    assertThat(user(other).statusCode()).isEqualTo(404);

    String late = prefix + "late";
    issuer.enqueue(late, List.of(CLIENT_ID), Map.of("preferred_username", late, "storedash_role", "hq"), -600);
    HttpResponse<Buffer> expired = signInThroughIssuer(null);
    assertThat(expired.statusCode()).as(expired.bodyAsString()).isEqualTo(401);
    assertThat(StandIns.problem(expired).getString("detail")).contains("the id token has expired");
    assertNoSession(expired);
    assertThat(user(late).statusCode()).isEqualTo(404);
  }

  @Test
  void bothStepsArePublicAndTheSessionsRefusalOffersSingleSignOn() {
    HttpResponse<Buffer> start = gateway.anonymous(OidcSignIn.START_PATH);
    assertThat(start.statusCode()).isEqualTo(302);
    assertThat(start.getHeader("Location")).startsWith(issuer.authorizationEndpointUrl());
    HttpResponse<Buffer> callback = gateway.anonymous(OidcConfig.CALLBACK_PATH + "?code=x&state=y");
    assertThat(callback.statusCode()).isEqualTo(401);
    assertThat(StandIns.problem(callback).getString("detail")).contains("this sign-in was not started in this browser");
    assertNoSession(callback);

    HttpResponse<Buffer> whoAmI = gateway.anonymous("/api/v1/session");
    assertThat(whoAmI.statusCode()).isEqualTo(401);
    assertThat(whoAmI.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"storedash\"");
    assertThat(StandIns.problem(whoAmI).getBoolean("oidc")).isTrue();
  }

  // ---- the browser's part ----

  /** The whole code flow for an account of the issuer named {@code username} with these claims: the callback's answer. */
  private HttpResponse<Buffer> signInAs(String username, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(claims);
    all.put("preferred_username", username);
    issuer.enqueue("sub-" + username, List.of(CLIENT_ID), all, 3600);
    return signInThroughIssuer(null);
  }

  /**
   * Start, the issuer's authorize endpoint, then the callback with the cookie the start set; the issuer's token
   * endpoint answers with {@code tokenAnswer} of the gateway's nonce instead of its own tokens when given.
   */
  private static HttpResponse<Buffer> signInThroughIssuer(Function<String, String> tokenAnswer) {
    HttpResponse<Buffer> start = gateway.anonymous(OidcSignIn.START_PATH);
    assertThat(start.statusCode()).as(start.bodyAsString()).isEqualTo(302);
    HttpResponse<Buffer> authorize = browser.getAbs(start.getHeader("Location")).send().await();
    assertThat(authorize.statusCode()).as(authorize.bodyAsString()).isEqualTo(302);
    String back = authorize.getHeader("Location");
    assertThat(back).startsWith("http://127.0.0.1:" + gateway.config.httpPort() + OidcConfig.CALLBACK_PATH + "?");
    if (tokenAnswer != null) {
      issuer.answerNextTokenRequest(tokenAnswer.apply(TestIssuer.query(start.getHeader("Location")).get("nonce")));
    }
    String signInCookie = start.cookies().stream().filter(c -> c.startsWith(SignInCookie.NAME + "="))
      .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    return browser.getAbs(back).putHeader("Cookie", signInCookie).send().await();
  }

  /** The browser the callback signed in: its session cookie, and what GET /api/v1/session says of it. */
  private static Browser browserOf(HttpResponse<Buffer> callback) {
    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(302);
    String cookie = SignInTest.cookieOf(callback);
    HttpResponse<Buffer> session = gateway.client.get("/api/v1/session")
      .putHeader("Cookie", io.storedash.gateway.auth.Sessions.COOKIE + "=" + cookie).send().await();
    assertThat(session.statusCode()).as(session.bodyAsString()).isEqualTo(200);
    return new Browser(cookie, session.bodyAsJsonObject().getString("csrf_token"), session.bodyAsJsonObject());
  }

  private static HttpResponse<Buffer> as(Browser signedIn, HttpMethod method, String uri, JsonObject body, boolean csrf) {
    return SignInTest.as(gateway, new SignInTest.Browser(signedIn.cookie(), signedIn.csrf(), null), method, uri, body, csrf);
  }

  private static void assertNoSession(HttpResponse<Buffer> callback) {
    assertThat(callback.getHeader("Location")).isNull();
    assertThat(SignInTest.setCookie(callback)).as("no session cookie").isNull();
  }

  private static HttpResponse<Buffer> admin(HttpMethod method, String uri, JsonObject body) {
    return SignInTest.send(gateway, method, uri, body,
      MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN));
  }

  private static HttpResponse<Buffer> user(String name) {
    return admin(HttpMethod.GET, "/api/v1/admin/users/" + name, null);
  }

  /** The audit rows about {@code target}, newest first. */
  private static List<JsonObject> auditOf(String target) {
    JsonArray entries = admin(HttpMethod.GET, "/api/v1/admin/audit?limit=100", null).bodyAsJsonObject()
      .getJsonArray("entries");
    return entries.stream().map(JsonObject.class::cast).filter(e -> target.equals(e.getString("target"))).toList();
  }
}
