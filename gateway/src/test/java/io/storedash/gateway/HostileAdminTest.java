package io.storedash.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.http.AdminToken;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin routes, imports, the cache bypass and the public port's probes against someone without the token: no token,
 * a wrong one, another scheme, the token in the URL — all refused with a problem, none reaches cache- or
 * query-service, and the token never appears in a log line. The public port's health answers say UP or DOWN only;
 * its metrics need the token; the management port keeps every detail.
 */
class HostileAdminTest {

  private StandIns gateway;
  private final List<JsonObject> adminCommands = new CopyOnWriteArrayList<>();
  private final List<Object> imports = new CopyOnWriteArrayList<>();
  /** What reached the stand-in query-service on the channels address. */
  private final List<JsonObject> channelCommands = new CopyOnWriteArrayList<>();

  /** One admin request: method, path, and what it sends. */
  private record AdminCall(HttpMethod method, String uri, String contentType, String body) {
  }

  private static final List<AdminCall> ADMIN_CALLS = List.of(
    new AdminCall(HttpMethod.GET, "/api/v1/admin/cache/stats", null, null),
    new AdminCall(HttpMethod.DELETE, "/api/v1/admin/cache?tier=L2", null, null),
    new AdminCall(HttpMethod.POST, "/api/v1/admin/cache/warm", "application/json", "{\"stores\":[\"S001\"]}"),
    new AdminCall(HttpMethod.POST, "/api/v1/imports", "text/csv", "order_id,store_code\nA1,S001\n"),
    new AdminCall(HttpMethod.GET, "/api/v1/admin/channels", null, null),
    new AdminCall(HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json", "{\"charges_fee\":false}"),
    new AdminCall(HttpMethod.GET, "/metrics", null, null));

  @BeforeEach
  void start() {
    // Every request gets an access-log line (the default writes only 5xx and aborted ones): the tests read them.
    gateway = StandIns.withCache(Map.of("ACCESS_LOG", "all"));
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.CACHE_ADMIN, msg -> {
      adminCommands.add(msg.body());
      msg.reply(new JsonObject().put("ok", true));
    }).completion().await();
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.CHANNELS, msg -> {
      channelCommands.add(msg.body());
      msg.reply(new JsonObject().put("channels", new io.vertx.core.json.JsonArray()));
    }).completion().await();
    gateway.vertx.eventBus().consumer(Addresses.IMPORT, msg -> {
      imports.add(msg.body());
      msg.fail(503, "stand-in");
    }).completion().await();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private HttpResponse<Buffer> call(AdminCall call, String uriSuffix, MultiMap headers) {
    String uri = call.uri() + (uriSuffix == null ? "" : (call.uri().contains("?") ? "&" : "?") + uriSuffix);
    HttpRequest<Buffer> request = gateway.client.request(call.method(), uri);
    request.putHeaders(headers);
    if (call.contentType() != null) {
      request.putHeader("Content-Type", call.contentType());
    }
    return (call.body() == null ? request.send() : request.sendBuffer(Buffer.buffer(call.body()))).await();
  }

  @Test
  void everyAdminRouteRefusesNoTokenAWrongOneAnotherSchemeAndATokenInTheUrl() {
    String token = StandIns.TOKEN;
    record Attempt(String what, String query, MultiMap headers, int status, String detail) {
    }
    List<Attempt> attempts = List.of(
      new Attempt("no token", null, MultiMap.caseInsensitiveMultiMap(), 401, "needs Authorization: Bearer"),
      new Attempt("a wrong token", null, bearer("not-the-token-0123456789"), 401, "the bearer token is not valid"),
      new Attempt("a prefix of the token", null, bearer(token.substring(0, token.length() - 1)), 401, "not valid"),
      new Attempt("the token and more", null, bearer(token + "x"), 401, "not valid"),
      new Attempt("an empty bearer", null, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer "), 401, "not valid"),
      new Attempt("another scheme", null, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Basic " + token), 401,
        "must be 'Bearer <token>'"),
      new Attempt("the token alone", null, MultiMap.caseInsensitiveMultiMap().add("Authorization", token), 401,
        "must be 'Bearer <token>'"),
      new Attempt("token in the query", "token=" + token, MultiMap.caseInsensitiveMultiMap(), 400,
        "credentials are not accepted in the URL (parameter 'token')"),
      new Attempt("access_token in the query, with a valid header too", "access_token=" + token, bearer(token), 400,
        "credentials are not accepted in the URL (parameter 'access_token')"),
      new Attempt("the token as any parameter's value", "x=" + token, bearer(token), 400,
        "credentials are not accepted in the URL (parameter 'x')"),
      new Attempt("API_KEY in any case", "API_KEY=whatever", bearer(token), 400, "parameter 'API_KEY'"));
    List<String> failures = new ArrayList<>();
    int tried = 0;
    for (AdminCall call : ADMIN_CALLS) {
      for (Attempt attempt : attempts) {
        HttpResponse<Buffer> response = call(call, attempt.query(), attempt.headers());
        tried++;
        String what = call.method() + " " + call.uri() + " with " + attempt.what();
        if (response.statusCode() != attempt.status()) {
          failures.add(what + ": " + response.statusCode() + " " + response.bodyAsString());
          continue;
        }
        JsonObject problem = StandIns.problem(response);
        assertThat(problem.getString("detail")).as(what).contains(attempt.detail()).doesNotContain(token);
        if (attempt.status() == 401) {
          assertThat(response.getHeader("WWW-Authenticate")).as(what).startsWith("Bearer");
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(adminCommands).as("admin commands that reached cache-service").isEmpty();
    assertThat(imports).as("imports that reached query-service").isEmpty();
    assertThat(channelCommands).as("channel commands that reached query-service").isEmpty();
    System.out.printf("admin routes: %d refused attempts over %d routes, none reached a service%n", tried, ADMIN_CALLS.size());

    // The scheme is case-insensitive (RFC 9110), and the right token is let through.
    HttpResponse<Buffer> lowerCase = call(ADMIN_CALLS.get(0), null, MultiMap.caseInsensitiveMultiMap().add("Authorization", "bearer " + token));
    assertThat(lowerCase.statusCode()).isEqualTo(200);
    assertThat(adminCommands).hasSize(1);
  }

  @Test
  void theChannelRoutesRefuseEveryMalformedCommandBeforeQueryServiceHearsOfIt() {
    record Attack(String what, HttpMethod method, String uri, String contentType, Buffer body, int status, String detail) {
    }
    Buffer oversize = Buffer.buffer("{\"charges_fee\":true,\"pad\":\"" + "x".repeat((int) GatewayVerticle.ADMIN_BODY_LIMIT) + "\"}");
    List<Attack> attacks = List.of(
      new Attack("DELETE, a method the route does not take", HttpMethod.DELETE, "/api/v1/admin/channels/meituan", null, null,
        405, "DELETE is not allowed"),
      new Attack("POST on the list", HttpMethod.POST, "/api/v1/admin/channels", null, null, 405, "POST is not allowed"),
      new Attack("PATCH with a body", HttpMethod.PATCH, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{\"charges_fee\":true}"), 413, "takes no request body"),
      new Attack("a body on the list", HttpMethod.GET, "/api/v1/admin/channels", "application/json",
        Buffer.buffer("{\"charges_fee\":true}"), 413, "takes no request body"),
      new Attack("a parameter on the list", HttpMethod.GET, "/api/v1/admin/channels?code=meituan", null, null, 400,
        "unknown parameter 'code'"),
      new Attack("a code with a space", HttpMethod.PUT, "/api/v1/admin/channels/mei%20tuan", "application/json",
        Buffer.buffer("{\"charges_fee\":true}"), 400, "a channel code is"),
      new Attack("a code with a quote", HttpMethod.PUT, "/api/v1/admin/channels/x%27%3BDROP", "application/json",
        Buffer.buffer("{\"charges_fee\":true}"), 400, "a channel code is"),
      new Attack("a Chinese code", HttpMethod.PUT, "/api/v1/admin/channels/%E7%BE%8E%E5%9B%A2", "application/json",
        Buffer.buffer("{\"charges_fee\":true}"), 400, "a channel code is"),
      new Attack("a code of 41 characters", HttpMethod.PUT, "/api/v1/admin/channels/" + "c".repeat(41), "application/json",
        Buffer.buffer("{\"charges_fee\":true}"), 400, "a channel code is"),
      new Attack("a deeper path", HttpMethod.PUT, "/api/v1/admin/channels/meituan/x", "application/json",
        Buffer.buffer("{\"charges_fee\":true}"), 413, "takes no request body"),
      new Attack("no body", HttpMethod.PUT, "/api/v1/admin/channels/meituan", null, null, 400, "it is empty"),
      new Attack("a body that is not JSON", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{charges_fee: yes"), 400, "not a JSON object"),
      new Attack("a JSON array", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("[true]"), 400, "not a JSON object"),
      new Attack("JSON null", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("null"), 400, "not a JSON object"),
      new Attack("a bare boolean", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("true"), 400, "not a JSON object"),
      new Attack("bytes that are not UTF-8", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b}), 400, "not a JSON object"),
      new Attack("an empty object", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{}"), 400, "charges_fee is missing"),
      new Attack("another member only", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{\"charges\":true}"), 400, "charges_fee is missing"),
      new Attack("the flag as a string", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{\"charges_fee\":\"true\"}"), 400, "not true or false"),
      new Attack("the flag as a number", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{\"charges_fee\":1}"), 400, "not true or false"),
      new Attack("the flag as null", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{\"charges_fee\":null}"), 400, "not true or false"),
      new Attack("the flag and more", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json",
        Buffer.buffer("{\"charges_fee\":true,\"code\":\"eleme\"}"), 400, "other members"),
      new Attack("a parameter beside the body", HttpMethod.PUT, "/api/v1/admin/channels/meituan?charges_fee=true",
        "application/json", Buffer.buffer("{\"charges_fee\":true}"), 400, "unknown parameter 'charges_fee'"),
      new Attack("a body over 64 KiB", HttpMethod.PUT, "/api/v1/admin/channels/meituan", "application/json", oversize,
        413, "64 KiB"));
    List<String> failures = new ArrayList<>();
    for (Attack attack : attacks) {
      // A raw connection: a refused body closes it, which an HTTP client may report before it has read the answer.
      RawAnswer answer = raw(attack.method(), attack.uri(), attack.contentType(), attack.body());
      String what = attack.method() + " " + attack.uri() + " with " + attack.what();
      if (answer.status() != attack.status()) {
        failures.add(what + ": " + answer.status() + " " + answer.body());
        continue;
      }
      JsonObject problem = answer.body();
      if (!answer.head().toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json")
        || problem == null || problem.getInteger("status", 0) != attack.status()) {
        failures.add(what + ": not a problem: " + answer.head() + " " + problem);
        continue;
      }
      if (!problem.getString("detail", "").contains(attack.detail())) {
        failures.add(what + ": detail '" + problem.getString("detail") + "' does not say '" + attack.detail() + "'");
      }
      if (attack.status() == 400 && attack.method() == HttpMethod.PUT && !attack.uri().contains("?")
        && !List.of("code", "charges_fee").contains(problem.getString("parameter"))) {
        failures.add(what + ": names parameter " + problem.getString("parameter"));
      }
    }
    assertThat(failures).isEmpty();
    assertThat(channelCommands).as("channel commands that reached query-service").isEmpty();

    // The well-formed commands pass through, as query-service's commands.
    HttpResponse<Buffer> list = gateway.client.get("/api/v1/admin/channels").bearerTokenAuthentication(StandIns.TOKEN).send().await();
    assertThat(list.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> set = gateway.client.put("/api/v1/admin/channels/ch-0a1b2c3d").bearerTokenAuthentication(StandIns.TOKEN)
      .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(" {\"charges_fee\" : true} ")).await();
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    assertThat(channelCommands).containsExactly(new JsonObject().put("action", "list"),
      new JsonObject().put("action", "set").put("code", "ch-0a1b2c3d").put("charges_fee", true));
  }

  @Test
  void theCacheBypassNeedsTheTokenToo() {
    for (MultiMap headers : List.of(MultiMap.caseInsensitiveMultiMap(), bearer("not-the-token-0123456789"))) {
      HttpResponse<Buffer> response = gateway.client.get("/api/v1/stores/S001/overview").putHeaders(headers)
        .putHeader(DashboardRoutes.BYPASS_HEADER, "1").send().await();
      assertThat(response.statusCode()).isEqualTo(401);
      StandIns.problem(response);
    }
    HttpResponse<Buffer> inQuery = gateway.client.get("/api/v1/stores/S001/overview?token=" + StandIns.TOKEN)
      .putHeader(DashboardRoutes.BYPASS_HEADER, "1").send().await();
    assertThat(inQuery.statusCode()).isEqualTo(400);
    assertThat(gateway.seenByCache).isEmpty();
  }

  @Test
  void theTokenIsNeverLogged() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    // Event loops append while this thread reads.
    events.list = new CopyOnWriteArrayList<>();
    events.start();
    root.addAppender(events);
    try {
      String token = StandIns.TOKEN;
      for (AdminCall call : ADMIN_CALLS) {
        call(call, null, bearer(token));
        call(call, "token=" + token, MultiMap.caseInsensitiveMultiMap());
        call(call, "q=" + token, bearer(token + "-wrong"));
      }
      gateway.get("/api/v1/" + token);
      gateway.get("/api/v1/stores/" + token + "/overview");
      gateway.client.get("/api/v1/stores/S001/overview").putHeader(DashboardRoutes.BYPASS_HEADER, "1")
        .bearerTokenAuthentication(token).send().await();
      // A request's access line is written once its answer has gone out, so it can come after the client has it:
      // wait for every request's line, so that everything those requests logged is checked.
      int requests = 3 * ADMIN_CALLS.size() + 3;
      Eventually.until(Duration.ofSeconds(5), () -> accessLines(events) >= requests);
      assertThat(accessLines(events)).as("access log lines, one per request").isGreaterThanOrEqualTo(requests);
      List<String> lines = new ArrayList<>();
      for (ILoggingEvent event : events.list) {
        lines.add(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
          lines.add(t.getMessage());
        }
        lines.add(String.valueOf(event.getMDCPropertyMap()));
      }
      assertThat(lines).as("log lines").isNotEmpty().noneMatch(line -> line != null && line.contains(token));
      assertThat(lines).anyMatch(line -> line != null && line.contains("GET /api/v1/<token> 404"));
    } finally {
      root.detachAppender(events);
    }
  }

  @Test
  void thePublicPortSaysUpOrDownOnlyAndItsMetricsNeedTheToken() {
    int management = gateway.node.startManagement(0).await();
    for (String probe : List.of("/health/live", "/health/ready")) {
      HttpResponse<Buffer> answer = gateway.get(probe);
      assertThat(answer.statusCode()).as(probe).isIn(200, 503);
      assertThat(answer.bodyAsJsonObject()).as(probe)
        .isEqualTo(new JsonObject().put("status", answer.statusCode() == 200 ? "UP" : "DOWN"));
      assertThat(answer.getHeader("Cache-Control")).isEqualTo("no-store");
    }
    // The management port has the checks and their data.
    HttpResponse<Buffer> detailed = gateway.client.get(management, "127.0.0.1", "/health/ready").send().await();
    assertThat(detailed.bodyAsString()).contains("\"checks\"", "gateway.query-service", "live_instances");

    HttpResponse<Buffer> noToken = gateway.anonymous("/metrics");
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(StandIns.problem(noToken).getString("detail")).contains("Authorization: Bearer");
    assertThat(noToken.bodyAsString()).doesNotContain("vertx_");
    HttpResponse<Buffer> withToken = gateway.client.get("/metrics").bearerTokenAuthentication(StandIns.TOKEN).send().await();
    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(withToken.bodyAsString()).contains("vertx_http_server_requests");
    HttpResponse<Buffer> onManagement = gateway.client.get(management, "127.0.0.1", "/metrics").send().await();
    assertThat(onManagement.statusCode()).isEqualTo(200);
    assertThat(onManagement.bodyAsString()).contains("vertx_http_server_requests");
  }

  @Test
  void withoutAConfiguredTokenPublicMetricsPointToTheManagementPort() {
    gateway.close();
    StoreDashConfig config = TestStorage.config(Map.of());
    Node node = Node.local(config);
    try {
      node.deploy(GatewayService.DESCRIPTOR, 1).await();
      WebClient client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(config.httpPort()));
      HttpResponse<Buffer> metrics = client.get("/metrics").bearerTokenAuthentication("anything-at-all-0000").send().await();
      assertThat(metrics.statusCode()).isEqualTo(401);
      assertThat(StandIns.problem(metrics).getString("detail")).contains("management port (MANAGEMENT_PORT)");
    } finally {
      node.vertx().close().await();
      gateway = StandIns.withCache(Map.of("ACCESS_LOG", "all"));
    }
  }

  @Test
  void tokensAreComparedWholeWhateverTheirLength() {
    AdminToken token = new AdminToken(Optional.of("a-token-of-twenty-chars"));
    assertThat(token.matches("a-token-of-twenty-chars")).isTrue();
    assertThat(token.matches("a-token-of-twenty-charS")).isFalse();
    assertThat(token.matches("a-token-of-twenty-chars ")).isFalse();
    assertThat(token.matches("a-token")).isFalse();
    assertThat(token.matches("")).isFalse();
    assertThat(token.matches(null)).isFalse();
    assertThat(new AdminToken(Optional.empty()).matches("")).isFalse();
    assertThat(AdminToken.bearer("Bearer abc")).isEqualTo("abc");
    assertThat(AdminToken.bearer("BEARER   abc ")).isEqualTo("abc");
    assertThat(AdminToken.bearer("Basic abc")).isNull();
    assertThat(AdminToken.bearer("abc")).isNull();
  }

  /** An answer read off a raw connection: its status, its head, and its body as JSON (null when it is none). */
  private record RawAnswer(int status, String head, JsonObject body) {
  }

  /** One request with the admin token on its own connection, written whole even when the gateway stops reading. */
  private RawAnswer raw(HttpMethod method, String uri, String contentType, Buffer body) {
    try (Socket socket = new Socket("127.0.0.1", gateway.config.httpPort())) {
      socket.setSoTimeout(5000);
      StringBuilder head = new StringBuilder(method.name() + " " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + StandIns.TOKEN + "\r\nConnection: close\r\n");
      if (contentType != null) {
        head.append("Content-Type: ").append(contentType).append("\r\n");
      }
      if (body != null) {
        head.append("Content-Length: ").append(body.length()).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
          out.write(body.getBytes());
        }
        out.flush();
      } catch (SocketException e) {
        // The gateway answered and closed before the whole body went: its answer is still there to read.
      }
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      InputStream in = socket.getInputStream();
      try {
        int n;
        while ((n = in.read(chunk)) > 0) {
          received.write(chunk, 0, n);
        }
      } catch (SocketTimeoutException | SocketException e) {
        // what arrived is all there is
      }
      String text = received.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || end < 0) {
        return new RawAnswer(-1, text, null);
      }
      String payload = text.substring(end + 4).trim();
      JsonObject json = payload.startsWith("{") ? new JsonObject(payload) : null;
      return new RawAnswer(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long accessLines(ListAppender<ILoggingEvent> events) {
    return events.list.stream().filter(e -> e.getLoggerName().equals("storedash.access")).count();
  }

  private static MultiMap bearer(String token) {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token);
  }
}
