package io.storedash.standalone;

import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.monitor.MonitorService;
import io.storedash.query.QueryService;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push page (alerts.html) in Chromium against the real services: a manager creates a subscription to a webhook
 * receiver on 127.0.0.1, sees it listed without its URL's key, test-sends it and reads its delivery log.
 */
class AlertsPageIT {

  private static final String ADMIN_TOKEN = "alerts-it-admin-token-0123456789";
  private static final String PASSWORD = "correct horse battery";
  private static final List<String> received = new CopyOnWriteArrayList<>();
  private static Node node;
  private static String base;
  private static HeadlessChromium chromium;
  private static HttpServer receiver;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeFalse(HeadlessChromium.SKIPPED, "browser tests skipped by -Dstoredash.browser.skip=true");
    chromium = HeadlessChromium.start();
    StoreDashConfig config = TestStorage.config(Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "PUSH_ALLOWED_HOSTS", "127.0.0.1",
      "PUSH_SECRET_KEY", Base64.getEncoder().encodeToString("alerts-page-it-key-of-32-bytes!!".getBytes(StandardCharsets.UTF_8))));
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1).compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1)).await();
    receiver = node.vertx().createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(request.path() + "?" + request.query());
      request.response().end("{\"errcode\":0}");
    })).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + config.httpPort();
    HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/users"))
      .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "mgr").put("password", PASSWORD)
        .put("role", "manager").put("stores", new JsonArray().add("S001")).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws IOException {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.shutdown().await();
    }
  }

  @Test
  void aManagerCreatesTestSendsAndReadsTheLogOfASubscription() throws Exception {
    SignedIn session = SignedIn.as(HttpClient.newHttpClient(), base, "mgr", PASSWORD);
    chromium.driver.get(base + "/favicon.svg");
    chromium.driver.manage().addCookie(new Cookie("storedash_session", session.cookie()));
    chromium.driver.get(base + "/alerts.html");
    chromium.waiting(Duration.ofSeconds(20)).until(d -> !chromium.byCss("#push-form-panel").getDomAttribute("class").isEmpty()
      && chromium.byCss("#push-form-panel").isDisplayed());
    assertThat(chromium.byCss("#push-red-label").isDisplayed()).as("monitor_red is for ops and hq").isFalse();

    chromium.byCss("#push-name").sendKeys("一号店早报");
    new Select(chromium.byCss("#push-platform")).selectByValue("generic");
    chromium.byCss("#push-webhook").sendKeys("http://127.0.0.1:" + receiver.actualPort() + "/hook?key=PAGE-SECRET-KEY");
    chromium.byCss("#push-secret").sendKeys("page-signing-secret");
    chromium.byCss("#push-stores").sendKeys("S001");
    chromium.byCss("#push-losing").click();
    chromium.byCss("#push-form button[type=submit]").click();
    chromium.waiting(Duration.ofSeconds(20)).withMessage("the subscription listed")
      .until(d -> !d.findElements(By.cssSelector("#push-list tbody tr")).isEmpty());
    String listed = chromium.byCss("#push-list").getText();
    assertThat(listed).contains("一号店早报", "127.0.0.1", "S001", "08:30").doesNotContain("PAGE-SECRET-KEY");
    assertThat(chromium.byCss("#push-webhook").getDomProperty("value")).as("the form forgets the URL").isEmpty();

    chromium.driver.findElements(By.cssSelector("#push-list tbody tr button")).get(0).click();
    chromium.waiting(Duration.ofSeconds(20)).withMessage("the delivery log after the test-send")
      .until(d -> !d.findElements(By.cssSelector("#push-deliveries tbody tr")).isEmpty());
    assertThat(chromium.byCss("#push-ok").getText()).contains("测试消息已发送");
    assertThat(chromium.byCss("#push-deliveries").getText()).contains("测试", "已送达", "成功");
    assertThat(received).containsExactly("/hook?key=PAGE-SECRET-KEY");
    Files.write(HeadlessChromium.screenshots().resolve("alerts.png"), chromium.driver.getScreenshotAs(OutputType.BYTES));
  }
}
