package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.monitor.MonitorService;
import io.storedash.query.QueryService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property of per-store access, over every sales route, for random users with random roles and scopes: no answer
 * ever carries a figure, a name or a code of a store outside the caller's stores — through the cache, and again with
 * cache-service gone (the gateway then asks query-service directly, as a bypass does).
 *
 * <p>The oracle is built into the fixture: store {@code i} sells exactly 2<sup>i</sup> yuan a day on each of two
 * days, on a channel without a service fee (so every order counts), a product named after the store. A sum of
 * revenue is then a bit set of the stores it covers: the {@code all} answers of a caller must be exactly the bits of
 * the caller's stores, and a foreign store's product, name or code must appear nowhere.
 */
class AccessPropertyTest {

  static final String TOKEN = "access-property-admin-token-0123456789";
  static final String PASSWORD = "property-test-password";
  /** Store code → city; store i (in this order) sells 2^i yuan a day. */
  static final Map<String, String> STORES = new LinkedHashMap<>();
  static final List<String> CITIES = List.of("杭州", "宁波", "温州");
  static final String DAYS = "from=2026-11-01&to=2026-11-02";
  /** Kinds asked of every store and of {@code all} where the kind allows it. */
  static final List<String> STORE_KINDS = List.of("overview", "trend", "channels", "categories", "hours", "products",
    "diagnosis", "orders");
  static final List<String> ALL_KINDS = List.of("overview", "trend", "channels", "categories", "hours");
  private static final int USERS = 24;

  static {
    for (int i = 0; i < 8; i++) {
      STORES.put("A0" + i, CITIES.get(i % 3));
    }
  }

  private static Node node;
  private static StoreDashConfig config;
  private static WebClient client;
  private static String cacheDeployment;
  private static int requestsChecked;
  private static int refusalsChecked;

  @BeforeAll
  static void start() {
    config = TestStorage.config(Map.of("ADMIN_TOKEN", TOKEN, "WARM_ON_START", "false"));
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> node.deploy(CacheService.DESCRIPTOR, 1))
      .onSuccess(id -> cacheDeployment = id)
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.httpPort()).setFollowRedirects(false));
    HttpResponse<Buffer> imported = client.post("/api/v1/imports")
      .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Content-Type", "text/csv")
      .sendBuffer(Buffer.buffer(fixture())).await();
    assertThat(imported.statusCode()).as(imported.bodyAsString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    System.out.printf("access property: %d answers checked, %d of them refusals, over %d users per pass%n",
      requestsChecked, refusalsChecked, USERS);
    node.shutdown().await();
  }

  /** Two days, one order a day per store, 2^i yuan, on the till (no platform fee: every order is valid). */
  static String fixture() {
    StringBuilder csv = new StringBuilder("订单ID,下单时间,门店ID,门店名称,城市名称,渠道,商品名称,一级分类名,销量,实收价格,成本\n");
    int i = 0;
    for (Map.Entry<String, String> store : STORES.entrySet()) {
      for (String day : List.of("2026-11-01", "2026-11-02")) {
        csv.append("O-").append(store.getKey()).append('-').append(day).append(',').append(day).append(" 10:00:00,")
          .append(store.getKey()).append(",门店").append(store.getKey()).append(',').append(store.getValue())
          .append(",收银机订单,商品").append(store.getKey()).append(",类").append(store.getKey()).append(",1,")
          .append(1 << i).append(".00,0.00\n");
      }
      i++;
    }
    return csv.toString();
  }

  /** The bits of a set of stores: the revenue, in yuan a day, that their sum must come to. */
  static long bits(Set<String> stores) {
    long bits = 0;
    int i = 0;
    for (String code : STORES.keySet()) {
      if (stores.contains(code)) {
        bits |= 1L << i;
      }
      i++;
    }
    return bits;
  }

  record User(String name, String role, Set<String> stores, Set<String> cities) {
    /** The existing stores this user may see: the oracle. */
    Set<String> visible() {
      Set<String> visible = new TreeSet<>();
      STORES.forEach((code, city) -> {
        if (role.equals("hq") || stores.contains(code) || cities.contains(city)) {
          visible.add(code);
        }
      });
      return visible;
    }
  }

  static List<User> randomUsers(long seed, String prefix) {
    Random random = new Random(seed);
    List<User> users = new ArrayList<>();
    List<String> codes = new ArrayList<>(STORES.keySet());
    for (int u = 0; u < USERS; u++) {
      String role = u == 0 ? "hq" : random.nextInt(3) == 0 ? "viewer" : "manager";
      Set<String> stores = new TreeSet<>();
      int n = random.nextInt(4);
      for (int k = 0; k < n; k++) {
        stores.add(codes.get(random.nextInt(codes.size())));
      }
      if (random.nextInt(5) == 0) {
        stores.add("Z99"); // a store that does not exist (yet): it adds nothing
      }
      Set<String> cities = new TreeSet<>();
      if (random.nextInt(3) == 0) {
        cities.add(CITIES.get(random.nextInt(CITIES.size())));
      }
      users.add(new User(prefix + u, role, stores, cities));
    }
    return users;
  }

  private static String signIn(User user) {
    HttpResponse<Buffer> created = client.post("/api/v1/admin/users").putHeader("Authorization", "Bearer " + TOKEN)
      .sendJsonObject(new JsonObject().put("username", user.name()).put("password", PASSWORD).put("role", user.role())
        .put("stores", new JsonArray(new ArrayList<>(user.stores()))).put("cities", new JsonArray(new ArrayList<>(user.cities()))))
      .await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> session = client.post("/api/v1/session")
      .sendJsonObject(new JsonObject().put("username", user.name()).put("password", PASSWORD)).await();
    assertThat(session.statusCode()).as(session.bodyAsString()).isEqualTo(200);
    assertThat(new TreeSet<>(session.bodyAsJsonObject().getJsonArray("stores").getList())).isEqualTo(user.stores());
    return session.cookies().stream().map(c -> c.split(";", 2)[0]).filter(c -> c.startsWith("storedash_session="))
      .findFirst().orElseThrow();
  }

  private static HttpResponse<Buffer> get(String cookie, String uri) {
    return client.get(uri).putHeader("Cookie", cookie).send().await();
  }

  @Test
  void noAnswerCarriesAStoreOutsideTheCallersStoresThroughTheCacheOrWithout() {
    checkEveryRoute(randomUsers(16, "u"));
    // Without cache-service the gateway asks query-service itself: the same property must hold.
    node.vertx().undeploy(cacheDeployment).await();
    checkEveryRoute(randomUsers(17, "w"));
    assertThat(requestsChecked).isGreaterThan(2 * USERS * 50);
  }

  private static void checkEveryRoute(List<User> users) {
    String unknownAnswer = null;
    for (User user : users) {
      String cookie = signIn(user);
      Set<String> visible = user.visible();
      Set<String> foreign = new TreeSet<>(STORES.keySet());
      foreign.removeAll(visible);

      JsonObject list = answer(cookie, "/api/v1/stores", foreign);
      assertThat(codes(list.getJsonArray("stores"))).as("the picker of %s", user).isEqualTo(visible);
      JsonObject ranking = answer(cookie, "/api/v1/ranking?" + DAYS, foreign);
      assertThat(codes(ranking.getJsonArray("stores", ranking.getJsonArray("ranking")))).as("the ranking of %s", user)
        .isEqualTo(visible);
      for (String kind : ALL_KINDS) {
        JsonObject all = answer(cookie, "/api/v1/stores/all/" + kind + "?" + DAYS, foreign);
        if (kind.equals("overview")) {
          BigDecimal revenue = new BigDecimal(String.valueOf(all.getJsonObject("kpis").getValue("revenue")));
          assertThat(revenue).as("'all' of %s is the sum of exactly their stores", user)
            .isEqualByComparingTo(BigDecimal.valueOf(2 * bits(visible)));
        }
      }
      for (String store : STORES.keySet()) {
        for (String kind : STORE_KINDS) {
          String uri = "/api/v1/stores/" + store + "/" + kind + "?" + DAYS;
          if (visible.contains(store)) {
            Set<String> others = new TreeSet<>(STORES.keySet());
            others.remove(store);
            answer(cookie, uri, others);
          } else {
            HttpResponse<Buffer> refused = get(cookie, uri);
            requestsChecked++;
            refusalsChecked++;
            assertThat(refused.statusCode()).as("%s asks %s", user, uri).isEqualTo(404);
            String detail = refused.bodyAsJsonObject().getString("detail").replace(store, "?");
            // Exactly what a store that does not exist gets: its existence is not revealed.
            String missing = get(cookie, "/api/v1/stores/Q77/" + kind + "?" + DAYS).bodyAsJsonObject().getString("detail")
              .replace("Q77", "?");
            assertThat(detail).isEqualTo(missing);
            unknownAnswer = detail;
          }
        }
      }
    }
    assertThat(unknownAnswer).as("some user met a foreign store").isNotNull();
  }

  /** A 200 answer that names none of {@code foreign}: no code, no store name, no product of theirs. */
  private static JsonObject answer(String cookie, String uri, Set<String> foreign) {
    HttpResponse<Buffer> response = get(cookie, uri);
    requestsChecked++;
    assertThat(response.statusCode()).as("%s: %s", uri, response.bodyAsString()).isEqualTo(200);
    String body = response.bodyAsString();
    for (String code : foreign) {
      assertThat(body).as("%s names foreign store %s", uri, code).doesNotContain(code);
    }
    return response.bodyAsJsonObject();
  }

  private static Set<String> codes(JsonArray rows) {
    Set<String> codes = new TreeSet<>();
    for (int i = 0; rows != null && i < rows.size(); i++) {
      codes.add(rows.getJsonObject(i).getString("code"));
    }
    return codes;
  }

  @Test
  void aManagerImportsForTheirOwnStoresOnlyAndEveryImportIsAudited() {
    User manager = new User("importer", "manager", Set.of("A01"), Set.of());
    String cookie = signIn(manager);
    String csrf = client.get("/api/v1/session").putHeader("Cookie", cookie).send().await().bodyAsJsonObject()
      .getString("csrf_token");
    String own = "订单ID,下单时间,门店ID,门店名称,城市名称,渠道,商品名称,一级分类名,销量,实收价格,成本\n"
      + "M-1,2026-11-02 11:00:00,A01,门店A01,宁波,收银机订单,商品A01,类A01,1,0.50,0.00\n";
    String foreign = own + "M-2,2026-11-02 11:00:00,A02,门店A02,温州,收银机订单,商品A02,类A02,1,0.50,0.00\n";
    String created = own.replace("M-1", "M-3").replace("A01,门店A01", "N01,新店");
    HttpResponse<Buffer> refused = upload(cookie, csrf, "foreign.csv", foreign);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(422);
    assertThat(refused.bodyAsString()).contains("A02").contains("not one of the stores you may import for");
    HttpResponse<Buffer> newStore = upload(cookie, csrf, "new-store.csv", created);
    assertThat(newStore.statusCode()).as(newStore.bodyAsString()).isEqualTo(422);
    assertThat(upload(cookie, null, "own.csv", own).statusCode()).as("no CSRF token").isEqualTo(403);
    HttpResponse<Buffer> imported = upload(cookie, csrf, "own.csv", own);
    assertThat(imported.statusCode()).as(imported.bodyAsString()).isEqualTo(200);
    User viewer = new User("looker", "viewer", Set.of("A01"), Set.of());
    String viewerCookie = signIn(viewer);
    String viewerCsrf = client.get("/api/v1/session").putHeader("Cookie", viewerCookie).send().await().bodyAsJsonObject()
      .getString("csrf_token");
    assertThat(upload(viewerCookie, viewerCsrf, "own.csv", own).statusCode()).as("a viewer imports nothing").isEqualTo(403);

    // A refusal's row is written beside its answer: read until the four imports are in (the 403s never reached an import).
    List<JsonObject> imports = Eventually.poll(java.time.Duration.ofSeconds(5), AccessPropertyTest::importsAudited,
      rows -> rows.size() >= 4);
    assertThat(imports).extracting(e -> e.getString("actor") + " " + e.getString("target") + " "
        + e.getJsonObject("detail").getBoolean("imported"))
      .contains("importer own.csv true", "importer foreign.csv false", "importer new-store.csv false", "admin-token upload.csv true");
    JsonObject ok = imports.stream().filter(e -> e.getString("target").equals("own.csv")).findFirst().orElseThrow();
    assertThat(ok.getJsonObject("detail").getInteger("lines")).isEqualTo(1);
    assertThat(ok.getJsonObject("detail").getJsonArray("stores")).containsExactly("A01");
  }

  private static List<JsonObject> importsAudited() {
    JsonArray audit = client.get("/api/v1/admin/audit?limit=500").putHeader("Authorization", "Bearer " + TOKEN).send().await()
      .bodyAsJsonObject().getJsonArray("entries", new JsonArray());
    List<JsonObject> imports = new ArrayList<>();
    for (int i = 0; i < audit.size(); i++) {
      if ("import".equals(audit.getJsonObject(i).getString("action"))) {
        imports.add(audit.getJsonObject(i));
      }
    }
    return imports;
  }

  /** The file as the page sends it: a form whose part {@code file} has the file's name. */
  private static HttpResponse<Buffer> upload(String cookie, String csrf, String name, String csv) {
    var request = client.post("/api/v1/imports").putHeader("Cookie", cookie);
    if (csrf != null) {
      request.putHeader("X-CSRF-Token", csrf);
    }
    return request.sendMultipartForm(io.vertx.ext.web.multipart.MultipartForm.create()
      .binaryFileUpload("file", name, Buffer.buffer(csv), "text/csv")).await();
  }
}
