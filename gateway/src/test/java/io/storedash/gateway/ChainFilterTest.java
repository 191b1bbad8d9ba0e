package io.storedash.gateway;

import io.storedash.common.DashboardQuery;
import io.storedash.common.Gzip;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.testing.ManualClock;
import io.storedash.gateway.auth.Sessions;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code city=} and the new views through the gateway (docs/DESIGN.md §13.2), as an attacker would try them: a city
 * becomes the set of the caller's stores in it — never more than the caller may see, an unknown city or a pattern the
 * empty set, never the chain — and a manager's search or losing products stay within their stores. The stand-in
 * cache-service answers the store list (杭州: S001, S002; 宁波: S003; 上海: S004) and records every query it is asked,
 * so each test reads the exact set the gateway asked for.
 */
class ChainFilterTest {

  private static final JsonArray STORES = new JsonArray()
    .add(store("S001", "杭州")).add(store("S002", "杭州")).add(store("S003", "宁波")).add(store("S004", "上海"));
  private static StandIns gateway;
  private static String prefix;

  @BeforeAll
  static void start() {
    gateway = StandIns.withSignIn(Map.of(), new ManualClock());
    gateway.cacheAnswer = ChainFilterTest::answer;
    prefix = "c" + UUID.randomUUID().toString().substring(0, 8) + ".";
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static JsonObject store(String code, String city) {
    return new JsonObject().put("code", code).put("name", code).put("city", city);
  }

  /** The store list for the gateway's directory; an echo of the query for everything else. */
  private static void answer(Message<JsonObject> msg) {
    DashboardQuery query = DashboardQuery.fromJson(msg.body());
    JsonObject body = query.kind().wireName().equals("stores") && !query.restricted()
      ? new JsonObject().put("stores", STORES) : new JsonObject().put("echo", query.canonical());
    msg.reply(Buffer.buffer(Gzip.compress(body.encode().getBytes(StandardCharsets.UTF_8))),
      new DeliveryOptions().addHeader(ReplyHeaders.TIER, "L2").addHeader(ReplyHeaders.CACHE_STATUS, "HIT")
        .addHeader(ReplyHeaders.ENCODING, "gzip").addHeader(ReplyHeaders.ETAG, "W/\"abc\""));
  }

  @Test
  void hqsCityIsThatCitysStoresAndAnUnknownCityIsNoStore() {
    assertThat(setAsked(null, "/api/v1/stores/all/overview?city=" + enc("杭州"))).containsExactly("S001", "S002");
    assertThat(setAsked(null, "/api/v1/ranking?metric=profit&city=" + enc("宁波"))).containsExactly("S003");
    assertThat(setAsked(null, "/api/v1/stores?city=" + enc("上海"))).containsExactly("S004");
    assertThat(setAsked(null, "/api/v1/stores/all/losing-products?city=" + enc("杭州"))).containsExactly("S001", "S002");
    // Unknown, a prefix, another case, a pattern, SQL: the empty set, not the whole chain.
    for (String city : List.of("火星", "杭", "杭州 ", "%", "*", "?", ".*", "'; DROP TABLE stores; --", "S001")) {
      assertThat(setAsked(null, "/api/v1/stores/all/trend?city=" + enc(city))).as(city).isEmpty();
    }
    // Without a city, hq's all is the chain, unrestricted.
    gateway.seenByCache.clear();
    assertThat(gateway.get("/api/v1/stores/all/overview").statusCode()).isEqualTo(200);
    assertThat(last().containsKey("stores")).isFalse();
  }

  /** A manager of S001 and S003 (by code): a city shows their stores of it, a city of others' stores none. */
  @Test
  void aManagersCityNeverWidensTheirStores() {
    String cookie = signIn(user("manager", List.of("S001", "S003"), List.of()));
    assertThat(setAsked(cookie, "/api/v1/stores/all/overview")).containsExactly("S001", "S003");
    assertThat(setAsked(cookie, "/api/v1/stores/all/overview?city=" + enc("杭州"))).containsExactly("S001");
    assertThat(setAsked(cookie, "/api/v1/stores/all/channels?city=" + enc("上海"))).isEmpty();
    assertThat(setAsked(cookie, "/api/v1/ranking?city=" + enc("上海"))).isEmpty();
    assertThat(setAsked(cookie, "/api/v1/stores?city=" + enc("杭州"))).containsExactly("S001");
    assertThat(setAsked(cookie, "/api/v1/stores/all/losing-products")).containsExactly("S001", "S003");
    assertThat(setAsked(cookie, "/api/v1/stores/all/losing-products?city=" + enc("上海"))).isEmpty();
    // Another store's losing products, orders or search: the unknown store's answer, and no question asked.
    gateway.seenByCache.clear();
    for (String uri : List.of("/api/v1/stores/S004/losing-products", "/api/v1/stores/S002/orders?q=A1",
      "/api/v1/stores/S004/orders?group=order&day=latest", "/api/v1/stores/S999/orders?q=" + enc("%"))) {
      HttpResponse<Buffer> refused = get(cookie, uri);
      assertThat(refused.statusCode()).as(uri).isEqualTo(404);
      assertThat(StandIns.problem(refused).getString("detail")).as(uri).startsWith("unknown store");
    }
    assertThat(gateway.seenByCache).isEmpty();
    // Their own store's search goes through, the text as given.
    assertThat(get(cookie, "/api/v1/stores/S001/orders?q=" + enc("可乐%_")).statusCode()).isEqualTo(200);
    assertThat(last().getJsonObject("params").getString("q")).isEqualTo("可乐%_");
  }

  /** A viewer of the city 宁波: 杭州's stores are not theirs, whatever they ask. */
  @Test
  void aCityAssignmentAndAnotherCityShowNothing() {
    String cookie = signIn(user("viewer", List.of(), List.of("宁波")));
    assertThat(setAsked(cookie, "/api/v1/stores/all/hours")).containsExactly("S003");
    assertThat(setAsked(cookie, "/api/v1/stores/all/hours?city=" + enc("宁波"))).containsExactly("S003");
    assertThat(setAsked(cookie, "/api/v1/stores/all/hours?city=" + enc("杭州"))).isEmpty();
    assertThat(setAsked(cookie, "/api/v1/stores/all/categories?city=" + enc("宁波 "))).isEmpty();
  }

  /** Huge or malformed input is a 400 (or 414 past the request line's limit) before any question is asked. */
  @Test
  void hugeAndMalformedFiltersAreRefusedBeforeAnyQuestion() {
    gateway.seenByCache.clear();
    Map<String, String> refused = Map.of(
      "/api/v1/stores/S001/orders?q=" + "x".repeat(65), "q",
      "/api/v1/stores/S001/orders?q=" + enc("a\u0000b"), "q",
      "/api/v1/stores/S001/orders?q=", "q",
      "/api/v1/stores/all/overview?city=" + "c".repeat(65), "city",
      "/api/v1/stores/all/overview?city=" + enc("\u0007"), "city",
      "/api/v1/stores/S001/orders?min_amount=" + enc("1;DROP"), "min_amount",
      "/api/v1/stores/S001/orders?channel=" + enc("meituan' OR '1'='1"), "channel",
      "/api/v1/stores/all/overview?city=a&city=b", "city");
    refused.forEach((uri, parameter) -> {
      HttpResponse<Buffer> answer = gateway.get(uri);
      assertThat(answer.statusCode()).as(uri).isEqualTo(400);
      assertThat(StandIns.problem(answer).getString("parameter")).as(uri).isEqualTo(parameter);
    });
    assertThat(gateway.get("/api/v1/stores/S001/orders?q=" + "x".repeat(5000)).statusCode()).isEqualTo(414);
    assertThat(gateway.seenByCache).isEmpty();
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The set of stores the gateway asked the cache for (null: the whole chain). */
  private static List<String> setAsked(String cookie, String uri) {
    gateway.seenByCache.clear();
    HttpResponse<Buffer> answer = get(cookie, uri);
    assertThat(answer.statusCode()).as(uri + ": " + answer.bodyAsString()).isEqualTo(200);
    JsonArray stores = last().getJsonArray("stores");
    assertThat(stores).as(uri + " is asked as a set").isNotNull();
    return stores.stream().map(String::valueOf).toList();
  }

  private static JsonObject last() {
    assertThat(gateway.seenByCache).isNotEmpty();
    return gateway.seenByCache.get(gateway.seenByCache.size() - 1);
  }

  private static HttpResponse<Buffer> get(String cookie, String uri) {
    if (cookie == null) {
      return gateway.get(uri);
    }
    return gateway.client.get(uri).putHeader("Cookie", Sessions.COOKIE + "=" + cookie).send().await();
  }

  private static String user(String role, List<String> stores, List<String> cities) {
    String name = prefix + role + stores.size() + cities.size();
    HttpResponse<Buffer> created = SignInTest.send(gateway, HttpMethod.POST, "/api/v1/admin/users", new JsonObject()
        .put("username", name).put("password", SignInTest.PASSWORD).put("role", role)
        .put("stores", new JsonArray(stores)).put("cities", new JsonArray(cities)),
      MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return name;
  }

  private static String signIn(String username) {
    return SignInTest.signIn(gateway, username).cookie();
  }
}
