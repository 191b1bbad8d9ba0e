package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.ManualClock;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.auth.Sessions;
import io.storedash.common.testing.Forgeries;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in as an attacker tries it: names and passwords guessed, sessions fixed, stolen, replayed after sign-out or
 * after the user was disabled, requests forged from another site, tokens stretched beyond their owner, roles
 * overstepped. Time is the gateway's {@link ManualClock}; the lockout limits are small.
 */
class SignInTest {

  static final String PASSWORD = "correct horse battery";
  private final ManualClock clock = new ManualClock();
  private StandIns gateway;
  private String prefix;

  /** A signed-in browser: its cookie and the CSRF token the page got. */
  record Browser(String cookie, String csrf, JsonObject body) {
  }

  @BeforeEach
  void start() {
    gateway = StandIns.withSignIn(Map.of("SIGN_IN_USER_LIMIT", "3", "SIGN_IN_ADDRESS_LIMIT", "8"), clock);
    // Every test's names are its own, and the address counter starts at zero (Redis is shared by the test JVM).
    prefix = "u" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Redis redis = Redis.createClient(gateway.vertx, TestStorage.redisUrl());
    RedisAPI.api(redis).del(List.of("storedash:sign-in:address:127.0.0.1")).await();
    redis.close();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  String user(String role, String... stores) {
    String name = prefix + role + stores.length;
    HttpResponse<Buffer> created = admin(HttpMethod.POST, "/api/v1/admin/users", new JsonObject().put("username", name)
      .put("password", PASSWORD).put("role", role).put("stores", new JsonArray(List.of(stores))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return name;
  }

  HttpResponse<Buffer> admin(HttpMethod method, String uri, JsonObject body) {
    return send(gateway, method, uri, body, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN));
  }

  static HttpResponse<Buffer> send(StandIns to, HttpMethod method, String uri, JsonObject body, MultiMap headers) {
    HttpRequest<Buffer> request = to.client.request(method, uri).putHeaders(headers);
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  static HttpResponse<Buffer> signInRaw(StandIns to, String username, String password, String cookie) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (cookie != null) {
      headers.add("Cookie", Sessions.COOKIE + "=" + cookie);
    }
    return send(to, HttpMethod.POST, "/api/v1/session", new JsonObject().put("username", username).put("password", password),
      headers);
  }

  static Browser signIn(StandIns to, String username) {
    HttpResponse<Buffer> response = signInRaw(to, username, PASSWORD, null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return new Browser(cookieOf(response), response.bodyAsJsonObject().getString("csrf_token"), response.bodyAsJsonObject());
  }

  static String setCookie(HttpResponse<Buffer> response) {
    return response.cookies().stream().filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst().orElse(null);
  }

  static String cookieOf(HttpResponse<Buffer> response) {
    String header = setCookie(response);
    assertThat(header).as("Set-Cookie of " + Sessions.COOKIE).isNotNull();
    return header.substring(Sessions.COOKIE.length() + 1, header.indexOf(';'));
  }

  static HttpResponse<Buffer> as(StandIns to, Browser browser, HttpMethod method, String uri, JsonObject body, boolean csrf) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", Sessions.COOKIE + "=" + browser.cookie());
    if (csrf) {
      headers.add(Sessions.CSRF_HEADER, browser.csrf());
    }
    return send(to, method, uri, body, headers);
  }

  HttpResponse<Buffer> as(Browser browser, HttpMethod method, String uri, JsonObject body) {
    return as(gateway, browser, method, uri, body, true);
  }

  HttpResponse<Buffer> withToken(String token, HttpMethod method, String uri, JsonObject body) {
    return send(gateway, method, uri, body, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token));
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
    String name = user("viewer", "S001");
    HttpResponse<Buffer> wrong = signInRaw(gateway, name, "not the password at all", null);
    HttpResponse<Buffer> unknown = signInRaw(gateway, prefix + "nobody", "not the password at all", null);
    for (HttpResponse<Buffer> response : List.of(wrong, unknown)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(StandIns.problem(response).getString("detail")).isEqualTo("wrong user name or password");
      assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"storedash\"");
      assertThat(setCookie(response)).isNull();
    }
    assertThat(wrong.bodyAsString()).isEqualTo(unknown.bodyAsString());
    JsonArray audit = admin(HttpMethod.GET, "/api/v1/admin/audit?limit=10", null).bodyAsJsonObject().getJsonArray("entries");
    assertThat(audit.stream().map(e -> ((JsonObject) e).getString("action") + " " + ((JsonObject) e).getString("target")))
      .contains("sign_in_failed " + name, "sign_in_failed " + prefix + "nobody");
  }

  @Test
  void failuresLockTheUserNameAndASuccessClearsItsCount() {
    String name = user("viewer", "S001");
    String other = user("manager", "S001");
    for (int i = 0; i < 2; i++) {
      assertThat(signInRaw(gateway, name, "wrong password " + i, null).statusCode()).isEqualTo(401);
    }
    signIn(gateway, name);
    for (int i = 0; i < 2; i++) {
      assertThat(signInRaw(gateway, name, "wrong password " + i, null).statusCode()).isEqualTo(401);
    }
    // Two failures after a success: not locked yet. The third locks the name, even against the right password.
    signIn(gateway, name);
    for (int i = 0; i < 3; i++) {
      assertThat(signInRaw(gateway, name.toUpperCase(), "wrong password " + i, null).statusCode()).isEqualTo(401);
    }
    HttpResponse<Buffer> locked = signInRaw(gateway, name, PASSWORD, null);
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(locked.getHeader("Retry-After"))).isBetween(1L, 15 * 60L);
    assertThat(StandIns.problem(locked).getString("detail")).contains("try again in 15 min");
    assertThat(setCookie(locked)).isNull();
    // Another user from the same address is not locked out by it.
    signIn(gateway, other);
  }

  @Test
  void failuresFromOneAddressLockItForEveryName() {
    String name = user("viewer", "S001");
    for (int i = 0; i < 8; i++) {
      assertThat(signInRaw(gateway, prefix + "guess" + i, "password guess " + i, null).statusCode()).isEqualTo(401);
    }
    HttpResponse<Buffer> locked = signInRaw(gateway, name, PASSWORD, null);
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.getHeader("Retry-After")).isNotNull();
  }

  @Test
  void signingInGivesANewSessionIdWhateverCookieTheBrowserHad() {
    String name = user("viewer", "S001");
    String fixed = "attacker-chosen-session-id-0123456789abcdef";
    HttpResponse<Buffer> first = signInRaw(gateway, name, PASSWORD, fixed);
    String firstId = cookieOf(first);
    assertThat(firstId).isNotEqualTo(fixed);
    HttpResponse<Buffer> again = signInRaw(gateway, name, PASSWORD, firstId);
    String secondId = cookieOf(again);
    assertThat(secondId).isNotEqualTo(firstId);
    // The id the browser had before is gone.
    Browser old = new Browser(firstId, first.bodyAsJsonObject().getString("csrf_token"), null);
    assertThat(as(old, HttpMethod.GET, "/api/v1/session", null).statusCode()).isEqualTo(401);
    Browser current = new Browser(secondId, again.bodyAsJsonObject().getString("csrf_token"), null);
    HttpResponse<Buffer> who = as(current, HttpMethod.GET, "/api/v1/session", null);
    assertThat(who.statusCode()).isEqualTo(200);
    assertThat(who.bodyAsJsonObject()).isEqualTo(new JsonObject().put("user", name).put("role", "viewer")
      .put("stores", new JsonArray().add("S001")).put("cities", new JsonArray()).put("csrf_token", current.csrf()));
    assertThat(current.csrf()).isNotEqualTo(old.csrf()).hasSizeGreaterThanOrEqualTo(40);
  }

  @Test
  void theSessionCookieIsHttpOnlyLaxAndSecureWhenConfigured() {
    String name = user("viewer", "S001");
    String plain = setCookie(signInRaw(gateway, name, PASSWORD, null));
    assertThat(plain).contains("; Path=/").containsIgnoringCase("HTTPOnly").contains("SameSite=Lax").doesNotContain("Secure")
      .doesNotContain("Max-Age").doesNotContain("Expires");
    StandIns secure = StandIns.withSignIn(Map.of("PG_URL", gateway.config.pgUrl().orElseThrow(), "SESSION_COOKIE_SECURE", "true"), null);
    try {
      assertThat(setCookie(signInRaw(secure, name, PASSWORD, null))).contains("Secure").containsIgnoringCase("HTTPOnly")
        .contains("SameSite=Lax");
    } finally {
      secure.close();
    }
  }

  @Test
  void anIdleSessionEndsAndABusyOneEndsAtItsMaximumAge() {
    String name = user("viewer", "S001");
    Browser browser = signIn(gateway, name);
    clock.advance(Duration.ofMinutes(29));
    assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(29));
    assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode()).as("used 29 min ago").isEqualTo(200);
    clock.advance(Duration.ofMinutes(31));
    HttpResponse<Buffer> idle = as(browser, HttpMethod.GET, "/api/v1/session", null);
    assertThat(idle.statusCode()).isEqualTo(401);
    assertThat(StandIns.problem(idle).getString("detail")).contains("idle for more than 30 min");
    // The session is gone from Redis: going back in time does not revive it.
    clock.advance(Duration.ofMinutes(-31));
    assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode()).isEqualTo(401);

    Browser busy = signIn(gateway, name);
    for (int minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      clock.advance(Duration.ofMinutes(20));
      assertThat(as(busy, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(20));
    HttpResponse<Buffer> old = as(busy, HttpMethod.GET, "/api/v1/stores/S001/overview", null);
    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(StandIns.problem(old).getString("detail")).contains("older than 12 h");
  }

  @Test
  void aSessionChangesNothingWithoutItsCsrfTokenButABearerTokenNeedsNone() {
    String name = user("manager", "S001");
    Browser browser = signIn(gateway, name);
    JsonObject token = new JsonObject().put("name", "script");
    for (String csrf : new String[] {null, "", "wrong", browser.csrf() + "x"}) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", Sessions.COOKIE + "=" + browser.cookie());
      if (csrf != null) {
        headers.add(Sessions.CSRF_HEADER, csrf);
      }
      HttpResponse<Buffer> forged = send(gateway, HttpMethod.POST, "/api/v1/tokens", token, headers);
      assertThat(forged.statusCode()).as("CSRF header %s", csrf).isEqualTo(403);
      assertThat(StandIns.problem(forged).getString("detail")).contains("missing or wrong CSRF token");
      assertThat(send(gateway, HttpMethod.DELETE, "/api/v1/session", null, headers).statusCode()).isEqualTo(403);
    }
    assertThat(as(gateway, browser, HttpMethod.GET, "/api/v1/tokens", null, false).bodyAsJsonObject()
      .getJsonArray("tokens")).isEmpty();
    HttpResponse<Buffer> created = as(browser, HttpMethod.POST, "/api/v1/tokens", token);
    assertThat(created.statusCode()).isEqualTo(201);
    String secret = created.bodyAsJsonObject().getString("token");
    String id = created.bodyAsJsonObject().getString("id");
    // A bearer token changes things without a CSRF header: no browser sends it by itself.
    assertThat(withToken(secret, HttpMethod.DELETE, "/api/v1/tokens/" + id, null).statusCode()).isEqualTo(204);
    HttpResponse<Buffer> signOut = as(browser, HttpMethod.DELETE, "/api/v1/session", null);
    assertThat(signOut.statusCode()).isEqualTo(204);
    assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode()).isEqualTo(401);
  }

  @Test
  void aDisabledUserIsRefusedAtOnceAndAScopeChangeAppliesAtOnce() {
    String name = user("manager", "S001");
    Browser browser = signIn(gateway, name);
    String secret = as(browser, HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("name", "ci"))
      .bodyAsJsonObject().getString("token");
    assertThat(withToken(secret, HttpMethod.GET, "/api/v1/tokens", null).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> changed = admin(HttpMethod.PATCH, "/api/v1/admin/users/" + name,
      new JsonObject().put("stores", new JsonArray().add("S002")).put("cities", new JsonArray().add("上海")));
    assertThat(changed.statusCode()).isEqualTo(200);
    JsonObject who = as(browser, HttpMethod.GET, "/api/v1/session", null).bodyAsJsonObject();
    assertThat(who.getJsonArray("stores")).containsExactly("S002");
    assertThat(who.getJsonArray("cities")).containsExactly("上海");

    assertThat(admin(HttpMethod.PATCH, "/api/v1/admin/users/" + name, new JsonObject().put("disabled", true)).statusCode())
      .isEqualTo(200);
    HttpResponse<Buffer> refused = as(browser, HttpMethod.GET, "/api/v1/stores/S002/overview", null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(StandIns.problem(refused).getString("detail")).contains("disabled");
    assertThat(withToken(secret, HttpMethod.GET, "/api/v1/tokens", null).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> again = signInRaw(gateway, name, PASSWORD, null);
    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(setCookie(again)).isNull();
  }

  @Test
  void anApiTokenIsNeverWiderThanItsCreatorAndARevokedOneIsRefusedAtOnce() {
    String name = user("manager", "S001", "S002");
    Browser browser = signIn(gateway, name);
    record Ask(JsonObject body, int status, String detail) {
    }
    for (Ask ask : List.of(
      new Ask(new JsonObject().put("name", "t").put("role", "hq"), 403, "role must be yours (manager) or narrower"),
      new Ask(new JsonObject().put("name", "t").put("role", "ops"), 403, "role must be yours"),
      new Ask(new JsonObject().put("name", "t").put("stores", new JsonArray().add("S003")), 403, "only stores and cities you are assigned"),
      new Ask(new JsonObject().put("name", "t").put("cities", new JsonArray().add("北京")), 403, "only stores and cities"),
      new Ask(new JsonObject().put("name", "t").put("role", "root"), 400, "role must be one of"),
      new Ask(new JsonObject().put("name", "t").put("expires_days", 0), 400, "expires_days"),
      new Ask(new JsonObject().put("name", "t").put("stores", "S001"), 400, "stores must be an array"),
      new Ask(new JsonObject().put("name", "t").put("owner", "someone-else"), 400, "unknown member 'owner'"))) {
      HttpResponse<Buffer> response = as(browser, HttpMethod.POST, "/api/v1/tokens", ask.body());
      assertThat(response.statusCode()).as(ask.body().encode()).isEqualTo(ask.status());
      assertThat(StandIns.problem(response).getString("detail")).contains(ask.detail());
    }
    HttpResponse<Buffer> narrow = as(browser, HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("name", "kiosk")
      .put("role", "viewer").put("stores", new JsonArray().add("S001")).put("expires_days", 30));
    assertThat(narrow.statusCode()).isEqualTo(201);
    String secret = narrow.bodyAsJsonObject().getString("token");
    String id = narrow.bodyAsJsonObject().getString("id");
    assertThat(secret).startsWith("sdt_").hasSizeGreaterThan(40);
    // A viewer token cannot import, nor mint tokens.
    assertThat(withToken(secret, HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("name", "x")).statusCode()).isEqualTo(403);
    assertThat(withToken(secret, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);
    // The creator narrowed below the token: the token stops at once.
    admin(HttpMethod.PATCH, "/api/v1/admin/users/" + name, new JsonObject().put("stores", new JsonArray().add("S002")));
    assertThat(withToken(secret, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(401);
    admin(HttpMethod.PATCH, "/api/v1/admin/users/" + name, new JsonObject().put("stores", new JsonArray().add("S001")));
    assertThat(withToken(secret, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);

    JsonArray listed = as(browser, HttpMethod.GET, "/api/v1/tokens", null).bodyAsJsonObject().getJsonArray("tokens");
    assertThat(listed).hasSize(1);
    assertThat(listed.encode()).doesNotContain(secret).doesNotContain("token_hash");
    assertThat(as(browser, HttpMethod.DELETE, "/api/v1/tokens/" + id, null).statusCode()).isEqualTo(204);
    HttpResponse<Buffer> revoked = withToken(secret, HttpMethod.GET, "/api/v1/stores/S001/overview", null);
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(StandIns.problem(revoked).getString("detail")).contains("not valid");
  }

  @Test
  void noAnswerEverCarriesAPasswordHash() {
    String name = user("viewer", "S001");
    List<HttpResponse<Buffer>> answers = List.of(
      admin(HttpMethod.GET, "/api/v1/admin/users", null),
      admin(HttpMethod.GET, "/api/v1/admin/users/" + name, null),
      admin(HttpMethod.PATCH, "/api/v1/admin/users/" + name, new JsonObject().put("password", "another long password")),
      admin(HttpMethod.POST, "/api/v1/admin/users", new JsonObject().put("username", prefix + "new").put("password", PASSWORD)
        .put("role", "ops")),
      signInRaw(gateway, name, "another long password", null),
      admin(HttpMethod.GET, "/api/v1/admin/audit", null));
    for (HttpResponse<Buffer> answer : answers) {
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isLessThan(300);
      assertThat(answer.bodyAsString()).doesNotContain("pbkdf2", "password_hash", PASSWORD, "another long password");
    }
    JsonObject shown = answers.get(1).bodyAsJsonObject();
    assertThat(shown.getString("username")).isEqualTo(name);
    assertThat(shown.getBoolean("has_password")).isTrue();
    assertThat(shown.fieldNames()).doesNotContain("password", "password_hash");
  }

  @Test
  void eachRoleStaysInItsLane() {
    Browser viewer = signIn(gateway, user("viewer", "S001"));
    Browser manager = signIn(gateway, user("manager", "S001"));
    Browser ops = signIn(gateway, user("ops"));
    HttpResponse<Buffer> viewerImport = gateway.client.post("/api/v1/imports").putHeader("Cookie", Sessions.COOKIE + "=" + viewer.cookie())
      .putHeader(Sessions.CSRF_HEADER, viewer.csrf()).putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer("a,b\n")).await();
    assertThat(viewerImport.statusCode()).isEqualTo(403);
    assertThat(StandIns.problem(viewerImport).getString("detail")).contains("imports needs the role hq or manager");
    assertThat(as(manager, HttpMethod.GET, "/api/v1/admin/users", null).statusCode()).isEqualTo(403);
    assertThat(as(manager, HttpMethod.POST, "/api/v1/admin/users", new JsonObject().put("username", prefix + "x")
      .put("password", PASSWORD).put("role", "hq")).statusCode()).isEqualTo(403);
    assertThat(as(manager, HttpMethod.GET, "/api/v1/admin/audit", null).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> opsSales = as(ops, HttpMethod.GET, "/api/v1/stores/S001/overview", null);
    assertThat(opsSales.statusCode()).isEqualTo(403);
    assertThat(StandIns.problem(opsSales).getString("detail")).contains("sales figures");
    assertThat(as(ops, HttpMethod.GET, "/api/v1/ranking", null).statusCode()).isEqualTo(403);
    assertThat(as(ops, HttpMethod.GET, "/api/v1/admin/channels", null).statusCode()).isEqualTo(403);
    assertThat(as(ops, HttpMethod.GET, "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(as(viewer, HttpMethod.GET, "/metrics", null).statusCode()).isEqualTo(403);
    // ops may use cache admin (no cache-service stands in for it here: the answer is not a refusal).
    assertThat(as(ops, HttpMethod.GET, "/api/v1/admin/cache/stats", null).statusCode()).isNotIn(401, 403);
    // The cache bypass reads sales figures uncached: hq (and the admin token) only.
    assertThat(gateway.client.get("/api/v1/stores/S001/overview").putHeader("Cookie", Sessions.COOKIE + "=" + manager.cookie())
      .putHeader(DashboardRoutes.BYPASS_HEADER, "1").send().await().statusCode()).isEqualTo(403);
    assertThat(as(viewer, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutCredentialsOnlyThePublicRoutesAnswer() {
    for (String uri : List.of("/api/v1/stores", "/api/v1/stores/S001/overview", "/api/v1/ranking", "/api/v1/tokens",
      "/api/v1/admin/users", "/api/v1/admin/audit", "/api/v1/no-such-route")) {
      HttpResponse<Buffer> response = gateway.anonymous(uri);
      assertThat(response.statusCode()).as(uri).isEqualTo(401);
      assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"storedash\"");
      assertThat(StandIns.problem(response).getString("detail")).contains("Authorization: Bearer");
    }
    assertThat(gateway.anonymous("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(gateway.anonymous("/api/v1/bench/constant").statusCode()).isEqualTo(200);
    assertThat(gateway.anonymous("/api/v1/monitor").statusCode()).isNotIn(401, 403);
    assertThat(gateway.anonymous("/health/live").statusCode()).isEqualTo(200);
    assertThat(gateway.anonymous("/openapi.yaml").statusCode()).isEqualTo(200);
    assertThat(gateway.anonymous("/").statusCode()).isEqualTo(200);
    // A cookie that names no session is no credential.
    assertThat(send(gateway, HttpMethod.GET, "/api/v1/stores", null, MultiMap.caseInsensitiveMultiMap()
      .add("Cookie", Sessions.COOKIE + "=made-up-0123456789abcdef0123456789abcdef")).statusCode()).isEqualTo(401);
  }

  @Test
  void badBodiesAreRefusedNamingTheMember() {
    String name = user("viewer", "S001");
    record Bad(String uri, HttpMethod method, String body, String parameter, String detail) {
    }
    for (Bad bad : List.of(
      new Bad("/api/v1/session", HttpMethod.POST, "{\"username\":", "body", "not valid JSON"),
      new Bad("/api/v1/session", HttpMethod.POST, "[1]", "body", "JSON object"),
      new Bad("/api/v1/session", HttpMethod.POST, "{\"username\":\"" + name + "\",\"password\":1234567890}", "password", "must be a string"),
      new Bad("/api/v1/session", HttpMethod.POST, "{\"username\":\"" + name + "\"}", "password", "password is missing"),
      new Bad("/api/v1/session", HttpMethod.POST, "{\"username\":\"a\",\"password\":\"b\",\"remember\":true}", "remember", "unknown member"),
      new Bad("/api/v1/admin/users", HttpMethod.POST, "{\"username\":\"" + prefix + "p\",\"password\":\"short\",\"role\":\"viewer\"}",
        "password", "at least 10 characters"),
      new Bad("/api/v1/admin/users", HttpMethod.POST, "{\"username\":\"bad name!\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}",
        "username", "1 to 64 letters"),
      new Bad("/api/v1/admin/users", HttpMethod.POST, "{\"username\":\"" + prefix + "q\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\",\"stores\":[\"S 1\"]}",
        "stores", "store code"),
      new Bad("/api/v1/admin/users/" + name, HttpMethod.PATCH, "{\"disabled\":\"yes\"}", "disabled", "true or false"),
      new Bad("/api/v1/admin/users/" + name, HttpMethod.PATCH, "{\"password_hash\":\"x\"}", "password_hash", "unknown member"))) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
      if (!bad.uri().equals("/api/v1/session")) {
        headers.add("Authorization", "Bearer " + StandIns.TOKEN);
      }
      HttpResponse<Buffer> response = gateway.client.request(bad.method(), bad.uri()).putHeaders(headers)
        .sendBuffer(Buffer.buffer(bad.body())).await();
      assertThat(response.statusCode()).as(bad.body()).isEqualTo(400);
      JsonObject problem = StandIns.problem(response);
      assertThat(problem.getString("parameter")).as(bad.body()).isEqualTo(bad.parameter());
      assertThat(problem.getString("detail")).as(bad.body()).contains(bad.detail());
    }
    HttpResponse<Buffer> large = gateway.client.post("/api/v1/session").putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer("{\"username\":\"" + "x".repeat(20_000) + "\"}")).await();
    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(StandIns.problem(large).getString("detail")).contains("at most 16 KiB");
  }

  @Test
  void twoGatewaysShareSessionsAndASignOutOnOneEndsItOnTheOther() {
    String name = user("viewer", "S001");
    // Two gateways of one deployment: one Hazelcast cluster (so one event bus), one Redis, one database.
    String cluster = "sign-in-pair-" + System.nanoTime();
    StandIns one = StandIns.clusteredWithSignIn(Map.of("PG_URL", gateway.config.pgUrl().orElseThrow()), clock, cluster);
    StandIns other = StandIns.clusteredWithSignIn(Map.of("PG_URL", gateway.config.pgUrl().orElseThrow()), clock, cluster);
    try {
      Browser browser = signIn(one, name);
      assertThat(as(other, browser, HttpMethod.GET, "/api/v1/session", null, false).statusCode()).isEqualTo(200);
      assertThat(as(other, browser, HttpMethod.GET, "/api/v1/stores/S001/overview", null, false).statusCode()).isEqualTo(200);
      assertThat(as(one, browser, HttpMethod.DELETE, "/api/v1/session", null, true).statusCode()).isEqualTo(204);
      // The other gateway served the session a moment ago (it keeps it for a few seconds): the sign-out reaches it
      // over the event bus. Its clock does not move, so only that message can end the session there.
      assertThat(Eventually.poll(Duration.ofSeconds(5),
        () -> as(other, browser, HttpMethod.GET, "/api/v1/stores/S001/overview", null, false).statusCode(), s -> s == 401))
        .isEqualTo(401);
      JsonArray audit = admin(HttpMethod.GET, "/api/v1/admin/audit?limit=5", null).bodyAsJsonObject().getJsonArray("entries");
      assertThat(audit.getJsonObject(0).getString("action")).isEqualTo("sign_out");
      assertThat(audit.getJsonObject(0).getString("actor")).isEqualTo(name);
      assertThat(audit.getJsonObject(1).getString("action")).isEqualTo("sign_in");
    } finally {
      other.close();
      one.close();
    }
  }

  @Test
  void cacheAdminAndChannelChangesAreAudited() {
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.CACHE_ADMIN, msg -> msg.reply(new JsonObject().put("flushed", 3)))
      .completion().await();
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.CHANNELS, msg -> msg.reply(new JsonObject().put("channel", "meituan")))
      .completion().await();
    String ops = user("ops");
    Browser browser = signIn(gateway, ops);
    assertThat(as(browser, HttpMethod.DELETE, "/api/v1/admin/cache?tier=L2&store=S001", null).statusCode()).isEqualTo(200);
    assertThat(admin(HttpMethod.PUT, "/api/v1/admin/channels/meituan", new JsonObject().put("charges_fee", false)).statusCode())
      .isEqualTo(200);
    JsonArray entries = admin(HttpMethod.GET, "/api/v1/admin/audit?limit=2", null).bodyAsJsonObject().getJsonArray("entries");
    JsonObject channel = entries.getJsonObject(0);
    JsonObject flush = entries.getJsonObject(1);
    assertThat(channel.getString("action")).isEqualTo("channel_changed");
    assertThat(channel.getString("actor")).isEqualTo("admin-token");
    assertThat(channel.getString("target")).isEqualTo("meituan");
    assertThat(channel.getJsonObject("detail")).isEqualTo(new JsonObject().put("charges_fee", false));
    assertThat(flush.getString("action")).isEqualTo("cache_flush");
    assertThat(flush.getString("actor")).isEqualTo(ops);
    assertThat(flush.getString("target")).isEqualTo("S001");
    assertThat(flush.getString("address")).isEqualTo("127.0.0.1");
    // Paging back: the entries before the newest.
    JsonArray older = admin(HttpMethod.GET, "/api/v1/admin/audit?limit=1&before=" + channel.getLong("id"), null)
      .bodyAsJsonObject().getJsonArray("entries");
    assertThat(older.getJsonObject(0).getLong("id")).isEqualTo(flush.getLong("id"));
    assertThat(admin(HttpMethod.GET, "/api/v1/admin/audit?limit=0", null).statusCode()).isEqualTo(400);
  }

  @Test
  void aChangeMadeOnAnotherGatewayAppliesHereWhenItsMessageArrives() {
    String name = user("viewer", "S001");
    Browser browser = signIn(gateway, name);
    Browser creator = signIn(gateway, user("manager", "S001"));
    JsonObject token = as(creator, HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("name", "ci")).bodyAsJsonObject();
    assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode()).isEqualTo(200);
    assertThat(withToken(token.getString("token"), HttpMethod.GET, "/api/v1/tokens", null).statusCode()).isEqualTo(200);
    // Another gateway changes the tables and publishes; this one has both cached for a few seconds.
    Pool db = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(gateway.config.pgUrlOrDefault())).using(gateway.vertx).build();
    db.preparedQuery("UPDATE users SET disabled = true WHERE username = $1").execute(Tuple.of(name)).await();
    db.preparedQuery("UPDATE api_tokens SET revoked_at = now() WHERE id = $1").execute(Tuple.of(token.getString("id"))).await();
    db.close().await();
    assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode()).as("cached until told").isEqualTo(200);
    // Not from a member: nothing changes (a forged "session ended" would sign users out during a Redis outage).
    JsonObject userChanged = new JsonObject().put("username", name);
    JsonObject revoked = new JsonObject().put("id", token.getString("id"));
    JsonObject ended = new JsonObject().put("id", browser.cookie());
    for (Forgeries.Forgery forgery : Forgeries.of(gateway.node.keys(), Addresses.USER_CHANGED, userChanged, new JsonObject().put("username", "x"))) {
      gateway.vertx.eventBus().publish(Addresses.USER_CHANGED, forgery.body(), forgery.options());
    }
    for (Forgeries.Forgery forgery : Forgeries.of(gateway.node.keys(), Addresses.TOKEN_REVOKED, revoked, new JsonObject().put("id", "x"))) {
      gateway.vertx.eventBus().publish(Addresses.TOKEN_REVOKED, forgery.body(), forgery.options());
    }
    for (Forgeries.Forgery forgery : Forgeries.of(gateway.node.keys(), Addresses.SESSION_ENDED, ended, new JsonObject().put("id", "x"))) {
      gateway.vertx.eventBus().publish(Addresses.SESSION_ENDED, forgery.body(), forgery.options());
    }
    for (String address : List.of(Addresses.USER_CHANGED, Addresses.TOKEN_REVOKED, Addresses.SESSION_ENDED)) {
      assertThat(Eventually.poll(Duration.ofSeconds(5), () -> Forgeries.rejected(gateway.node.meterRegistry(), address),
        Forgeries.everyForgeryRefused(1)::equals)).as(address).isEqualTo(Forgeries.everyForgeryRefused(1));
    }
    assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode()).as("still cached").isEqualTo(200);
    assertThat(withToken(token.getString("token"), HttpMethod.GET, "/api/v1/tokens", null).statusCode()).isEqualTo(200);
    gateway.vertx.eventBus().publish(Addresses.USER_CHANGED, userChanged, gateway.node.signatures().sign(Addresses.USER_CHANGED, userChanged));
    gateway.vertx.eventBus().publish(Addresses.TOKEN_REVOKED, revoked, gateway.node.signatures().sign(Addresses.TOKEN_REVOKED, revoked));
    assertThat(Eventually.poll(Duration.ofSeconds(2), () -> as(browser, HttpMethod.GET, "/api/v1/session", null).statusCode(),
      status -> status == 401)).isEqualTo(401);
    assertThat(Eventually.poll(Duration.ofSeconds(2), () -> withToken(token.getString("token"), HttpMethod.GET, "/api/v1/tokens",
      null).statusCode(), status -> status == 401)).isEqualTo(401);
  }

  @Test
  void aCookieThatNamesAnotherRedisKeyReadsNothingAndMovesNothing() {
    String name = user("viewer", "S001");
    Redis redis = Redis.createClient(gateway.vertx, TestStorage.redisUrl());
    RedisAPI api = RedisAPI.api(redis);
    String victim = "storedash:sign-in-test:" + prefix + "victim";
    api.set(List.of(victim, "kept")).await();
    try {
      for (String value : List.of(victim, "storedash:sign-in:address:127.0.0.1", "sd:L2:{S001}:x")) {
        MultiMap cookie = MultiMap.caseInsensitiveMultiMap().add("Cookie", Sessions.COOKIE + "=" + value);
        assertThat(send(gateway, HttpMethod.GET, "/api/v1/stores", null, cookie).statusCode()).isEqualTo(401);
        assertThat(send(gateway, HttpMethod.GET, "/api/v1/session", null, cookie).statusCode()).isEqualTo(401);
        HttpResponse<Buffer> signedIn = signInRaw(gateway, name, PASSWORD, value);
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(cookieOf(signedIn)).matches("[0-9A-Fa-f]{32,}");
      }
      assertThat(api.pttl(victim).await().toLong()).as("the key's expiry").isEqualTo(-1);
      assertThat(api.get(victim).await().toString()).isEqualTo("kept");
    } finally {
      api.del(List.of(victim)).await();
      redis.close();
    }
  }

  @Test
  void whileRedisIsDownASessionThisGatewayServedGoesOnButNoOneSignsIn() {
    String name = user("viewer", "S001");
    String other = user("manager", "S001");
    EmbeddedRedisServer redis = EmbeddedRedisServer.start(0, "64mb");
    StandIns own = StandIns.withSignIn(Map.of("PG_URL", gateway.config.pgUrl().orElseThrow(), "REDIS_URL", redis.url()), clock);
    try {
      Browser browser = signIn(own, name);
      Browser leaving = signIn(own, other);
      assertThat(as(own, browser, HttpMethod.GET, "/api/v1/stores/S001/overview", null, false).statusCode()).isEqualTo(200);
      assertThat(as(own, leaving, HttpMethod.GET, "/api/v1/session", null, false).statusCode()).isEqualTo(200);
      assertThat(as(own, leaving, HttpMethod.DELETE, "/api/v1/session", null, true).statusCode()).isEqualTo(204);
      redis.stop();
      assertThat(as(own, browser, HttpMethod.GET, "/api/v1/stores/S001/overview", null, false).statusCode()).isEqualTo(200);
      assertThat(as(own, browser, HttpMethod.GET, "/api/v1/session", null, false).bodyAsJsonObject().getString("user"))
        .isEqualTo(name);
      // A signed-out session is not revived, and signing in needs Redis.
      assertThat(as(own, leaving, HttpMethod.GET, "/api/v1/session", null, false).statusCode()).isEqualTo(503);
      HttpResponse<Buffer> signIn = signInRaw(own, name, PASSWORD, null);
      assertThat(signIn.statusCode()).isEqualTo(503);
      assertThat(StandIns.problem(signIn).getString("detail")).contains("retry shortly");
      HttpResponse<Buffer> signOut = as(own, browser, HttpMethod.DELETE, "/api/v1/session", null, true);
      assertThat(signOut.statusCode()).isEqualTo(503);
      assertThat(StandIns.problem(signOut).getString("detail")).contains("retry shortly");
      // The expiry checks still hold.
      clock.advance(Duration.ofMinutes(31));
      assertThat(as(own, browser, HttpMethod.GET, "/api/v1/session", null, false).statusCode()).isIn(401, 503);
      // The admin token needs no Redis.
      assertThat(own.get("/api/v1/stores/S001/overview").statusCode()).isEqualTo(200);
    } finally {
      own.close();
      redis.close();
    }
  }

  @Test
  void whilePostgresIsAwaySignedInUsersAndTheirTokensGoOnAsTheyWere() {
    String name = user("viewer", "S001");
    Browser browser = signIn(gateway, name);
    Browser creator = signIn(gateway, user("manager", "S001"));
    String secret = as(creator, HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("name", "ci")).bodyAsJsonObject()
      .getString("token");
    assertThat(withToken(secret, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);
    assertThat(as(browser, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);
    // Past the cache period, so that each request asks PostgreSQL first.
    clock.advance(Duration.ofSeconds(10));
    PgConnectOptions database = PgConnectOptions.fromUri(gateway.config.pgUrlOrDefault());
    Pool admin = PgBuilder.pool().connectingTo(new PgConnectOptions(database).setDatabase("postgres")).using(gateway.vertx).build();
    admin.query("ALTER DATABASE " + database.getDatabase() + " ALLOW_CONNECTIONS false").execute().await();
    try {
      admin.preparedQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .execute(Tuple.of(database.getDatabase())).await();
      assertThat(as(browser, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);
      assertThat(as(browser, HttpMethod.GET, "/api/v1/session", null).bodyAsJsonObject().getString("role")).isEqualTo("viewer");
      assertThat(withToken(secret, HttpMethod.GET, "/api/v1/stores/S001/overview", null).statusCode()).isEqualTo(200);
      // Nobody unknown to this gateway gets in, and nothing is changed.
      assertThat(signInRaw(gateway, name, PASSWORD, null).statusCode()).isEqualTo(503);
      assertThat(withToken("sdt_unknown-token-0123456789abcdef", HttpMethod.GET, "/api/v1/stores", null).statusCode())
        .isEqualTo(503);
    } finally {
      admin.query("ALTER DATABASE " + database.getDatabase() + " ALLOW_CONNECTIONS true").execute().await();
      admin.close().await();
    }
    assertThat(signInRaw(gateway, name, PASSWORD, null).statusCode()).isEqualTo(200);
  }
}
