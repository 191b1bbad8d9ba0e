package io.storedash.gateway;

import io.storedash.common.testing.ManualClock;
import io.storedash.gateway.push.SubscriptionRoutes;
import io.storedash.monitor.push.PushVerticle;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push routes as an attacker tries them, through the real gateway and monitor-service's push verticle in one
 * node: another user's subscription, a manager's foreign store, a forged request without CSRF, an SSRF URL, an
 * oversized body, a flood of test-sends. The webhooks are a receiver on 127.0.0.1.
 */
class SubscriptionRoutesTest {

  private final ManualClock clock = new ManualClock();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private StandIns gateway;
  private HttpServer receiver;
  private String prefix;

  @BeforeEach
  void start() {
    gateway = StandIns.withSignIn(Map.of("PUSH_SECRET_KEY",
      Base64.getEncoder().encodeToString("gateway-push-test-key-32-bytes!!".getBytes(StandardCharsets.UTF_8)),
      "PUSH_ALLOWED_HOSTS", "127.0.0.1", "PUSH_INTERVAL", "1h"), null);
    gateway.vertx.deployVerticle(new PushVerticle(gateway.config, gateway.node.signatures(), clock)).await();
    receiver = gateway.vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(request.path());
      request.response().end("{\"errcode\":0}");
    })).listen(0, "127.0.0.1").await();
    prefix = "p" + UUID.randomUUID().toString().substring(0, 8) + ".";
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void aManagerSubscribesToTheirOwnStoresOnlyAndAForeignStoreLooksUnknown() {
    SignInTest.Browser manager = signIn("manager", "S001");
    HttpResponse<Buffer> foreign = as(manager, HttpMethod.POST, SubscriptionRoutes.PATH, form("/f").put("stores",
      new JsonArray().add("S001").add("S002")));
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(StandIns.problem(foreign).getString("detail")).isEqualTo("unknown store 'S002'");
    HttpResponse<Buffer> own = as(manager, HttpMethod.POST, SubscriptionRoutes.PATH, form("/own"));
    assertThat(own.statusCode()).as(own.bodyAsString()).isEqualTo(201);
    assertThat(own.getHeader("Location")).isEqualTo(SubscriptionRoutes.PATH + "/" + own.bodyAsJsonObject().getString("id"));
    assertThat(own.bodyAsJsonObject().getString("owner")).isEqualTo(prefix + "manager1");
    assertThat(as(manager, HttpMethod.POST, SubscriptionRoutes.PATH, form("/mine").put("stores", new JsonArray().add("all")))
      .statusCode()).isEqualTo(201);
    HttpResponse<Buffer> group = as(manager, HttpMethod.POST, SubscriptionRoutes.PATH, form("/g").put("scope", "group"));
    assertThat(group.statusCode()).isEqualTo(400);
    assertThat(StandIns.problem(group).getString("detail")).contains("for hq");
  }

  @Test
  void anotherUsersSubscriptionCannotBeSeenTestedOrDeleted() {
    SignInTest.Browser owner = signIn("manager", "S001");
    SignInTest.Browser other = signIn("viewer", "S001");
    String id = as(owner, HttpMethod.POST, SubscriptionRoutes.PATH, form("/owned")).bodyAsJsonObject().getString("id");
    assertThat(as(other, HttpMethod.GET, SubscriptionRoutes.PATH, null).bodyAsJsonObject().getJsonArray("subscriptions")).isEmpty();
    for (HttpResponse<Buffer> refused : List.of(
      as(other, HttpMethod.DELETE, SubscriptionRoutes.PATH + "/" + id, null),
      as(other, HttpMethod.POST, SubscriptionRoutes.PATH + "/" + id + "/test", null),
      as(other, HttpMethod.GET, SubscriptionRoutes.PATH + "/" + id + "/deliveries", null))) {
      assertThat(refused.statusCode()).isEqualTo(404);
      assertThat(StandIns.problem(refused).getString("detail")).isEqualTo("no subscription '" + id + "'");
    }
    assertThat(received).isEmpty();
    assertThat(as(owner, HttpMethod.GET, SubscriptionRoutes.PATH, null).bodyAsJsonObject().getJsonArray("subscriptions")).hasSize(1);
    assertThat(as(owner, HttpMethod.DELETE, SubscriptionRoutes.PATH + "/" + id, null).statusCode()).isEqualTo(204);
    JsonArray audit = SignInTest.send(gateway, HttpMethod.GET, "/api/v1/admin/audit?limit=10", null,
      MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN)).bodyAsJsonObject().getJsonArray("entries");
    assertThat(audit.stream().map(e -> ((JsonObject) e).getString("action") + " " + ((JsonObject) e).getString("target")))
      .contains("subscription_created " + id, "subscription_deleted " + id);
    assertThat(audit.encode()).doesNotContain("/owned");
  }

  @Test
  void changesNeedTheCsrfTokenAndACaller() {
    SignInTest.Browser manager = signIn("manager", "S001");
    HttpResponse<Buffer> forged = SignInTest.as(gateway, manager, HttpMethod.POST, SubscriptionRoutes.PATH, form("/x"), false);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(gateway.anonymous(SubscriptionRoutes.PATH).statusCode()).isEqualTo(401);
    assertThat(as(manager, HttpMethod.GET, SubscriptionRoutes.PATH + "?all=true", null).statusCode()).isEqualTo(400);
    MultiMap admin = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN);
    assertThat(SignInTest.send(gateway, HttpMethod.POST, SubscriptionRoutes.PATH, form("/own"), admin).statusCode()).isEqualTo(403);
    assertThat(SignInTest.send(gateway, HttpMethod.POST, SubscriptionRoutes.PATH, form("/hq").put("scope", "group"), admin)
      .statusCode()).isEqualTo(201);
  }

  @Test
  void anSsrfUrlAndAnOversizedBodyAreRefused() {
    SignInTest.Browser manager = signIn("manager", "S001");
    HttpResponse<Buffer> metadata = as(manager, HttpMethod.POST, SubscriptionRoutes.PATH,
      form("/x").put("webhook", "http://169.254.169.254/latest/meta-data/iam"));
    assertThat(metadata.statusCode()).isEqualTo(400);
    assertThat(StandIns.problem(metadata).getString("detail")).contains("webhook host 169.254.169.254");
    HttpResponse<Buffer> huge = as(manager, HttpMethod.POST, SubscriptionRoutes.PATH,
      form("/x").put("name", "x".repeat((int) SubscriptionRoutes.BODY_LIMIT)));
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(as(manager, HttpMethod.GET, SubscriptionRoutes.PATH, null).bodyAsJsonObject().getJsonArray("subscriptions")).isEmpty();
  }

  @Test
  void aFloodOfTestSendsReachesTheWebhookOnceAndSecretsNeverComeBack() {
    SignInTest.Browser manager = signIn("manager", "S001");
    String id = as(manager, HttpMethod.POST, SubscriptionRoutes.PATH, form("/flood?key=THE-ROBOT-KEY")
      .put("secret", "the-signing-secret")).bodyAsJsonObject().getString("id");
    List<Future<Integer>> statuses = IntStream.range(0, 20).mapToObj(i -> gateway.client
      .post(SubscriptionRoutes.PATH + "/" + id + "/test").putHeaders(headers(manager)).send()
      .map(HttpResponse::statusCode)).toList();
    Future.join(statuses).await();
    assertThat(statuses.stream().map(Future::result).filter(s -> s == 200)).hasSize(1);
    assertThat(statuses.stream().map(Future::result).filter(s -> s == 429)).hasSize(19);
    assertThat(received).containsExactly("/flood");
    HttpResponse<Buffer> log = as(manager, HttpMethod.GET, SubscriptionRoutes.PATH + "/" + id + "/deliveries?limit=5", null);
    assertThat(log.bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0).getString("status")).isEqualTo("sent");
    String listed = as(manager, HttpMethod.GET, SubscriptionRoutes.PATH, null).bodyAsString();
    assertThat(listed + log.bodyAsString()).doesNotContain("THE-ROBOT-KEY", "the-signing-secret");
  }

  private JsonObject form(String path) {
    return new JsonObject().put("name", "早报").put("platform", "generic")
      .put("webhook", "http://127.0.0.1:" + receiver.actualPort() + path).put("stores", new JsonArray().add("S001"))
      .put("digest_time", "08:30");
  }

  private SignInTest.Browser signIn(String role, String... stores) {
    String name = prefix + role + stores.length;
    HttpResponse<Buffer> created = SignInTest.send(gateway, HttpMethod.POST, "/api/v1/admin/users", new JsonObject()
        .put("username", name).put("password", SignInTest.PASSWORD).put("role", role).put("stores", new JsonArray(List.of(stores))),
      MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return SignInTest.signIn(gateway, name);
  }

  private HttpResponse<Buffer> as(SignInTest.Browser browser, HttpMethod method, String uri, JsonObject body) {
    return SignInTest.as(gateway, browser, method, uri, body, true);
  }

  private static MultiMap headers(SignInTest.Browser browser) {
    return MultiMap.caseInsensitiveMultiMap().add("Cookie", io.storedash.gateway.auth.Sessions.COOKIE + "=" + browser.cookie())
      .add(io.storedash.gateway.auth.Sessions.CSRF_HEADER, browser.csrf());
  }
}
