package io.storedash.gateway.auth;

import io.storedash.common.config.OidcConfig;
import io.storedash.common.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.storedash.gateway.auth.TestIssuer.CLIENT_ID;
import static io.storedash.gateway.auth.TestIssuer.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single sign-on against a real OpenID Connect issuer (mock-oauth2-server on 127.0.0.1, a random port): the browser's
 * part of the code flow is played by a WebClient that follows each redirect by hand, carrying the sign-in cookie as a
 * browser would. The issuer's authorize endpoint issues a code at once (no login form); the claims of the tokens it
 * then gives are set per test with an enqueued token callback.
 */
class OidcSignInTest {

  private Vertx vertx;
  private TestIssuer issuer;
  private Router router;
  private HttpServer gateway;
  private WebClient client;
  private OidcSignIn signIn;
  private final List<OidcIdentity> established = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    issuer = TestIssuer.start();
    router = Router.router(vertx);
    gateway = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterEach
  void stop() {
    if (signIn != null) {
      signIn.close();
    }
    client.close();
    vertx.close().await();
    issuer.close();
  }

  @Test
  void theIssuerIsDiscoveredAndTheBrowserSentThereWithStateNonceAndPkce() {
    signIn = signIn(issuerUrl());
    awaitReady();

    HttpResponse<Buffer> start = get(gatewayUrl(OidcSignIn.START_PATH));

    assertThat(start.statusCode()).isEqualTo(302);
    String location = start.getHeader("Location");
    assertThat(location).startsWith(issuer.authorizationEndpointUrl() + "?");
    Map<String, String> query = query(location);
    assertThat(query).containsEntry("response_type", "code")
      .containsEntry("client_id", CLIENT_ID)
      .containsEntry("redirect_uri", gatewayUrl(OidcConfig.CALLBACK_PATH))
      .containsEntry("scope", "openid profile")
      .containsEntry("code_challenge_method", "S256")
      .containsKeys("state", "nonce", "code_challenge");
    assertThat(query.get("state")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(query.get("nonce")).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(query.get("state"));
    assertThat(start.getHeader("Cache-Control")).isEqualTo("no-store");
    String setCookie = start.headers().get("Set-Cookie");
    assertThat(setCookie).startsWith(SignInCookie.NAME + "=");
    assertThat(setCookie.toLowerCase(java.util.Locale.ROOT))
      .contains("path=/api/v1/session/oidc", "max-age=600", "httponly", "samesite=lax")
      .doesNotContain("secure");

    // A second sign-in gets values of its own.
    assertThat(query(get(gatewayUrl(OidcSignIn.START_PATH)).getHeader("Location")).get("state"))
      .isNotEqualTo(query.get("state"));
  }

  @Test
  void aManagersClaimsBecomeTheirRoleStoresAndCitiesThenTheBrowserGoesHome() {
    signIn = signIn(issuerUrl());
    awaitReady();
    issuer.enqueue("u-1001", List.of(CLIENT_ID), Map.of(
      "preferred_username", "li.wei",
      "storedash_role", "manager",
      "storedash_stores", List.of("S001", "S002"),
      "storedash_cities", "Hangzhou, Suzhou"), 3600);

    HttpResponse<Buffer> callback = signInThroughIssuer();

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(302);
    assertThat(callback.getHeader("Location")).isEqualTo("/");
    assertThat(established).containsExactly(new OidcIdentity("li.wei", Role.MANAGER,
      Access.of(Set.of("S001", "S002"), Set.of("Hangzhou", "Suzhou"))));
    assertThat(callback.headers().getAll("Set-Cookie"))
      .anySatisfy(c -> assertThat(c).startsWith(SignInCookie.NAME + "=;").contains("Max-Age=0"));
  }

  @Test
  void hqSeesEveryStoreAndTheSubjectNamesAUserWithoutPreferredUsername() {
    signIn = signIn(issuerUrl());
    awaitReady();
    issuer.enqueue("zhang.min", List.of(CLIENT_ID), Map.of("storedash_role", "HQ",
      "storedash_stores", List.of("S001")), 3600);

    HttpResponse<Buffer> callback = signInThroughIssuer();

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(302);
    assertThat(established).containsExactly(new OidcIdentity("zhang.min", Role.HQ, Access.EVERY_STORE));
  }

  @Test
  void anIdTokenForAnotherClientIsRefused() {
    signIn = signIn(issuerUrl());
    awaitReady();

    // The issuer's own token endpoint always addresses the id token to the client that asks: its answer is replaced
    // by one signed with the issuer's key for another client.
    HttpResponse<Buffer> callback = signInThroughIssuer(nonce -> issuer.tokenAnswer("u-1", List.of("another-app"),
      Map.of("storedash_role", "hq", "nonce", nonce), 3600));

    assertRefused(callback, 401, "the id token was issued for another client");
    assertThat(callback.bodyAsJsonObject().getString("detail")).contains("another-app", "OIDC_CLIENT_ID 'storedash'");
  }

  @Test
  void anIdTokenPastItsExpiryIsRefusedEvenWhenTheAccessTokenIsNot() {
    signIn = signIn(issuerUrl());
    awaitReady();

    HttpResponse<Buffer> callback = signInThroughIssuer(nonce -> issuer.tokenAnswer("u-1", List.of(CLIENT_ID),
      Map.of("storedash_role", "hq", "nonce", nonce), -3600));

    assertRefused(callback, 401, "the id token has expired");
  }

  @Test
  void anIdTokenForAnotherSignInIsRefused() {
    signIn = signIn(issuerUrl());
    awaitReady();

    HttpResponse<Buffer> callback = signInThroughIssuer(nonce -> issuer.tokenAnswer("u-1", List.of(CLIENT_ID),
      Map.of("storedash_role", "hq", "nonce", "another-" + nonce), 3600));

    assertRefused(callback, 401, "wrong nonce");
  }

  @Test
  void anExpiredIdTokenIsRefused() {
    signIn = signIn(issuerUrl());
    awaitReady();
    issuer.enqueue("u-1", List.of(CLIENT_ID), Map.of("storedash_role", "hq"), -600);

    assertRefused(signInThroughIssuer(), 401, "the id token has expired");
  }

  @Test
  void anAccountWithoutARoleIsRefused() {
    signIn = signIn(issuerUrl());
    awaitReady();
    issuer.enqueue("u-1", List.of(CLIENT_ID), Map.of("preferred_username", "wang.fang"), 3600);

    assertRefused(signInThroughIssuer(), 403, "the account 'wang.fang' has no StoreDash role: ask an administrator "
      + "of the single sign-on to give it the claim 'storedash_role' with one of hq, manager, viewer, ops");
  }

  @Test
  void anUnknownRoleIsRefused() {
    signIn = signIn(issuerUrl());
    awaitReady();
    issuer.enqueue("u-1", List.of(CLIENT_ID), Map.of("preferred_username", "wang.fang",
      "storedash_role", "superuser"), 3600);

    assertRefused(signInThroughIssuer(), 403, "the role 'superuser'");
  }

  @Test
  void aCallbackWithAnotherStateOrWithoutTheCookieIsRefused() {
    signIn = signIn(issuerUrl());
    awaitReady();
    HttpResponse<Buffer> start = get(gatewayUrl(OidcSignIn.START_PATH));
    String cookie = cookie(start);
    String back = get(start.getHeader("Location")).getHeader("Location");
    String state = query(back).get("state");

    HttpResponse<Buffer> forged = client.getAbs(back.replace("state=" + state, "state=forged" + state.substring(6)))
      .putHeader("Cookie", cookie).send().await();
    assertRefused(forged, 401, "wrong state");

    HttpResponse<Buffer> noCookie = get(back);
    assertRefused(noCookie, 401, "this sign-in was not started in this browser");

    HttpResponse<Buffer> alteredCookie = client.getAbs(back).putHeader("Cookie", cookie.replace('.', 'x') + "A").send().await();
    assertRefused(alteredCookie, 401, "this sign-in was not started in this browser");
  }

  @Test
  void anErrorFromTheIssuerIsRefusedWithItsReason() {
    signIn = signIn(issuerUrl());
    awaitReady();
    HttpResponse<Buffer> start = get(gatewayUrl(OidcSignIn.START_PATH));
    String state = query(start.getHeader("Location")).get("state");

    HttpResponse<Buffer> denied = client.getAbs(gatewayUrl(OidcConfig.CALLBACK_PATH) + "?error=access_denied"
        + "&error_description=user%20cancelled&state=" + state)
      .putHeader("Cookie", cookie(start)).send().await();

    assertRefused(denied, 401, "the single sign-on issuer refused the sign-in (access_denied: user cancelled)");
  }

  @Test
  void anIssuerDownAtStartMeans503UntilARetryReachesIt() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    String lateIssuerUrl = "http://127.0.0.1:" + port + "/" + TestIssuer.ISSUER_ID;
    signIn = signIn(lateIssuerUrl);

    HttpResponse<Buffer> down = get(gatewayUrl(OidcSignIn.START_PATH));
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(down.getHeader("Retry-After")).isEqualTo("30");
    assertThat(down.bodyAsJsonObject().getString("detail")).startsWith("single sign-on is unavailable: the issuer "
      + lateIssuerUrl);
    assertThat(get(gatewayUrl(OidcConfig.CALLBACK_PATH) + "?code=x&state=y").statusCode()).isEqualTo(503);
    assertThat(signIn.ready()).isFalse();

    issuer.close();
    issuer = TestIssuer.start(port);

    HttpResponse<Buffer> up = Eventually.poll(Duration.ofSeconds(20), () -> get(gatewayUrl(OidcSignIn.START_PATH)),
      r -> r.statusCode() != 503);
    assertThat(up.statusCode()).isEqualTo(302);
    issuer.enqueue("u-7", List.of(CLIENT_ID), Map.of("storedash_role", "ops"), 3600);
    assertThat(signInThroughIssuer().statusCode()).isEqualTo(302);
    assertThat(established).containsExactly(new OidcIdentity("u-7", Role.OPS, Access.of(Set.of(), Set.of())));
  }

  @Test
  void aRefusalFromEstablishIsTheAnswerAndNoRedirect() {
    signIn = new OidcSignIn(vertx, config(issuerUrl()),
      (rc, identity) -> Future.failedFuture(OidcRefusal.forbidden("the user '" + identity.username() + "' is disabled")),
      Clock.systemUTC(), Duration.ofMillis(100)).mount(router);
    awaitReady();
    issuer.enqueue("u-1", List.of(CLIENT_ID), Map.of("preferred_username", "li.wei",
      "storedash_role", "viewer"), 3600);

    assertRefused(signInThroughIssuer(), 403, "the user 'li.wei' is disabled");
  }

  // ---- the browser's part ----

  /** Start, the issuer's authorize endpoint, then the callback with the cookie the start set: the callback's answer. */
  private HttpResponse<Buffer> signInThroughIssuer() {
    return signInThroughIssuer(null);
  }

  /**
   * As {@link #signInThroughIssuer()}, the issuer's token endpoint answering with {@code tokenAnswer} of the nonce the
   * gateway sent instead of its own tokens.
   */
  private HttpResponse<Buffer> signInThroughIssuer(java.util.function.Function<String, String> tokenAnswer) {
    HttpResponse<Buffer> start = get(gatewayUrl(OidcSignIn.START_PATH));
    assertThat(start.statusCode()).as(start.bodyAsString()).isEqualTo(302);
    HttpResponse<Buffer> authorize = get(start.getHeader("Location"));
    assertThat(authorize.statusCode()).as(authorize.bodyAsString()).isEqualTo(302);
    String back = authorize.getHeader("Location");
    assertThat(back).startsWith(gatewayUrl(OidcConfig.CALLBACK_PATH) + "?");
    if (tokenAnswer != null) {
      issuer.answerNextTokenRequest(tokenAnswer.apply(query(start.getHeader("Location")).get("nonce")));
    }
    return client.getAbs(back).putHeader("Cookie", cookie(start)).send().await();
  }

  private void assertRefused(HttpResponse<Buffer> response, int status, String detail) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).contains(detail);
    assertThat(response.getHeader("Location")).isNull();
    assertThat(established).isEmpty();
  }

  private static String cookie(HttpResponse<Buffer> start) {
    String setCookie = start.headers().get("Set-Cookie");
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private HttpResponse<Buffer> get(String url) {
    return client.getAbs(url).send().await();
  }

  // ---- set-up ----

  private OidcSignIn signIn(String issuerUrl) {
    return new OidcSignIn(vertx, config(issuerUrl), (rc, identity) -> {
      established.add(identity);
      return Future.succeededFuture();
    }, Clock.systemUTC(), Duration.ofMillis(100)).mount(router);
  }

  private OidcConfig config(String issuerUrl) {
    return new OidcConfig(issuerUrl, CLIENT_ID, TestIssuer.CLIENT_SECRET, gatewayUrl(OidcConfig.CALLBACK_PATH),
      "storedash_role", "storedash_stores", "storedash_cities", "preferred_username");
  }

  private void awaitReady() {
    assertThat(Eventually.until(Duration.ofSeconds(10), signIn::ready)).as("issuer discovered").isTrue();
  }

  private String issuerUrl() {
    return issuer.issuerUrl();
  }

  private String gatewayUrl(String path) {
    return "http://127.0.0.1:" + gateway.actualPort() + path;
  }
}
