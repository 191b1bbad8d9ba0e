package io.storedash.gateway;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.QueryParams;
import io.storedash.gateway.http.ApiDocument;
import io.storedash.gateway.http.export.ExportRequest;
import io.storedash.gateway.http.export.Exports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document and the gateway's own validation agree: for every documented route and parameter, a set of
 * candidate values (built from the document's schemas and from the gateway's limits) is judged by the schema and by
 * the gateway, and both must say the same. Every refusal is a 400 problem naming the parameter, and none of these
 * requests reaches cache-service. Every documented route is served, and every route the gateway serves is
 * documented.
 */
class OpenApiContractTest {

  private static final DateTimeFormatter ISO_DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
  private static StandIns gateway;
  private static JsonObject doc;

  @BeforeAll
  static void start() {
    // Single sign-on configured, its issuer never reachable: both of its routes are served (503 until discovered).
    int port = io.storedash.common.testing.TestStorage.freePort();
    gateway = StandIns.withCache(Map.of("HTTP_PORT", String.valueOf(port),
      "OIDC_ISSUER", "http://127.0.0.1:" + io.storedash.common.testing.TestStorage.freePort() + "/nowhere",
      "OIDC_CLIENT_ID", "storedash", "OIDC_CLIENT_SECRET", "a-client-secret-for-tests-only",
      "OIDC_REDIRECT_URI", "http://127.0.0.1:" + port + io.storedash.common.config.OidcConfig.CALLBACK_PATH));
    doc = ApiDocument.load().document();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static JsonObject resolve(Object node) {
    JsonObject current = node instanceof JsonObject json ? json : new JsonObject((Map<String, Object>) node);
    while (current.containsKey("$ref")) {
      Object target = doc;
      for (String part : current.getString("$ref").substring(2).split("/")) {
        target = ((JsonObject) target).getValue(part);
      }
      current = (JsonObject) target;
    }
    return current;
  }

  private static List<JsonObject> parameters(JsonObject operation) {
    List<JsonObject> list = new ArrayList<>();
    JsonArray params = operation.getJsonArray("parameters", new JsonArray());
    for (int i = 0; i < params.size(); i++) {
      list.add(resolve(params.getValue(i)));
    }
    return list;
  }

  /** What the document says of a value: a small interpreter of the schema keywords the document uses. */
  static boolean accepts(JsonObject schemaNode, String value) {
    JsonObject schema = resolve(schemaNode);
    if (schema.containsKey("allOf")) {
      for (Object part : schema.getJsonArray("allOf")) {
        if (!accepts(resolve(part), value)) {
          return false;
        }
      }
      return true;
    }
    if (schema.containsKey("not") && accepts(resolve(schema.getValue("not")), value)) {
      return false;
    }
    if (schema.containsKey("anyOf")) {
      return schema.getJsonArray("anyOf").stream().anyMatch(part -> accepts(resolve(part), value));
    }
    if (schema.containsKey("enum")) {
      return schema.getJsonArray("enum").stream().map(String::valueOf).anyMatch(value::equals);
    }
    String type = schema.getString("type");
    if ("integer".equals(type)) {
      if (!value.matches("-?[1-9][0-9]{0,9}|0")) {
        return false;
      }
      long n = Long.parseLong(value);
      return (!schema.containsKey("minimum") || n >= schema.getLong("minimum"))
        && (!schema.containsKey("maximum") || n <= schema.getLong("maximum"));
    }
    if ("string".equals(type) || type == null) {
      if ("date".equals(schema.getString("format"))) {
        try {
          LocalDate.parse(value, ISO_DAY);
        } catch (DateTimeParseException e) {
          return false;
        }
      }
      return !schema.containsKey("pattern") || value.matches(schema.getString("pattern"));
    }
    return true;
  }

  /** Candidates for a parameter: the document's own edges and the gateway's, plus the usual mistakes. */
  private static Set<String> candidates(JsonObject schemaNode) {
    Set<String> values = new LinkedHashSet<>(List.of("", "0", "1", "-1", "1.5", "abc", "12x", "99999999999",
      "S001", "all", "ALL", "a b", "S-01_a", "S001;DROP", "x".repeat(32), "x".repeat(33), "中文",
      "2026-10-01", "2026-12-31", "2026-13-01", "2026-02-30", "2026-2-01", "yesterday", "20261001",
      String.valueOf(QueryParams.MAX_PAGE), String.valueOf(QueryParams.MAX_PAGE + 1),
      String.valueOf(QueryParams.MAX_PRODUCT_PAGE_SIZE), String.valueOf(QueryParams.MAX_PRODUCT_PAGE_SIZE + 1),
      String.valueOf(QueryParams.MAX_ORDER_PAGE_SIZE), String.valueOf(QueryParams.MAX_ORDER_PAGE_SIZE + 1),
      String.valueOf(QueryParams.MAX_DIAGNOSIS_PAGE_SIZE), String.valueOf(QueryParams.MAX_DIAGNOSIS_PAGE_SIZE + 1),
      String.valueOf(QueryParams.MAX_RANKING_PAGE_SIZE), String.valueOf(QueryParams.MAX_RANKING_PAGE_SIZE + 1),
      "Star", "declining ", "flag",
      "latest", "Latest", "order", "orders", "12.345", "-0.5", "0.10", "1e3", "杭州", " ", "%", "_", "P_", "a\tb",
      "'; DROP TABLE orders; --", "x".repeat(64), "x".repeat(65), "中".repeat(64), "中".repeat(65),
      "revenue ", "Revenue", "price"));
    values.addAll(QueryParams.PRODUCT_SORTS);
    values.addAll(QueryParams.RANKING_METRICS);
    values.addAll(QueryParams.DIAGNOSIS_QUADRANTS);
    values.addAll(QueryParams.DIAGNOSIS_FLAGS);
    collectEdges(resolve(schemaNode), values);
    return values;
  }

  private static void collectEdges(JsonObject schema, Set<String> values) {
    for (String parts : List.of("allOf", "anyOf")) {
      if (schema.containsKey(parts)) {
        schema.getJsonArray(parts).forEach(part -> collectEdges(resolve(part), values));
      }
    }
    if (schema.containsKey("enum")) {
      schema.getJsonArray("enum").forEach(v -> values.add(String.valueOf(v)));
    }
    for (String edge : List.of("minimum", "maximum")) {
      if (schema.containsKey(edge)) {
        long n = schema.getLong(edge);
        values.addAll(List.of(String.valueOf(n - 1), String.valueOf(n), String.valueOf(n + 1)));
      }
    }
    if (schema.containsKey("default")) {
      values.add(String.valueOf(schema.getValue("default")));
    }
  }

  private static QueryKind kindOf(String path) {
    if (path.equals("/api/v1/stores")) {
      return QueryKind.STORES;
    }
    return QueryKind.fromWire(path.substring(path.lastIndexOf('/') + 1));
  }

  private static Map<String, JsonObject> dashboardOperations() {
    Map<String, JsonObject> ops = new TreeMap<>();
    doc.getJsonObject("paths").forEach(e -> {
      String path = e.getKey();
      if (path.startsWith("/api/v1/stores") || path.equals("/api/v1/ranking")) {
        ops.put(path, ((JsonObject) e.getValue()).getJsonObject("get"));
      }
    });
    return ops;
  }

  private static String uri(String path, String store, Map<String, String> query) {
    StringBuilder uri = new StringBuilder(path.replace("{store}", URLEncoder.encode(store, StandardCharsets.UTF_8).replace("+", "%20")));
    String sep = "?";
    for (Map.Entry<String, String> e : query.entrySet()) {
      uri.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = "&";
    }
    return uri.toString();
  }

  @Test
  void everyDashboardRouteIsDocumentedWithTheGatewaysParameters() {
    Map<String, JsonObject> ops = dashboardOperations();
    Set<String> served = new TreeSet<>(List.of("/api/v1/stores", "/api/v1/ranking"));
    for (QueryKind kind : DashboardRoutes.STORE_KINDS) {
      served.add("/api/v1/stores/{store}/" + kind.wireName());
    }
    assertThat(ops.keySet()).containsExactlyInAnyOrderElementsOf(served);
    ops.forEach((path, op) -> {
      QueryKind kind = kindOf(path);
      Set<String> queryNames = new HashSet<>();
      Map<String, String> defaults = new TreeMap<>();
      for (JsonObject p : parameters(op)) {
        if ("query".equals(p.getString("in"))) {
          queryNames.add(p.getString("name"));
          JsonObject schema = resolve(p.getJsonObject("schema"));
          if (schema.containsKey("default")) {
            defaults.put(p.getString("name"), String.valueOf(schema.getValue("default")));
          }
        }
      }
      Set<String> expected = new HashSet<>(QueryParams.namesOf(kind));
      if (kind != QueryKind.STORES && kind != QueryKind.ACTIONS) {
        expected.addAll(List.of("from", "to"));
      }
      if (Exports.exportable(kind)) {
        // format and lang ask for the view as a file (DESIGN §13.1): no part of the view, taken by every exporting route.
        expected.addAll(ExportRequest.PARAMETERS);
      }
      if (DashboardRoutes.takesCity(kind)) {
        expected.add(DashboardRoutes.CITY);
      }
      assertThat(queryNames).as(path).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(defaults).as("defaults of " + path).isEqualTo(new TreeMap<>(kind.defaults()));
      for (String status : List.of("200", "400", "503", "504")) {
        assertThat(op.getJsonObject("responses").containsKey(status)).as(path + " documents " + status).isTrue();
      }
    });
    JsonObject from = resolve(doc.getJsonObject("components").getJsonObject("parameters").getJsonObject("From"));
    assertThat(from.getInteger("x-max-range-days")).isEqualTo(DashboardQuery.MAX_RANGE_DAYS);
  }

  @Test
  void theDocumentAndTheGatewayJudgeEveryParameterValueAlike() {
    int judged = 0;
    for (Map.Entry<String, JsonObject> op : dashboardOperations().entrySet()) {
      String path = op.getKey();
      for (JsonObject param : parameters(op.getValue())) {
        String name = param.getString("name");
        for (String value : candidates(param.getJsonObject("schema"))) {
          Map<String, String> query = new TreeMap<>();
          // A city narrows all: it is judged on the chain's view (on one store's, any city is a 400).
          String store = name.equals(DashboardRoutes.CITY) ? "all" : "S001";
          if (name.equals("store")) {
            if (value.isEmpty()) {
              continue; // an empty path segment is another route, answered 404
            }
            store = value;
          } else {
            query.put(name, value);
            // Dates are judged one at a time, with a partner that makes any valid day a valid range.
            if (name.equals("from")) {
              query.put("to", "2026-12-31");
            } else if (name.equals("to")) {
              query.put("from", "2026-01-01");
            }
          }
          if ((name.equals("from") && !value.startsWith("2026")) || (name.equals("to") && !value.startsWith("2026"))) {
            // A valid day outside 2026 would make a range error, which is not what this judges.
            if (accepts(param.getJsonObject("schema"), value)) {
              continue;
            }
          }
          HttpResponse<Buffer> response = gateway.get(uri(path, store, query));
          boolean documentedValid = accepts(param.getJsonObject("schema"), value);
          String what = path + " " + name + "='" + value + "'";
          if (documentedValid) {
            assertThat(response.statusCode()).as(what + ": " + response.bodyAsString()).isEqualTo(200);
          } else {
            assertThat(response.statusCode()).as(what).isEqualTo(400);
            JsonObject problem = StandIns.problem(response);
            assertThat(problem.getString("parameter")).as(what).isEqualTo(name);
            assertThat(problem.getString("detail")).as(what).contains(name);
          }
          judged++;
        }
      }
    }
    System.out.printf("OpenAPI contract: %d parameter values judged alike by the document and the gateway%n", judged);
    assertThat(judged).isGreaterThan(300);
  }

  @Test
  void rangesFollowTheDocumentedRules() {
    int maxDays = DashboardQuery.MAX_RANGE_DAYS;
    LocalDate from = LocalDate.of(2026, 1, 1);
    String longest = "/api/v1/stores/S001/overview?from=" + from + "&to=" + from.plusDays(maxDays - 1);
    assertThat(gateway.get(longest).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> tooLong = gateway.get("/api/v1/stores/S001/overview?from=" + from + "&to=" + from.plusDays(maxDays));
    assertThat(StandIns.problem(tooLong).getString("detail")).contains("at most " + maxDays);
    HttpResponse<Buffer> reversed = gateway.get("/api/v1/stores/S001/trend?from=2026-10-05&to=2026-10-01");
    assertThat(StandIns.problem(reversed).getString("detail")).contains("is after");
    HttpResponse<Buffer> alone = gateway.get("/api/v1/ranking?from=2026-10-05");
    assertThat(StandIns.problem(alone).getString("parameter")).isEqualTo("to");
    HttpResponse<Buffer> unknown = gateway.get("/api/v1/stores/S001/overview?size=5");
    assertThat(StandIns.problem(unknown).getString("parameter")).isEqualTo("size");
    HttpResponse<Buffer> twice = gateway.get("/api/v1/stores/S001/orders?page=1&page=2");
    assertThat(StandIns.problem(twice).getString("parameter")).isEqualTo("page");
  }

  /** Rules over two parameters name the one to change; the document's text patterns are the gateway's. */
  @Test
  void rulesOverTwoParametersNameTheOneToChange() {
    assertThat(StandIns.problem(gateway.get("/api/v1/stores/S001/orders?day=latest&from=2026-10-01&to=2026-10-02"))
      .getString("parameter")).isEqualTo("day");
    assertThat(StandIns.problem(gateway.get("/api/v1/stores/S001/orders?min_amount=30&max_amount=29.99"))
      .getString("parameter")).isEqualTo("max_amount");
    HttpResponse<Buffer> oneStore = gateway.get("/api/v1/stores/S001/overview?city=" + URLEncoder.encode("杭州", StandardCharsets.UTF_8));
    assertThat(StandIns.problem(oneStore).getString("parameter")).isEqualTo("city");
    assertThat(StandIns.problem(oneStore).getString("detail")).contains("narrows 'all'");
    HttpResponse<Buffer> orders = gateway.get("/api/v1/stores/S001/orders?city=x");
    assertThat(StandIns.problem(orders).getString("parameter")).isEqualTo("city");
    assertThat(gateway.get("/api/v1/stores/S001/orders?day=2026-10-01&min_amount=10&max_amount=10").statusCode()).isEqualTo(200);
    JsonObject parameters = doc.getJsonObject("components").getJsonObject("parameters");
    assertThat(resolve(parameters.getJsonObject("City").getJsonObject("schema")).getString("pattern"))
      .isEqualTo("^" + QueryParams.TEXT_PATTERN + "$");
    JsonObject search = parameters(doc.getJsonObject("paths").getJsonObject("/api/v1/stores/{store}/orders").getJsonObject("get"))
      .stream().filter(p -> p.getString("name").equals("q")).findFirst().orElseThrow();
    assertThat(search.getJsonObject("schema").getString("pattern")).isEqualTo("^" + QueryParams.TEXT_PATTERN + "$");
  }

  @Test
  void refusedRequestsNeverReachTheCache() {
    gateway.seenByCache.clear();
    for (String uri : List.of("/api/v1/stores/S001/products?size=0", "/api/v1/stores/all/orders",
      "/api/v1/stores/S001/orders?q=" + "x".repeat(65), "/api/v1/stores/S001/trend?city=S001",
      "/api/v1/stores/all/losing-products?size=201",
      "/api/v1/ranking?metric=vibes", "/api/v1/stores/S001/overview?from=2026-02-30&to=2026-03-01",
      "/api/v1/stores/S0%2701/overview")) {
      assertThat(gateway.get(uri).statusCode()).as(uri).isEqualTo(400);
    }
    assertThat(gateway.seenByCache).isEmpty();
  }

  @Test
  void theChannelAdminRoutesAreDocumentedAsTheGatewayServesThem() {
    JsonObject paths = doc.getJsonObject("paths");
    JsonObject list = paths.getJsonObject("/api/v1/admin/channels").getJsonObject("get");
    JsonObject set = paths.getJsonObject("/api/v1/admin/channels/{code}").getJsonObject("put");
    for (JsonObject op : List.of(list, set)) {
      assertThat(op.getJsonArray("security")).as(op.getString("operationId")).isNotNull();
      for (String status : List.of("200", "401", "403", "503", "504")) {
        assertThat(op.getJsonObject("responses").containsKey(status)).as(op.getString("operationId") + " documents " + status).isTrue();
      }
    }
    assertThat(set.getJsonObject("responses").fieldNames()).contains("400", "404", "413");
    JsonObject body = set.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
      .getJsonObject("schema");
    assertThat(body.getJsonArray("required")).containsExactly("charges_fee");
    assertThat(body.getBoolean("additionalProperties")).isFalse();
    JsonObject code = resolve(parameters(set).get(0).getJsonObject("schema"));
    assertThat(code.getString("pattern")).isEqualTo("^" + AdminRoutes.CHANNEL_CODE + "$");
    for (String candidate : List.of("meituan", "meituan_flash", "ch-0a1b2c3d", "pos", "c".repeat(40), "c".repeat(41),
      "", "mei tuan", "美团", "x';DROP")) {
      assertThat(accepts(code, candidate)).as(candidate).isEqualTo(candidate.matches(AdminRoutes.CHANNEL_CODE));
    }
  }

  @Test
  void everyDocumentedRouteIsServed() {
    doc.getJsonObject("paths").forEach(e -> {
      String path = e.getKey().replace("{store}", "S001").replace("{code}", "meituan");
      JsonObject item = (JsonObject) e.getValue();
      for (String method : item.fieldNames()) {
        if (path.endsWith("/stream")) {
          continue;
        }
        HttpResponse<Buffer> response = gateway.client.request(HttpMethod.valueOf(method.toUpperCase()), path)
          .timeout(5000).send().await();
        assertThat(response.statusCode()).as(method + " " + path).isNotIn(404, 405);
      }
    });
  }

  @Test
  void everyRouteThatNeedsACallerDocumentsItsRefusals() {
    Set<String> publicOps = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    doc.getJsonObject("paths").forEach(e -> ((JsonObject) e.getValue()).forEach(m -> {
      if (!(m.getValue() instanceof JsonObject op) || !op.containsKey("responses")) {
        return;
      }
      String what = m.getKey().toUpperCase() + " " + e.getKey();
      JsonArray security = op.getJsonArray("security", doc.getJsonArray("security"));
      if (security.isEmpty()) {
        publicOps.add(what);
        return;
      }
      List<String> statuses = what.equals("GET /api/v1/session") ? List.of("401") : List.of("401", "403");
      for (String status : statuses) {
        if (!op.getJsonObject("responses").containsKey(status)) {
          missing.add(what + " " + status);
        }
      }
    }));
    assertThat(missing).isEmpty();
    // Exactly what the gateway serves without a caller.
    assertThat(publicOps).containsExactlyInAnyOrder("POST /api/v1/session", "GET /api/v1/session/oidc",
      "GET /api/v1/session/oidc/callback", "GET /api/v1/monitor",
      "GET /api/v1/monitor/stream", "GET /api/v1/bench/constant", "GET /health/live", "GET /health/ready");
    for (String path : List.of("/api/v1/stores", "/api/v1/stores/S001/overview", "/api/v1/tokens", "/api/v1/admin/users",
      "/api/v1/admin/audit", "/api/v1/admin/channels", "/metrics")) {
      HttpResponse<Buffer> anonymous = gateway.anonymous(path);
      assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
      assertThat(anonymous.getHeader("WWW-Authenticate")).as(path).startsWith("Bearer");
    }
    JsonObject signIn = doc.getJsonObject("paths").getJsonObject("/api/v1/session").getJsonObject("post");
    assertThat(resolve(signIn.getJsonObject("responses").getJsonObject("429")).getJsonObject("headers").fieldNames())
      .contains("Retry-After");
    assertThat(doc.getJsonObject("components").getJsonObject("securitySchemes").fieldNames())
      .containsExactlyInAnyOrder("bearerToken", "sessionCookie");
  }

  @Test
  void theSingleSignOnRoutesAreDocumentedAsTheGatewayAnswersThem() {
    JsonObject paths = doc.getJsonObject("paths");
    JsonObject start = paths.getJsonObject("/api/v1/session/oidc").getJsonObject("get");
    JsonObject callback = paths.getJsonObject("/api/v1/session/oidc/callback").getJsonObject("get");
    assertThat(start.getJsonObject("responses").fieldNames()).containsExactlyInAnyOrder("302", "503");
    assertThat(callback.getJsonObject("responses").fieldNames()).contains("302", "401", "403", "503");
    for (String uri : List.of("/api/v1/session/oidc", "/api/v1/session/oidc/callback?code=x&state=y")) {
      HttpResponse<Buffer> unavailable = gateway.anonymous(uri);
      assertThat(unavailable.statusCode()).as(uri).isEqualTo(503);
      assertThat(StandIns.problem(unavailable).getString("detail")).as(uri).startsWith("single sign-on is unavailable");
      assertThat(resolve(start.getJsonObject("responses").getJsonObject("503")).getJsonObject("headers").fieldNames())
        .contains("Retry-After");
      assertThat(unavailable.getHeader("Retry-After")).isNotNull();
    }
    // The page offers single sign-on when the session's 401 says it is configured; the member is documented.
    HttpResponse<Buffer> notSignedIn = gateway.anonymous("/api/v1/session");
    assertThat(notSignedIn.statusCode()).isEqualTo(401);
    JsonObject problem = StandIns.problem(notSignedIn);
    assertThat(problem.getBoolean("oidc")).isTrue();
    JsonObject documented = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem")
      .getJsonObject("properties");
    assertThat(documented.fieldNames()).containsAll(problem.fieldNames());
  }

  @Test
  void theSignInBodiesTakeExactlyTheDocumentedMembers() {
    record Body(HttpMethod method, String uri, String schema, boolean asAdmin) {
    }
    for (Body body : List.of(new Body(HttpMethod.POST, "/api/v1/session", "SignIn", false),
      new Body(HttpMethod.POST, "/api/v1/admin/users", "NewUser", true),
      new Body(HttpMethod.PATCH, "/api/v1/admin/users/nobody", "UserChange", true))) {
      JsonObject schema = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject(body.schema());
      assertThat(schema.getBoolean("additionalProperties")).as(body.schema()).isFalse();
      List<String> members = new ArrayList<>(schema.getJsonObject("properties").fieldNames());
      members.add("not_documented");
      for (String member : members) {
        var request = gateway.client.request(body.method(), body.uri());
        if (body.asAdmin()) {
          request.bearerTokenAuthentication(StandIns.TOKEN);
        }
        // A value of no documented type: refused for its type when the member is known, as unknown when it is not.
        JsonObject sent = new JsonObject();
        for (Object required : schema.getJsonArray("required", new JsonArray())) {
          sent.put((String) required, required.equals("role") ? "viewer" : "some-value-0123456789");
        }
        HttpResponse<Buffer> response = request.sendJsonObject(sent.put(member, new JsonObject())).await();
        assertThat(response.statusCode()).as(body.uri() + " " + member).isEqualTo(400);
        JsonObject problem = StandIns.problem(response);
        assertThat(problem.getString("parameter")).as(body.uri() + " " + member).isEqualTo(member);
        assertThat(problem.getString("detail")).as(body.uri() + " " + member)
          .matches(member.equals("not_documented") ? "unknown member.*" : "(?!unknown member).*");
      }
    }
  }
}
