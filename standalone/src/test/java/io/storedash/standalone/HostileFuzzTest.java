package io.storedash.standalone;

import io.storedash.common.Addresses;
import io.storedash.common.ImportProtocol;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing (jqwik) of every route and parameter of the API (openapi.yaml), of the admin routes with
 * the token, of request headers, of small import files, and of the event-bus messages that services accept from
 * each other: random and adversarial values (any Unicode, control characters, huge, SQL/JSON/path-traversal
 * lookalikes, numbers out of range, repeated parameters). Every answer must be a legitimate 2xx/304 or a 4xx
 * problem+json with a reason — never 5xx, never a stack trace — and the database must be unchanged. The number of
 * cases tried and the answers seen are printed per property.
 */
class HostileFuzzTest {

  private static HostileStack stack;
  private static Map<String, String> tablesBefore;
  /** Per property: answers seen, by status (or event-bus outcome). */
  private static final Map<String, Map<String, AtomicInteger>> SEEN = new ConcurrentHashMap<>();

  @BeforeContainer
  static void start() {
    stack = new HostileStack();
    tablesBefore = stack.tables();
  }

  @AfterContainer
  static void stop() {
    try {
      assertThat(stack.tables()).as("every table after the whole fuzz").isEqualTo(tablesBefore);
    } finally {
      stack.close();
      StringBuilder report = new StringBuilder("| property | cases | answers |\n|---|---|---|\n");
      int total = 0;
      for (Map.Entry<String, Map<String, AtomicInteger>> e : new TreeMap<>(SEEN).entrySet()) {
        int n = e.getValue().values().stream().mapToInt(AtomicInteger::get).sum();
        total += n;
        report.append("| ").append(e.getKey()).append(" | ").append(n).append(" | ").append(new TreeMap<>(e.getValue())).append(" |\n");
      }
      System.out.println(report.append("| total | ").append(total).append(" | |"));
    }
  }

  /** jqwik values may not be null: this stands for JSON null. */
  private static final String NULL = "\u0000<null>";

  private static Object json(Object value) {
    return NULL.equals(value) ? null : value;
  }

  private static void seen(String property, String outcome) {
    SEEN.computeIfAbsent(property, p -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
  }

  // ---- values ------------------------------------------------------------------------------------------------

  /** Values that have broken parsers elsewhere. None contains a Java class name or SQLSTATE (see leaksInternals). */
  private static final List<String> NASTY = List.of("", " ", "all", "ALL", "S001", "S002", "S003", "S999", "s001",
    "S001 ", "S001\u0000", "S" + "1".repeat(40), "-", "_", "..", "../..", "../../etc/passwd", "..%2f..%2f", "%2e%2e",
    "%00", "%", "%zz", "' OR '1'='1", "1; DROP TABLE orders;--", "\"", "\\", "{\"$gt\": \"\"}", "[]", "{}", "null",
    "true", "undefined", "NaN", "Infinity", "-Infinity", "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}", "#{7*7}", "\u202e", "\ufeff", "\ud800", "𝕊𝕥𝕠𝕣𝕖", "门店", "2026-10-01", "2026-10-30", "2026-02-30",
    "2026-13-01", "2026-10-1", "20261001", "2026-10-01T00:00:00Z", "+999999999-12-31", "-999999999-01-01",
    "+10000-01-01", "0000-01-01", "1999-12-31", "2101-01-01", "2000-01-01", "2100-12-31", "9999999999999999999999",
    "-1", "0", "1", "2", "20", "200", "201", "500", "501", "10000", "10001", "2147483648", "-2147483649", "1.5",
    "1e3", "0x10", "１", " 1", "1 ", "+1", "revenue", "REVENUE", "quantity", "gross_profit", "gross_margin", "orders",
    "profit", "profit_margin", "growth", "L1", "L2", "L4", "L5", "l2", "\r\n", "\t", "a".repeat(300));

  private static Arbitrary<String> values() {
    return Arbitraries.frequencyOf(
      Tuple.of(6, Arbitraries.of(NASTY)),
      Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)),
      Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(4)),
      Tuple.of(1, Arbitraries.strings().alpha().numeric().withChars("-_.%~").ofMinLength(1000).ofMaxLength(5000)),
      Tuple.of(1, Arbitraries.integers().map(String::valueOf)),
      Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
      Tuple.of(2, Arbitraries.integers().between(1990, 2110).flatMap(y -> Arbitraries.integers().between(0, 13)
        .flatMap(m -> Arbitraries.integers().between(0, 32).map(d -> String.format(Locale.ROOT, "%04d-%02d-%02d", y, m, d))))));
  }

  private static Arbitrary<String> names() {
    return Arbitraries.frequencyOf(
      Tuple.of(8, Arbitraries.of("from", "to", "sort", "page", "size", "metric", "store", "tier")),
      Tuple.of(1, Arbitraries.of("token", "access_token", "FROM", "from ", "kind", "params", "")),
      Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12)));
  }

  /** Days anywhere in the range a query may name, the edges included. */
  private static Arbitrary<String> days() {
    return Arbitraries.frequencyOf(
      Tuple.of(3, Arbitraries.integers().between(0, 40).map(d -> HostileStack.END.minusDays(d).toString())),
      Tuple.of(1, Arbitraries.integers().between(0, 36889).map(d -> java.time.LocalDate.of(2000, 1, 1).plusDays(d).toString())),
      Tuple.of(1, Arbitraries.of("2000-01-01", "2000-12-31", "2100-01-01", "2100-12-31", "2026-02-28", "2024-02-29")));
  }

  /** A from/to pair: mostly in order and at most a year long (the longest allowed, and just over it, included). */
  private static Arbitrary<List<String>> ranges() {
    return Combinators.combine(days(), Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(0, 60)),
        Tuple.of(2, Arbitraries.integers().between(300, 370)), Tuple.of(1, Arbitraries.integers().between(-5, -1))))
      .as((from, length) -> {
        java.time.LocalDate start = java.time.LocalDate.parse(from);
        java.time.LocalDate end = start.plusDays(length);
        return end.isAfter(java.time.LocalDate.of(2100, 12, 31)) ? List.of(start.minusDays(length).toString(), from)
          : List.of(from, end.toString());
      });
  }

  /** A value that the parameter allows (or nearly): so that many requests get past validation into the queries. */
  private static Arbitrary<String> plausible(String name) {
    return switch (name) {
      case "from", "to" -> days();
      case "sort" -> Arbitraries.of("revenue", "quantity", "gross_profit", "gross_margin", "orders");
      case "metric" -> Arbitraries.of("revenue", "profit", "orders", "profit_margin", "growth");
      case "page" -> Arbitraries.oneOf(Arbitraries.integers().between(1, 5), Arbitraries.of(10_000)).map(String::valueOf);
      case "size" -> Arbitraries.oneOf(Arbitraries.integers().between(1, 20), Arbitraries.of(200, 500)).map(String::valueOf);
      default -> values();
    };
  }

  private static Arbitrary<List<Map.Entry<String, String>>> queryParams() {
    Arbitrary<Map.Entry<String, String>> hostile = Combinators.combine(names(), values()).as(Map::entry);
    Arbitrary<Map.Entry<String, String>> valid = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("page", "size")),
        Tuple.of(1, Arbitraries.of("from", "to", "sort", "metric")))
      .flatMap(name -> plausible(name).map(value -> Map.entry(name, value)));
    Arbitrary<List<Map.Entry<String, String>>> rangeOnly = ranges().map(r -> List.of(Map.entry("from", r.get(0)), Map.entry("to", r.get(1))));
    return Arbitraries.frequencyOf(
      Tuple.of(3, hostile.list().ofMaxSize(5)),
      Tuple.of(2, valid.list().ofMaxSize(4)),
      Tuple.of(2, rangeOnly),
      Tuple.of(2, Combinators.combine(rangeOnly, valid.list().ofMaxSize(2)).as((r, v) -> {
        List<Map.Entry<String, String>> all = new ArrayList<>(r);
        all.addAll(v);
        return all;
      })));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(List<Map.Entry<String, String>> params) {
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      q.append(q.isEmpty() ? "?" : "&").append(encode(p.getKey())).append('=').append(encode(p.getValue()));
    }
    return q.toString();
  }

  /** A path segment: percent-encoded, or (sometimes) one of the raw sequences a client may put on the wire. */
  @Provide
  Arbitrary<String> storeSegments() {
    return Arbitraries.frequencyOf(
      Tuple.of(6, Arbitraries.of("S001", "S002", "S003", "all", "S999")),
      Tuple.of(4, values().map(HostileFuzzTest::encode)),
      Tuple.of(1, Arbitraries.of("..", "%2e%2e", "%2F", "%00", "%zz", "%", "S001%20", ".", "S001;x=1", "S001%2Foverview")));
  }

  private static final List<String> STORE_KINDS = List.of("overview", "trend", "channels", "categories", "hours",
    "products", "diagnosis", "orders");

  // ---- checks ------------------------------------------------------------------------------------------------

  /** An answer is a legitimate success, or a 4xx problem with a reason; nothing internal shows. */
  private static void check(String property, String what, HttpResponse<Buffer> response, Set<Integer> successes) {
    int status = response.statusCode();
    seen(property, String.valueOf(status));
    String body = response.bodyAsString();
    assertThat(status).as(what + " → " + body).isLessThan(500);
    assertThat(HostileStack.leaksInternals(body)).as(what + " → " + body).isFalse();
    if (status >= 400) {
      JsonObject problem = HostileStack.problem(response);
      assertThat(problem.getString("detail")).as(what).isNotBlank();
    } else {
      assertThat(successes).as(what + " → " + status).contains(status);
    }
  }

  /**
   * Sends as break-glass hq (the admin token) unless the request names its own Authorization: the fuzz is of what an
   * authenticated caller may send; what an unauthenticated one meets is the 401 of SignInTest in the gateway.
   */
  private static HttpResponse<Buffer> send(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    HttpRequest<Buffer> request = stack.client.request(method, uri).putHeaders(headers).timeout(30_000);
    if (!headers.contains("Authorization")) {
      request.putHeader("Authorization", "Bearer " + HostileStack.TOKEN);
    }
    return (body == null ? request.send() : request.sendBuffer(body)).await();
  }

  // ---- properties --------------------------------------------------------------------------------------------

  @Provide
  Arbitrary<String> kinds() {
    return Arbitraries.of(STORE_KINDS);
  }

  @Provide
  Arbitrary<List<Map.Entry<String, String>>> params() {
    return queryParams();
  }

  /** Parameters a kind takes, with values it allows, sometimes with one hostile parameter added. */
  @Provide
  Arbitrary<Tuple.Tuple2<String, List<Map.Entry<String, String>>>> kindsAndParams() {
    return Arbitraries.of(STORE_KINDS).flatMap(kind -> {
      List<String> own = switch (kind) {
        case "products" -> List.of("sort", "page", "size");
        case "orders" -> List.of("page", "size");
        default -> List.of();
      };
      Arbitrary<List<Map.Entry<String, String>>> fitting = Combinators.combine(ranges().injectNull(0.3),
          own.isEmpty() ? Arbitraries.just(List.<Map.Entry<String, String>>of())
            : Arbitraries.of(own).flatMap(n -> plausible(n).map(v -> Map.entry(n, v))).list().uniqueElements(Map.Entry::getKey)
              .ofMaxSize(own.size()),
          Combinators.combine(names(), values()).as(Map::entry).injectNull(0.7))
        .as((range, extra, hostile) -> {
          List<Map.Entry<String, String>> all = new ArrayList<>();
          if (range != null) {
            all.add(Map.entry("from", range.get(0)));
            all.add(Map.entry("to", range.get(1)));
          }
          all.addAll(extra);
          if (hostile != null) {
            all.add(hostile);
          }
          return all;
        });
      return Arbitraries.frequencyOf(Tuple.of(4, fitting), Tuple.of(2, queryParams())).map(p -> Tuple.of(kind, p));
    });
  }

  /**
   * Found by the fuzz: days before year 1 reached PostgreSQL and failed there (500), and a handful of such requests
   * opened cache-service's circuit breaker, so every user got 503 for 10 s. Days are now checked first.
   */
  @Example
  void daysPostgresCannotHoldAreRefusedAndHarmNoOneElse() {
    for (int i = 0; i < 10; i++) {
      for (String range : List.of("from=-4713-01-01&to=-4713-01-31", "from=0001-01-01&to=0001-01-31",
        "from=%2B5874897-12-01&to=%2B5874897-12-31")) {
        HttpResponse<Buffer> response = send(HttpMethod.GET, "/api/v1/stores/S001/overview?" + range,
          MultiMap.caseInsensitiveMultiMap(), null);
        assertThat(response.statusCode()).as(range).isEqualTo(400);
        assertThat(HostileStack.problem(response).getString("detail")).contains("must be a date from 2000-01-01 to 2100-12-31");
      }
    }
    HttpResponse<Buffer> others = send(HttpMethod.GET, "/api/v1/stores/S001/overview?from=2026-10-01&to=2026-10-30",
      MultiMap.caseInsensitiveMultiMap(), null);
    assertThat(others.statusCode()).isEqualTo(200);
  }

  /** Found by the fuzz in CI: an encoded slash between dot segments reached the page's static handler and failed (500). */
  @Example
  void dotSegmentsAroundAnEncodedSlashAreRefused() {
    for (String path : List.of("/..%2F..", "/..%2f..", "/.%2F..", "/..%2F", "/%2F..", "/..%5C..", "/static/..%2F..%2Fpom.xml",
      "/api/v1/..%2F..", "/monitor/..%2F..")) {
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS)) {
        check("dotSegments", method + " " + path, send(method, path, MultiMap.caseInsensitiveMultiMap(), null),
          Set.of(200, 302, 304));
      }
    }
  }

  /** GET /api/v1/stores/{store}/{kind}?... — every per-store view with any store and any parameters. */
  @Property(tries = 600)
  void storeViews(@ForAll("storeSegments") String store,
                  @ForAll("kindsAndParams") Tuple.Tuple2<String, List<Map.Entry<String, String>>> request) {
    String kind = request.get1();
    List<Map.Entry<String, String>> params = request.get2();
    String uri = "/api/v1/stores/" + store + "/" + kind + query(params);
    HttpResponse<Buffer> response = send(HttpMethod.GET, uri, MultiMap.caseInsensitiveMultiMap(), null);
    check("storeViews", uri, response, Set.of(200));
    if (response.statusCode() == 400 && response.getHeader("Content-Type").startsWith("application/problem+json")) {
      // The reason names what is wrong: the parameter (or the store, or the query string) it is about.
      JsonObject problem = response.bodyAsJsonObject();
      assertThat(problem.getString("parameter") != null || problem.getString("detail").startsWith("the path "))
        .as(uri + " → " + problem).isTrue();
    }
  }

  @Provide
  Arbitrary<String> otherRoutes() {
    return Arbitraries.of("/api/v1/stores", "/api/v1/ranking", "/api/v1/monitor", "/api/v1/bench/constant",
      "/openapi.yaml", "/openapi.json", "/docs/", "/", "/js/app.js", "/health/live", "/health/ready");
  }

  /** The routes without a store, the page, the docs and the probes, with any parameters. */
  @Property(tries = 300)
  void otherRoutesAndParameters(@ForAll("otherRoutes") String route, @ForAll("params") List<Map.Entry<String, String>> params) {
    String uri = route + query(params);
    check("otherRoutes", uri, send(HttpMethod.GET, uri, MultiMap.caseInsensitiveMultiMap(), null), Set.of(200, 503));
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.frequencyOf(
      Tuple.of(3, values().list().ofMinSize(1).ofMaxSize(4).map(segments -> "/" + String.join("/",
        segments.stream().map(HostileFuzzTest::encode).toList()))),
      Tuple.of(1, Arbitraries.of("/api/v1/../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd",
        "/api//v1//stores", "/api/v1/stores/", "/api/v1/stores/S001/", "/api/v1/stores/S001/overview/extra",
        "/api/v2/stores", "/API/V1/STORES", "/api/v1/stores/S001/%6fverview", "/js/../openapi.yaml",
        "/js/%2e%2e/%2e%2e/pom.xml", "/%2e%2e/logback.xml", "/js/..%2f..%2flogback.xml", "/webroot/index.html", "/%00", "/%zz", "/;", "/api/v1/admin/../stores")));
  }

  /** Any path, with any method: 404/405 problems, never a file outside the web root. */
  @Property(tries = 250)
  void anyPathAnyMethod(@ForAll("paths") String path, @ForAll("methods") HttpMethod method) {
    HttpResponse<Buffer> response = send(method, path, MultiMap.caseInsensitiveMultiMap(), null);
    if (method == HttpMethod.HEAD) {
      // No body to read: the status alone.
      seen("anyPathAnyMethod", String.valueOf(response.statusCode()));
      assertThat(response.statusCode()).as("HEAD " + path).isLessThan(500);
      return;
    }
    check("anyPathAnyMethod", method + " " + path, response, Set.of(200, 202, 204, 302, 304));
    assertThat(response.bodyAsString()).as(path).doesNotContain("<artifactId>", "root:x:0:0", "<configuration");
  }

  @Provide
  Arbitrary<HttpMethod> methods() {
    return Arbitraries.of(HttpMethod.GET, HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
      HttpMethod.PATCH, HttpMethod.OPTIONS);
  }

  @Provide
  Arbitrary<MultiMap> headers() {
    Arbitrary<String> headerValue = Arbitraries.frequencyOf(
      Tuple.of(3, Arbitraries.of(NASTY).filter(v -> v.chars().noneMatch(c -> c < 0x20 || c == 0x7f) && v.length() < 1000)),
      Tuple.of(1, Arbitraries.strings().withCharRange((char) 0x20, (char) 0x7e).ofMaxLength(60)),
      Tuple.of(1, Arbitraries.of("W/\"abc\"", "*", "\"\"", "gzip", "gzip;q=0", "br, gzip;q=0.5", "identity", "Bearer ",
        "Bearer " + HostileStack.TOKEN.substring(1), "Basic YWRtaW46YWRtaW4=", "1", "yes")));
    Arbitrary<String> headerName = Arbitraries.of("If-None-Match", "Accept-Encoding", "Authorization", "X-Cache-Bypass",
      "Accept", "Content-Type", "Accept-Language", "X-Forwarded-For", "Cookie", "Range");
    return Combinators.combine(headerName, headerValue).as(Map::entry).list().ofMaxSize(4).map(list -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      list.forEach(e -> headers.add(e.getKey(), e.getValue()));
      return headers;
    });
  }

  /** Dashboard and monitor routes with any request headers (ETags, encodings, bypass with a wrong token...). */
  @Property(tries = 250)
  void headersOnReadRoutes(@ForAll("headers") MultiMap headers, @ForAll("readUris") String uri) {
    check("headers", uri + " " + headers, send(HttpMethod.GET, uri, headers, null), Set.of(200, 304));
  }

  @Provide
  Arbitrary<String> readUris() {
    return Arbitraries.of("/api/v1/stores", "/api/v1/stores/S001/overview?from=2026-10-01&to=2026-10-30",
      "/api/v1/stores/all/trend", "/api/v1/stores/S002/products?sort=quantity&size=5", "/api/v1/ranking?metric=profit",
      "/api/v1/stores/S003/orders?page=2", "/api/v1/monitor", "/api/v1/bench/constant");
  }

  @Provide
  Arbitrary<String> jsonBodies() {
    Arbitrary<Object> scalar = Arbitraries.oneOf(values().map(v -> (Object) v), Arbitraries.integers().map(i -> (Object) i),
      Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.doubles().map(d -> (Object) d), Arbitraries.just(NULL));
    Arbitrary<Object> stores = Arbitraries.oneOf(scalar, scalar.list().ofMaxSize(6)
        .map(l -> (Object) new JsonArray(new ArrayList<>(l.stream().map(HostileFuzzTest::json).toList()))),
      Arbitraries.of("S001", "S002", "all", "S999").list().ofMaxSize(4).map(l -> (Object) new JsonArray(new ArrayList<>(l))));
    Arbitrary<String> json = Combinators.combine(Arbitraries.of("stores", "stores", "store", "tier", "x", ""), stores)
      .as((k, v) -> new JsonObject().put(k, json(v))).map(JsonObject::encode);
    return Arbitraries.frequencyOf(Tuple.of(5, json), Tuple.of(1, values()),
      Tuple.of(1, Arbitraries.of("[", "{", "{\"stores\":", "[\"S001\"]", "null", "1", "\"S001\"", "{\"stores\":[[[[[[[[[[]]]]]]]]]]}")));
  }

  /** The admin routes, with the token, and any parameters or bodies: 2xx or a 4xx that says what is wrong. */
  @Property(tries = 250)
  void adminRoutesWithTheToken(@ForAll("params") List<Map.Entry<String, String>> params, @ForAll("jsonBodies") String body,
                               @ForAll("adminRoutes") String route) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + HostileStack.TOKEN);
    HttpResponse<Buffer> response = switch (route) {
      case "warm" -> send(HttpMethod.POST, "/api/v1/admin/cache/warm", headers.add("Content-Type", "application/json"),
        Buffer.buffer(body));
      case "flush" -> send(HttpMethod.DELETE, "/api/v1/admin/cache" + query(params), headers, null);
      default -> send(HttpMethod.GET, "/api/v1/admin/cache/stats" + query(params), headers, null);
    };
    check("adminRoutes", route + " " + params + " " + body, response, Set.of(200, 202));
  }

  @Provide
  Arbitrary<String> adminRoutes() {
    return Arbitraries.of("warm", "flush", "stats");
  }

  private static final List<String> COLUMNS = List.of("order_id", "订单ID", "store_code", "门店编码", "store_name", "channel",
    "渠道", "ordered_at", "sku", "product_name", "商品名称", "category", "quantity", "销量", "unit_price", "list_price",
    "unit_cost", "成本", "delivery_cost", "platform_fee", "discount", "customer_delivery_fee", "packaging_fee");

  @Provide
  Arbitrary<String> csvFiles() {
    Arbitrary<String> header = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(COLUMNS)), Tuple.of(1, values()))
      .list().ofMinSize(1).ofMaxSize(20).map(cells -> String.join(",", cells));
    Arbitrary<String> cell = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(NASTY)), Tuple.of(1, values()),
      Tuple.of(1, Arbitraries.of("S001", "meituan", "2026-10-01 12:00:00", "3.50", "1", "可乐")));
    Arbitrary<String> line = cell.list().ofMaxSize(20).map(cells -> String.join(",", cells));
    return Combinators.combine(header, line.list().ofMaxSize(6), Arbitraries.of("\n", "\r\n", "\r"))
      .as((h, lines, eol) -> h + eol + String.join(eol, lines));
  }

  /** Small files of random columns and cells: refused with a report (or, if valid by chance, imported). */
  @Property(tries = 150)
  void importFiles(@ForAll("csvFiles") String csv) {
    Map<String, String> before = stack.tables();
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/api/v1/imports", MultiMap.caseInsensitiveMultiMap()
      .add("Authorization", "Bearer " + HostileStack.TOKEN).add("Content-Type", "text/csv"), Buffer.buffer(csv, "UTF-8"));
    check("importFiles", csv, response, Set.of(200));
    if (response.statusCode() >= 400) {
      assertThat(stack.tables()).as("tables after a refused import of " + csv).isEqualTo(before);
    } else {
      // A random file that is a valid export would change the data; none is expected, and none must go unnoticed.
      throw new AssertionError("a random file was imported: " + csv);
    }
  }

  @Provide
  Arbitrary<Object> jsonValues() {
    Arbitrary<Object> scalar = Arbitraries.oneOf(values().map(v -> (Object) v), Arbitraries.integers().map(i -> (Object) i),
      Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.just(NULL),
      Arbitraries.of("overview", "trend", "orders", "products", "ranking", "stores", "S001", "all", "2026-10-01").map(v -> (Object) v));
    return Arbitraries.oneOf(scalar, scalar.list().ofMaxSize(3)
        .map(l -> (Object) new JsonArray(new ArrayList<>(l.stream().map(HostileFuzzTest::json).toList()))),
      Combinators.combine(Arbitraries.of("sort", "page", "size", "metric", "x"), scalar)
        .as((k, v) -> (Object) new JsonObject().put(k, json(v))));
  }

  @Provide
  Arbitrary<Object> busBodies() {
    Arbitrary<JsonObject> query = Combinators.combine(
      Arbitraries.of("kind", "store", "from", "to", "params", "action", "stores", "tier", "filename", "size", "x"), jsonValues())
      .as(Map::entry).list().ofMaxSize(6).map(entries -> {
        JsonObject json = new JsonObject();
        entries.forEach(e -> json.put(e.getKey(), json(e.getValue())));
        return json;
      });
    // Well-formed queries with edge values, so that the computations themselves are reached.
    Arbitrary<Object> plausibleQuery = Combinators.combine(
      Arbitraries.of("overview", "trend", "channels", "categories", "hours", "products", "diagnosis", "orders", "ranking", "stores"),
      Arbitraries.of("S001", "S002", "S003", "all", "S999"), ranges().injectNull(0.2), params().injectNull(0.8))
      .as((kind, store, d, p) -> {
        JsonObject q = new JsonObject().put("kind", kind).put("store", store);
        if (d != null) {
          q.put("from", d.get(0)).put("to", d.get(1));
        }
        if (p != null) {
          JsonObject params = new JsonObject();
          p.forEach(e -> params.put(e.getKey(), e.getValue()));
          q.put("params", params);
        }
        return (Object) q;
      });
    return Arbitraries.frequencyOf(Tuple.of(4, query.map(q -> (Object) q)), Tuple.of(4, plausibleQuery),
      Tuple.of(1, values().map(v -> (Object) v)),
      Tuple.of(1, values().map(v -> (Object) Buffer.buffer(v))), Tuple.of(1, Arbitraries.just(NULL)));
  }

  @Provide
  Arbitrary<String> busAddresses() {
    return Arbitraries.of(Addresses.DASHBOARD_COMPUTE, Addresses.DASHBOARD_QUERY, Addresses.CACHE_ADMIN, Addresses.IMPORT,
      Addresses.MONITOR_SNAPSHOT, Addresses.DATA_VERSIONS);
  }

  /**
   * What one service may send another on the event bus, with any body: an answer, or a failure with a documented
   * code (400, 404, 413, 422, 503) — never a 500, and never no answer at all (a handler that threw).
   */
  @Property(tries = 400)
  void eventBusRequests(@ForAll("busAddresses") String address, @ForAll("busBodies") Object body) {
    String outcome;
    try {
      // Signed, as a member sends it: what is fuzzed is the service behind the signature check.
      Object sent = json(body);
      Object reply = stack.node.vertx().eventBus().request(address, sent, stack.node.signatures().sign(address, sent,
        new DeliveryOptions().setSendTimeout(5_000))).await().body();
      outcome = "reply";
      if (address.equals(Addresses.IMPORT) && reply instanceof JsonObject opened && opened.containsKey(ImportProtocol.SESSION)) {
        String session = opened.getString(ImportProtocol.SESSION);
        stack.node.vertx().eventBus().request(session, Buffer.buffer(), stack.node.signatures().sign(session, Buffer.buffer(),
          new DeliveryOptions().addHeader(ImportProtocol.ABORT, "true"))).await();
      }
    } catch (ReplyException e) {
      outcome = e.failureType() == ReplyFailure.RECIPIENT_FAILURE ? "fail " + e.failureCode() : e.failureType().name();
      assertThat(e.failureType()).as(address + " " + body + " → " + e.getMessage()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(e.failureCode()).as(address + " " + body + " → " + e.getMessage()).isIn(400, 404, 413, 422, 503);
      assertThat(HostileStack.leaksInternals(e.getMessage())).as(e.getMessage()).isFalse();
    }
    seen("eventBus " + address.substring(address.indexOf('.') + 1), outcome);
  }
}
