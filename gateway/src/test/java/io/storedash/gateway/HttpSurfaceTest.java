package io.storedash.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.storedash.common.Addresses;
import io.storedash.common.Gzip;
import io.storedash.common.testing.Eventually;
import io.storedash.gateway.http.ConstantPayload;
import io.storedash.gateway.http.SecurityHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything the gateway serves besides the dashboard answers: security headers on every answer, the access log,
 * the constant baseline, the page, the API document and docs page, ECharts, body limits, and the cache bypass for
 * the load test.
 */
class HttpSurfaceTest {

  private static StandIns gateway;

  @BeforeAll
  static void start() {
    // Every request gets an access-log line (the default writes only 5xx and aborted ones): the tests read them.
    gateway = StandIns.withCache(Map.of("ACCESS_LOG", "all"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static void assertSecurityHeaders(HttpResponse<Buffer> response, String what) {
    assertThat(response.getHeader("Content-Security-Policy")).as(what).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY)
      .contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-eval", "script-src 'self' 'unsafe-inline'");
    assertThat(response.getHeader("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
    assertThat(response.getHeader("X-Frame-Options")).as(what).isEqualTo("DENY");
    assertThat(response.getHeader("Referrer-Policy")).as(what).isEqualTo("no-referrer");
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() {
    for (String uri : List.of("/", "/api/v1/stores", "/api/v1/stores/all/orders", "/api/v1/nope", "/openapi.yaml",
      "/docs/", "/js/app.js", "/vendor/echarts.min.js", "/api/v1/admin/cache/stats", "/health/live", "/api/v1/bench/constant")) {
      assertSecurityHeaders(gateway.get(uri), uri);
    }
  }

  @Test
  void thePageAndItsScriptsAreServedWithoutInlineScript() {
    HttpResponse<Buffer> page = gateway.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    String html = page.bodyAsString();
    assertThat(html).contains("<script type=\"module\" src=\"/js/app.js\"></script>", "src=\"/vendor/echarts.min.js\"",
      "id=\"monitor\"", "data-part=\"diagnosis\"", "data-part=\"orders\"");
    // Every script element has a src: the CSP needs no hash and no 'unsafe-inline'.
    assertThat(html.split("<script").length - 1).isEqualTo(html.split("<script[^>]*src=").length - 1);
    assertThat(html).doesNotContain("style=\"", "onclick=", "http://", "https://");
    for (String module : List.of("app", "api", "i18n", "panels", "monitor", "format", "dom", "charts", "docs")) {
      HttpResponse<Buffer> js = gateway.get("/js/" + module + ".js");
      assertThat(js.statusCode()).as(module).isEqualTo(200);
      assertThat(js.getHeader("Content-Type")).as(module).contains("javascript");
      assertThat(js.bodyAsString()).as(module).doesNotContain("eval(", "new Function(", "http://", "https://");
    }
    assertThat(gateway.get("/css/dashboard.css").getHeader("Content-Type")).startsWith("text/css");
  }

  @Test
  void echartsComesFromTheWebJarCompressedOnce() {
    HttpResponse<Buffer> gzip = gateway.client.get("/vendor/echarts.min.js").putHeader("Accept-Encoding", "gzip").send().await();
    assertThat(gzip.statusCode()).isEqualTo(200);
    assertThat(gzip.getHeader("Content-Encoding")).isEqualTo("gzip");
    byte[] script = Gzip.decompress(gzip.body().getBytes());
    assertThat(new String(script, java.nio.charset.StandardCharsets.UTF_8)).contains("echarts");
    assertThat(gzip.body().length()).isLessThan(script.length / 2);
    HttpResponse<Buffer> plain = gateway.get("/vendor/echarts.min.js");
    assertThat(plain.getHeader("Content-Encoding")).isNull();
    assertThat(plain.body().getBytes()).isEqualTo(script);
    HttpResponse<Buffer> again = gateway.client.get("/vendor/echarts.min.js").putHeader("If-None-Match", gzip.getHeader("ETag")).send().await();
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void theApiDocumentAndItsDocsPageAreServed() {
    HttpResponse<Buffer> yaml = gateway.get("/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.getHeader("Content-Type")).startsWith("application/yaml");
    assertThat(yaml.bodyAsString()).startsWith("openapi: 3.0.3").contains("/api/v1/stores/{store}/diagnosis:");
    JsonObject json = gateway.get("/openapi.json").bodyAsJsonObject();
    assertThat(json.getString("openapi")).isEqualTo("3.0.3");
    assertThat(json.getJsonObject("paths").fieldNames()).contains("/api/v1/ranking", "/api/v1/imports", "/api/v1/bench/constant");
    HttpResponse<Buffer> docs = gateway.get("/docs");
    assertThat(docs.statusCode()).isEqualTo(302);
    assertThat(docs.getHeader("Location")).isEqualTo("/docs/");
    HttpResponse<Buffer> page = gateway.get("/docs/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("src=\"/js/docs.js\"");
  }

  @Test
  void theConstantBaselineNeedsNoEventBus() {
    gateway.seenByCache.clear();
    HttpResponse<Buffer> gzip = gateway.client.get("/api/v1/bench/constant").putHeader("Accept-Encoding", "gzip").send().await();
    assertThat(gzip.statusCode()).isEqualTo(200);
    assertThat(gzip.getHeader("X-Cache")).isEqualTo("CONST");
    assertThat(gzip.getHeader("Content-Encoding")).isEqualTo("gzip");
    byte[] plain = Gzip.decompress(gzip.body().getBytes());
    assertThat(plain.length).isBetween(ConstantPayload.TARGET_BYTES - 200, ConstantPayload.TARGET_BYTES + 200);
    HttpResponse<Buffer> identity = gateway.get("/api/v1/bench/constant");
    assertThat(identity.body().getBytes()).isEqualTo(plain);
    assertThat(identity.bodyAsJsonObject().getJsonArray("days")).isNotEmpty();
    HttpResponse<Buffer> notModified = gateway.client.get("/api/v1/bench/constant").putHeader("If-None-Match", gzip.getHeader("ETag")).send().await();
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(gateway.seenByCache).isEmpty();
  }

  @Test
  void eachRequestIsOneAccessLogLine() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("storedash.access");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    // Event loops append while this thread reads.
    lines.list = new CopyOnWriteArrayList<>();
    lines.start();
    access.addAppender(lines);
    try {
      gateway.get("/api/v1/stores/S001/overview?from=2026-10-01&to=2026-10-30&secret=x");
      gateway.get("/api/v1/stores/S001/overview?from=2026-10-01&to=2026-10-30");
      gateway.get("/api/v1/nope");
      // A line is written once the answer has gone out, so it can come after the client has it.
      Eventually.until(Duration.ofSeconds(5), () -> lines.list.size() >= 3);
      List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(messages).hasSize(3);
      assertThat(messages.get(0)).matches("GET /api/v1/stores/S001/overview 400 \\d+ \\d+\\.\\dms -");
      assertThat(messages.get(1)).matches("GET /api/v1/stores/S001/overview 200 \\d+ \\d+\\.\\dms L2");
      assertThat(messages.get(2)).matches("GET /api/v1/nope 404 \\d+ \\d+\\.\\dms -");
      assertThat(String.join("\n", messages)).doesNotContain("secret", "from=");
    } finally {
      access.detachAppender(lines);
    }
  }

  @Test
  void byDefaultOnlyFailuresGetAnAccessLogLine() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("storedash.access");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.list = new CopyOnWriteArrayList<>();
    lines.start();
    access.addAppender(lines);
    // ACCESS_LOG unset (errors): no service behind the gateway, so a dashboard answers 503.
    StandIns alone = StandIns.withoutServices();
    try {
      assertThat(alone.get("/api/v1/bench/constant").statusCode()).isEqualTo(200);
      assertThat(alone.get("/api/v1/nope").statusCode()).isEqualTo(404);
      assertThat(alone.get("/api/v1/stores/S001/overview").statusCode()).isEqualTo(503);
      Eventually.until(Duration.ofSeconds(5), () -> !lines.list.isEmpty());
      // The writer writes in order: once the 503's line is in, the earlier requests' would be too.
      assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .singleElement().asString().matches("GET /api/v1/stores/S001/overview 503 \\d+ \\d+\\.\\dms -");
      assertThat(lines.list.get(0).getThreadName()).as("written off the event loop").isEqualTo("storedash-access-log");
    } finally {
      alone.close();
      access.detachAppender(lines);
    }
  }

  @Test
  void aClientWithoutGzipGetsTheSameDecodedAnswerEveryTime() {
    String uri = "/api/v1/stores/S001/trend?from=2026-10-01&to=2026-10-30";
    HttpResponse<Buffer> gzip = gateway.client.get(uri).bearerTokenAuthentication(StandIns.TOKEN)
      .putHeader("Accept-Encoding", "gzip").send().await();
    assertThat(gzip.getHeader("Content-Encoding")).isEqualTo("gzip");
    byte[] plain = Gzip.decompress(gzip.body().getBytes());
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> identity = gateway.get(uri);
      assertThat(identity.getHeader("Content-Encoding")).isNull();
      assertThat(identity.getHeader("ETag")).isEqualTo(gzip.getHeader("ETag"));
      assertThat(identity.body().getBytes()).isEqualTo(plain);
    }
  }

  @Test
  void bodiesOverTheLimitAreRefusedBeforeTheyAreRead() throws IOException {
    HttpResponse<Buffer> warm = gateway.client.post("/api/v1/admin/cache/warm").bearerTokenAuthentication(StandIns.TOKEN)
      .putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer("{\"stores\": [" + "\"S001\",".repeat(12_000) + "\"S002\"]}")).await();
    assertThat(warm.statusCode()).isEqualTo(413);
    assertThat(StandIns.problem(warm).getString("detail")).contains("at most 64 KiB");

    // An upload announced larger than the limit is refused on its Content-Length, without reading it.
    try (Socket socket = new Socket("127.0.0.1", gateway.config.httpPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + StandIns.TOKEN
        + "\r\nContent-Type: text/csv\r\nContent-Length: " + (ImportRoutes.MAX_BYTES + 1) + "\r\n\r\norder_id,store_code\n")
        .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(socket.getInputStream().readNBytes(1), StandardCharsets.US_ASCII)
        + readAvailable(socket);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json", "256 MiB");
    }
  }

  /** Reads what the server sent until it pauses or closes. */
  private static String readAvailable(Socket socket) throws IOException {
    StringBuilder text = new StringBuilder();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = socket.getInputStream().read(buffer)) > 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        if (text.indexOf("}") > 0) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      // what arrived is all there is
    }
    return text.toString();
  }

  @Test
  void theCacheCanBeBypassedOnlyWithTheAdminToken() {
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.DASHBOARD_COMPUTE,
      msg -> msg.reply(Buffer.buffer("{\"computed\":\"" + msg.body().getString("kind") + "\"}"))).completion().await();
    gateway.seenByCache.clear();
    HttpResponse<Buffer> bypassed = gateway.client.get("/api/v1/stores/S001/trend").putHeader(DashboardRoutes.BYPASS_HEADER, "1")
      .bearerTokenAuthentication(StandIns.TOKEN).send().await();
    assertThat(bypassed.statusCode()).isEqualTo(200);
    assertThat(bypassed.getHeader("X-Cache")).isEqualTo("BYPASS");
    assertThat(bypassed.bodyAsJsonObject().getString("computed")).isEqualTo("trend");
    assertThat(gateway.seenByCache).isEmpty();
    HttpResponse<Buffer> noToken = gateway.client.get("/api/v1/stores/S001/trend").putHeader(DashboardRoutes.BYPASS_HEADER, "1").send().await();
    assertThat(noToken.statusCode()).isEqualTo(401);
    HttpResponse<Buffer> wrongToken = gateway.client.get("/api/v1/stores/S001/trend").putHeader(DashboardRoutes.BYPASS_HEADER, "1")
      .bearerTokenAuthentication("not-the-token-0000000000").send().await();
    assertThat(wrongToken.statusCode()).isEqualTo(401);
    assertThat(gateway.seenByCache).isEmpty();
  }

  @Test
  void anUnknownPathIsAProblemToo() {
    HttpResponse<Buffer> response = gateway.get("/api/v2/stores");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(StandIns.problem(response).getString("detail")).isEqualTo("no such resource: /api/v2/stores");
  }
}
