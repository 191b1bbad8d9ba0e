package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.monitor.MonitorService;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upload page in a real browser against the real standalone stack (docs/DESIGN.md §13.3): a manager of S001
 * follows the dashboard's link, drops two files — one good, one with a bad line — sees each file's dry run (columns,
 * stores, days, new and replaced orders, refused lines), confirms the good one, finds it in the history, undoes it
 * after the confirmation, and S001's overview and products are again exactly what they were before the import. A
 * manager of another store neither sees that import nor may undo it. Screenshots land in
 * {@code standalone/target/screenshots} (upload-*.png, copied to docs/screenshots).
 */
class UploadIT {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  private static final String ADMIN_TOKEN = "upload-it-admin-token-0123456789";
  private static final String PASSWORD = "correct horse battery";
  private static final String COOKIE = "storedash_session";
  private static final String RANGE = "?from=2026-10-25&to=2026-10-31";

  private static Node node;
  private static String base;
  private static HeadlessChromium chromium;
  private static ChromeDriver browser;
  private static Path screenshots;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    if (HeadlessChromium.SKIPPED) {
      return;
    }
    chromium = HeadlessChromium.start();
    browser = chromium.driver;
    // axe-core over a whole page takes seconds on a busy machine.
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    StoreDashConfig config = TestStorage.config(Map.of("HEARTBEAT_INTERVAL", "1s", "ADMIN_TOKEN", ADMIN_TOKEN));
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config, new DemoOptions(3, 300, 30, 5, END)))
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    base = "http://127.0.0.1:" + config.httpPort();
    screenshots = HeadlessChromium.screenshots();
    createUser("mgr", "manager", List.of("S001"));
    createUser("mgr2", "manager", List.of("S002"));
  }

  @BeforeEach
  void notSkipped() {
    Assumptions.assumeFalse(HeadlessChromium.SKIPPED, "browser tests skipped by -Dstoredash.browser.skip=true");
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
  void aManagerTriesImportsAndUndoesAFileAndTheFiguresComeBackExactly() throws Exception {
    String overviewBefore = asAdmin("GET", "/api/v1/stores/S001/overview" + RANGE, 200).encode();
    String productsBefore = asAdmin("GET", "/api/v1/stores/S001/products" + RANGE, 200).encode();
    Path files = Files.createTempDirectory("storedash-upload");
    Path good = files.resolve("S001-本周.csv");
    Path bad = files.resolve("S001-有错.csv");
    String csv = goodFile();
    long lines = csv.lines().count() - 1;
    Files.writeString(good, csv, StandardCharsets.UTF_8);
    Files.writeString(bad, csv.replace(",2,9.90,12.00,6.00,某路3号", ",two,9.90,12.00,6.00,某路3号"), StandardCharsets.UTF_8);

    // From the dashboard: the link is there for a manager, and leads to the page.
    signIn("mgr");
    chromium.waiting(Duration.ofSeconds(30)).withMessage("the link to the upload page")
      .until(d -> chromium.byCss("#upload-link").isDisplayed());
    chromium.byCss("#upload-link").click();
    waitForState("ready");
    assertThat(browser.getTitle()).isEqualTo("导入订单文件 · StoreDash");
    assertThat(chromium.byCss("label[for=upload-files]").getText()).contains(".xlsx", ".csv");
    screenshot("upload-empty.png", 900);

    // Two files at once, through the drop zone's file input (what a keyboard user reaches with Tab).
    chromium.byCss("#upload-files").sendKeys(good + "\n" + bad);
    chromium.waiting(Duration.ofSeconds(60)).withMessage("both dry runs")
      .until(d -> "ready".equals(stateOf(good)) && "refused".equals(stateOf(bad)));
    WebElement goodCard = card(good);
    WebElement badCard = card(bad);
    assertThat(goodCard.findElement(By.cssSelector(".file-facts")).getText())
      .contains(lines + " 行，3 个订单：2 个新订单，1 个已有订单将被替换", "S001", "2026-10-30 至 2026-10-31（2 天）");
    goodCard.findElement(By.cssSelector("summary")).click();
    List<WebElement> columns = goodCard.findElements(By.cssSelector("table.columns-read tbody tr"));
    assertThat(columns).hasSize(12);
    assertThat(columns.get(0).getText()).contains("order_id", "已读取");
    assertThat(columns.get(11).getText()).contains("收货地址", "个人信息，已丢弃");
    List<WebElement> refused = badCard.findElements(By.cssSelector("table.refused-lines tbody tr"));
    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).getText()).contains("quantity", "two");
    assertThat(badCard.findElements(By.xpath(".//button[text()='确认导入']"))).isEmpty();
    assertNoSeriousViolations("the dry runs");
    screenshot("upload-dry-run.png", 1500);
    // The dry runs changed nothing, and nobody's history has them.
    assertThat(asAdmin("GET", "/api/v1/stores/S001/overview" + RANGE, 200).encode()).isEqualTo(overviewBefore);
    assertThat(asAdmin("GET", "/api/v1/imports", 200).getJsonArray("imports")).isEmpty();

    // Confirmed: imported, and first in the history.
    goodCard.findElement(By.xpath(".//button[text()='确认导入']")).click();
    chromium.waiting(Duration.ofSeconds(60)).withMessage("the import").until(d -> "imported".equals(stateOf(good)));
    // The history is read again after the import, then the page says so.
    chromium.waiting(Duration.ofSeconds(30)).withMessage("the history after the import")
      .until(d -> !chromium.byCss("#history-status").getText().isEmpty());
    WebElement row = historyRow(0);
    assertThat(row.getDomAttribute("data-status")).isEqualTo("imported");
    assertThat(row.getText()).contains("mgr", good.getFileName().toString(), "S001", "2026-10-30 – 2026-10-31");
    String importId = row.getDomAttribute("data-import-id");
    assertThat(asAdmin("GET", "/api/v1/stores/S001/overview" + RANGE, 200).encode()).isNotEqualTo(overviewBefore);
    screenshot("upload-imported.png", 1500);

    // A manager of another store does not see it, and cannot undo it.
    Session other = session("mgr2");
    assertThat(other.send("GET", "/api/v1/imports", true).body()).doesNotContain(good.getFileName().toString());
    assertThat(other.send("POST", "/api/v1/imports/" + importId + "/undo", true).statusCode()).isEqualTo(404);
    assertThat(other.send("POST", "/api/v1/imports/" + importId + "/undo", false).statusCode()).as("without CSRF").isEqualTo(403);

    // Undo, after the confirmation; then the figures are exactly those before the import.
    row.findElement(By.cssSelector("button.danger")).click();
    chromium.waiting(Duration.ofSeconds(5)).until(d -> chromium.byCss("#undo-dialog").isDisplayed());
    assertThat(chromium.byCss("#undo-text").getText()).contains("2 个订单", "1 个订单");
    screenshot("upload-undo-confirm.png", 900);
    chromium.byCss("#undo-confirm").click();
    chromium.waiting(Duration.ofSeconds(60)).withMessage("the undo")
      .until(d -> "undone".equals(chromium.attribute("#history-table tbody tr", "data-status")));
    assertThat(chromium.byCss("#history-status").getText()).isEqualTo("导入 " + importId + " 已撤销，数据已恢复到导入之前。");
    assertThat(historyRow(0).findElements(By.cssSelector("button.danger"))).isEmpty();
    assertNoSeriousViolations("the history after the undo");
    screenshot("upload-undone.png", 1500);
    assertThat(asAdmin("GET", "/api/v1/stores/S001/overview" + RANGE, 200).encode()).isEqualTo(overviewBefore);
    assertThat(asAdmin("GET", "/api/v1/stores/S001/products" + RANGE, 200).encode()).isEqualTo(productsBefore);
    // A second undo is refused.
    assertThat(session("mgr").send("POST", "/api/v1/imports/" + importId + "/undo", true).statusCode()).isEqualTo(409);

    // On a phone: nothing wider than the screen, the history as cards.
    browser.manage().window().setSize(new Dimension(390, 1600));
    chromium.waiting(Duration.ofSeconds(5)).withMessage("the page to fit a phone's width").until(d -> ((Number) ((JavascriptExecutor) d)
      .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")).intValue() <= 0);
    assertNoSeriousViolations("the page at 390 px");
    File shot = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), screenshots.resolve("upload-phone.png"), StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(new Dimension(1400, 2600));
  }

  /**
   * For S001 on the last two days: one of its orders of the last day again with one more of its first line (it is
   * replaced), and two new orders. 收货地址 is personal data: read, dropped, and said so.
   */
  private static String goodFile() throws Exception {
    JsonArray lines = asAdmin("GET", "/api/v1/stores/S001/orders?from=" + END + "&to=" + END + "&size=50", 200).getJsonArray("lines");
    JsonObject first = lines.getJsonObject(0);
    String replaced = first.getString("order_id");
    String name = asAdmin("GET", "/api/v1/stores", 200).getJsonArray("stores").stream().map(JsonObject.class::cast)
      .filter(s -> s.getString("code").equals("S001")).findFirst().orElseThrow().getString("name");
    StringBuilder csv = new StringBuilder("order_id,store_code,store_name,channel,ordered_at,sku,product_name,quantity,"
      + "unit_price,list_price,cost,收货地址\n");
    boolean firstLine = true;
    for (Object entry : lines) {
      JsonObject line = (JsonObject) entry;
      if (!line.getString("order_id").equals(replaced)) {
        continue;
      }
      int quantity = line.getInteger("quantity") + (firstLine ? 1 : 0);
      double unitCost = Double.parseDouble(line.getString("cost")) / line.getInteger("quantity");
      csv.append(String.join(",", replaced, "S001", name, line.getString("channel"), line.getString("ordered_at"),
        line.getString("sku"), line.getString("product_name"), String.valueOf(quantity), line.getString("unit_price"),
        line.getString("list_price"), String.format("%.2f", unitCost * quantity), "某路1号")).append('\n');
      firstLine = false;
    }
    csv.append("UPL-1,S001,").append(name).append(",meituan,2026-10-30 12:00:00,").append(first.getString("sku")).append(',')
      .append(first.getString("product_name")).append(",2,9.90,12.00,6.00,某路2号\n");
    csv.append("UPL-2,S001,").append(name).append(",meituan,2026-10-31 18:30:00,").append(first.getString("sku")).append(',')
      .append(first.getString("product_name")).append(",2,9.90,12.00,6.00,某路3号\n");
    return csv.toString();
  }

  /** A file's card: found afresh, as each change of its state draws it again. */
  private static WebElement card(Path file) {
    return chromium.byCss(".file-card[data-file='" + file.getFileName() + "']");
  }

  /** Read in one script: the card may be drawn again between a look-up and a read. */
  private static String stateOf(Path file) {
    return chromium.attribute(".file-card[data-file='" + file.getFileName() + "']", "data-state");
  }

  /** axe-core (WCAG 2.1 A and AA rules) over the page as it stands: no serious or critical violation. */
  @SuppressWarnings("unchecked")
  private static void assertNoSeriousViolations(String what) throws IOException {
    try (var axe = UploadIT.class.getResourceAsStream("/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
      assertThat(axe).as("axe-core on the test class path").isNotNull();
      browser.executeScript(new String(axe.readAllBytes(), StandardCharsets.UTF_8));
    }
    List<Object> violations = (List<Object>) browser.executeAsyncScript("""
      const done = arguments[arguments.length - 1];
      axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
        .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
        .catch(e => done(['axe failed: ' + e]));""");
    System.out.println("axe-core on the upload page, " + what + ": " + violations.size() + " serious or critical");
    assertThat(violations).as("serious or critical accessibility violations in " + what).isEmpty();
  }

  private static WebElement historyRow(int index) {
    return chromium.waiting(Duration.ofSeconds(10)).withMessage("the history's row " + index).until(d -> {
      List<WebElement> rows = browser.findElements(By.cssSelector("#history-table tbody tr"));
      return rows.size() > index ? rows.get(index) : null;
    });
  }

  private static void waitForState(String state) {
    chromium.waiting(Duration.ofSeconds(30)).withMessage("the page's state " + state)
      .until(d -> state.equals(chromium.attribute("body", "data-state")));
  }

  private static void signIn(String user) {
    browser.get(base + "/favicon.svg");
    browser.manage().deleteAllCookies();
    ((JavascriptExecutor) browser).executeScript("window.localStorage.removeItem('storedash.lang');");
    browser.get(base + "/");
    chromium.waiting(Duration.ofSeconds(15)).withMessage("the sign-in form").until(d -> Boolean.TRUE.equals(browser.executeScript(
      "return document.body.dataset.auth === 'signed-out' && !document.getElementById('signin').hidden;")));
    chromium.byCss("#signin-user").sendKeys(user);
    chromium.byCss("#signin-password").sendKeys(PASSWORD);
    chromium.byCss("#signin-submit").click();
    chromium.waiting(Duration.ofSeconds(30)).withMessage("signed in as " + user)
      .until(d -> "signed-in".equals(chromium.attribute("body", "data-auth")));
  }

  /** A session of the tests' own, with its CSRF token. */
  private record Session(String cookie, String csrf) {
    HttpResponse<String> send(String method, String path, boolean withCsrf) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", COOKIE + "=" + cookie)
        .method(method, HttpRequest.BodyPublishers.noBody());
      if (withCsrf) {
        request.header("X-CSRF-Token", csrf);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static Session session(String user) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", PASSWORD).encode()))
      .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String setCookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(COOKIE + "=")).findFirst()
      .orElseThrow();
    return new Session(setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';')),
      new JsonObject(response.body()).getString("csrf_token"));
  }

  private static JsonObject asAdmin(String method, String path, int status) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
      .header("Authorization", "Bearer " + ADMIN_TOKEN).method(method, HttpRequest.BodyPublishers.noBody()).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
    return new JsonObject(response.body());
  }

  private static void createUser(String name, String role, List<String> stores) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/users"))
      .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", name).put("password", PASSWORD)
        .put("role", role).put("stores", new JsonArray(stores)).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private static void screenshot(String name, int height) throws IOException, InterruptedException {
    Dimension size = browser.manage().window().getSize();
    browser.manage().window().setSize(new Dimension(1280, height));
    try {
      Thread.sleep(300);
      File shot = browser.getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      browser.manage().window().setSize(size);
    }
  }
}
