package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.gateway.auth.Sessions;
import io.storedash.gateway.auth.Users;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium through the system chromedriver) against the real standalone
 * stack: the page loads with data, store and range switches show the KPIs the API returns, the language switch, the
 * live monitor panel, Redis going down and coming back, and monitor-service going away while the rest keeps working.
 * Screenshots land in {@code standalone/target/screenshots}.
 *
 * <p>Chromium and chromedriver must be installed ({@code .ci/run} installs Debian's); without them this test fails,
 * unless {@code -Dstoredash.browser.skip=true} says a developer chose to skip it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  /** The KPI cards: the chain's figures (docs/DESIGN.md §4.1), as the overview's {@code kpis} names them. */
  private static final List<String> KPIS = List.of("revenue", "orders", "aov", "profit", "profit_margin", "gross_profit",
    "gmv", "marketing_cost", "marketing_rate", "delivery_net_cost", "service_fee", "active_products", "profit_per_order",
    "marketing_per_order", "delivery_per_order", "items");
  /** The ratios, whose 环比 is in percentage points; every other figure's is relative. */
  private static final List<String> RATIOS = List.of("profit_margin", "marketing_rate");
  /** The page marks 营销成本率 above this. */
  private static final BigDecimal MARKETING_RATE_LIMIT = new BigDecimal("0.15");
  private static final Duration MONITOR_WAIT = Duration.ofSeconds(30);

  private static Node node;
  private static StoreDashConfig config;
  private static String monitorDeployment;
  private static String base;
  private static HeadlessChromium chromium;
  private static WebDriver browser;
  private static Path screenshots;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String ADMIN_PASSWORD = "dashboard-it admin password";
  /** The signed-in admin, whose cookie is given to the browser and to {@link #api}. */
  private static SignedIn session;
  private static final boolean SKIPPED = HeadlessChromium.SKIPPED;

  @BeforeAll
  static void start() throws IOException, InterruptedException {
    if (SKIPPED) {
      return;
    }
    chromium = HeadlessChromium.start();
    browser = chromium.driver;
    config = TestStorage.config(Map.of("HEARTBEAT_INTERVAL", "1s"));
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config, new DemoOptions(4, 400, 100, 5, END)))
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .onSuccess(id -> monitorDeployment = id)
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    base = "http://127.0.0.1:" + config.httpPort();
    // The page reads the API as a signed-in user: the standalone's first admin, signed in as the page would be.
    Users.ensureAdmin(node.vertx(), config, ADMIN_PASSWORD).await();
    signIn();

    screenshots = HeadlessChromium.screenshots();
  }

  @BeforeEach
  void notSkipped() {
    Assumptions.assumeFalse(SKIPPED, "browser tests skipped by -Dstoredash.browser.skip=true");
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

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private static JsonObject api(String path) throws Exception {
    HttpResponse<String> response = http.send(session.request(path).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** Waits until the KPI cards show this store and range, then compares every card with the API's overview. */
  private static void assertKpisShow(String store, String from, String to) throws Exception {
    String expected = store + "|" + from + "|" + to;
    chromium.waiting(Duration.ofSeconds(15)).withMessage("KPI cards for " + expected)
      .until(d -> expected.equals(chromium.attribute("#kpis", "data-loaded")));
    JsonObject kpis = api("/api/v1/stores/" + store + "/overview?from=" + from + "&to=" + to).getJsonObject("kpis");
    assertThat(kpis.getLong("orders")).isPositive();
    for (String kpi : KPIS) {
      String shown = chromium.attribute(".kpi[data-kpi=" + kpi + "]", "data-value");
      Object value = kpis.getValue(kpi);
      if (value == null) {
        assertThat(shown).as(kpi).isEmpty();
      } else {
        assertThat(new BigDecimal(shown)).as(kpi + " of " + expected).isEqualByComparingTo(new BigDecimal(value.toString()));
      }
    }
    String revenueText = chromium.byCss(".kpi[data-kpi=revenue] .kpi-value").getText();
    assertThat(revenueText).startsWith("¥").contains(String.format("%,d", kpis.getNumber("revenue").longValue()));
    // 无效订单 beside 订单数.
    assertThat(chromium.attribute(".kpi[data-kpi=orders] .kpi-invalid", "data-value")).as("invalid orders of " + expected)
      .isEqualTo(String.valueOf(kpis.getLong("invalid_orders")));
    // 营销成本率 is marked above 15 %, and only then.
    Object rate = kpis.getValue("marketing_rate");
    boolean high = rate != null && new BigDecimal(rate.toString()).compareTo(MARKETING_RATE_LIMIT) > 0;
    assertThat(chromium.attribute(".kpi[data-kpi=marketing_rate]", "data-alert")).as("marketing rate mark of " + expected)
      .isEqualTo(high ? "high" : null);
    // 环比: ratios in points, the rest relative (where the previous period gives one).
    JsonObject change = api("/api/v1/stores/" + store + "/overview?from=" + from + "&to=" + to).getJsonObject("change");
    for (String kpi : KPIS) {
      JsonObject delta = change.getJsonObject(kpi);
      Object amount = delta.getValue(RATIOS.contains(kpi) ? "points" : "relative");
      assertThat(chromium.attribute(".kpi[data-kpi=" + kpi + "]", "data-change-kind")).as("change of " + kpi)
        .isEqualTo(amount == null ? "none" : RATIOS.contains(kpi) ? "points" : "relative");
    }
  }

  /**
   * Waits until the channel and hours panels show this store and range, then compares them with the API: one channel
   * row per channel, in its order, with its rating; the eight day parts; the distance bands, or the note that there
   * are none.
   */
  private static void assertChannelsAndHoursShow(String store, String from, String to) throws Exception {
    String expected = store + "|" + from + "|" + to;
    for (String part : List.of("channels", "hours")) {
      chromium.waiting(Duration.ofSeconds(15)).withMessage(part + " for " + expected)
        .until(d -> expected.equals(chromium.attribute("[data-part=" + part + "]", "data-loaded")));
    }
    JsonArray channels = api("/api/v1/stores/" + store + "/channels?from=" + from + "&to=" + to).getJsonArray("channels");
    assertThat(channels).as("channels of " + expected).isNotEmpty();
    List<WebElement> rows = browser.findElements(By.cssSelector("[data-part=channels] .channel-table tbody tr"));
    assertThat(rows).hasSize(channels.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonObject channel = channels.getJsonObject(i);
      assertThat(rows.get(i).getDomAttribute("data-channel")).isEqualTo(channel.getString("channel"));
      String rating = channel.getString("rating");
      assertThat(rows.get(i).getDomAttribute("data-rating")).isEqualTo(rating == null ? "" : rating);
    }
    assertThat(browser.findElements(By.cssSelector("[data-part=channels] .cost-structure tbody tr"))).hasSize(channels.size());

    JsonObject hours = api("/api/v1/stores/" + store + "/hours?from=" + from + "&to=" + to);
    assertThat(browser.findElements(By.cssSelector("[data-part=hours] .day-parts tbody tr"))).hasSize(8);
    JsonArray bands = hours.getJsonArray("distance_bands");
    if (bands == null) {
      assertThat(browser.findElements(By.cssSelector("[data-part=hours] .distance-bands-none"))).hasSize(1);
    } else {
      assertThat(browser.findElements(By.cssSelector("[data-part=hours] .distance-bands tbody tr"))).hasSize(bands.size());
    }
  }

  private static void screenshot(String name) throws IOException, InterruptedException {
    // Charts animate for 300 ms after they get data: let them settle so the picture shows what a person sees.
    Thread.sleep(800);
    File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static void setDates(String from, String to) {
    ((JavascriptExecutor) browser).executeScript(
      "const f = document.getElementById('from'); const t = document.getElementById('to');"
        + "f.value = arguments[0]; t.value = arguments[1]; t.dispatchEvent(new Event('change'));", from, to);
  }

  /** Signs the admin in as the page would, keeping the session. */
  private static void signIn() throws IOException, InterruptedException {
    session = SignedIn.as(http, base, Users.FIRST_ADMIN, ADMIN_PASSWORD);
  }

  /** Opens the page in Chinese, the default, whatever an earlier test chose, signed in as the admin. */
  private static void open(String pathAndHash) throws IOException, InterruptedException {
    // Sessions live in Redis: one restarted by an earlier test (the embedded one keeps nothing) has forgotten it.
    int status = http.send(session.request("/api/v1/session").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status == 401) {
      signIn();
    }
    browser.get(base + "/favicon.svg");
    browser.manage().addCookie(new Cookie.Builder(Sessions.COOKIE, session.cookie()).path("/").isHttpOnly(true).sameSite("Lax").build());
    ((JavascriptExecutor) browser).executeScript("window.localStorage.removeItem('storedash.lang');");
    browser.get(base + pathAndHash);
    chromium.waiting(Duration.ofSeconds(30)).withMessage("the page to finish its first render")
      .until(d -> "ready".equals(chromium.attribute("body", "data-state")));
  }

  /**
   * Every panel shown shows something a person can read: content, an empty note, or which part is unavailable. (A
   * panel of the chain only, such as the money-losing products, is not shown for a single store.)
   */
  private static void assertNoPanelIsBlank() {
    for (WebElement panel : browser.findElements(By.cssSelector("[data-part]"))) {
      if (!panel.isDisplayed()) {
        continue;
      }
      String state = panel.getDomAttribute("data-state");
      String part = panel.getDomAttribute("data-part");
      assertThat(state).as(part).isIn("ready", "empty", "needs-store", "error");
      if (!"ready".equals(state)) {
        assertThat(panel.findElement(By.cssSelector(".panel-message")).getText()).as(part).isNotBlank();
      }
    }
  }

  // ---- tests --------------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void thePageLoadsWithTheChainsDataAndRendersFastWithAWarmCache() throws Exception {
    open("/");
    long cold = Long.parseLong(chromium.attribute("body", "data-render-ms"));
    JsonObject chain = api("/api/v1/stores/all/overview");
    assertThat(chain.getString("to")).isEqualTo(END.toString());
    assertKpisShow("all", chain.getString("from"), chain.getString("to"));
    assertChannelsAndHoursShow("all", chain.getString("from"), chain.getString("to"));
    assertThat(browser.findElements(By.cssSelector("#store option"))).hasSize(1 + 4);
    assertNoPanelIsBlank();
    // Single-store parts ask for a store rather than show an error.
    assertThat(chromium.attribute("[data-part=diagnosis]", "data-state")).isEqualTo("needs-store");

    browser.navigate().refresh();
    chromium.waiting(Duration.ofSeconds(30)).until(d -> "ready".equals(chromium.attribute("body", "data-state")));
    long warm = Long.parseLong(chromium.attribute("body", "data-render-ms"));
    System.out.printf("dashboard first full render (navigation start to every part shown): %d ms cold, %d ms with a warm cache%n",
      cold, warm);
    screenshot("dashboard-zh.png");
  }

  @Test
  @Order(2)
  void switchingStoreAndRangeShowsTheKpisTheApiReturns() throws Exception {
    open("/");
    new Select(chromium.byCss("#store")).selectByValue("S002");
    String to = END.toString();
    assertKpisShow("S002", END.minusDays(29).toString(), to);

    chromium.byCss("button[data-preset='days7']").click();
    assertKpisShow("S002", END.minusDays(6).toString(), to);
    assertThat(chromium.attribute("button[data-preset='days7']", "aria-pressed")).isEqualTo("true");

    chromium.byCss("button[data-preset='days90']").click();
    assertKpisShow("S002", END.minusDays(89).toString(), to);

    setDates("2026-09-01", "2026-09-30");
    assertKpisShow("S002", "2026-09-01", "2026-09-30");

    new Select(chromium.byCss("#store")).selectByValue("S001");
    assertKpisShow("S001", "2026-09-01", "2026-09-30");
    assertChannelsAndHoursShow("S001", "2026-09-01", "2026-09-30");
    chromium.waiting(Duration.ofSeconds(15)).until(d -> !"loading".equals(chromium.attribute("[data-part=diagnosis]", "data-state")));
    // The diagnosis and the ranking are paged (docs/DESIGN.md §12.4): each shows its first page with a pager.
    for (String part : List.of("diagnosis", "ranking")) {
      chromium.waiting(Duration.ofSeconds(15))
        .until(d -> "1".equals(chromium.attribute("[data-part=" + part + "] .pager-info", "data-page")));
    }
    assertNoPanelIsBlank();
    screenshot("dashboard-store.png");

    // A range the API would refuse is caught on the page, and the KPIs stay as they were.
    setDates("2026-10-10", "2026-10-01");
    assertThat(chromium.byCss("#range-message").isDisplayed()).isTrue();
    assertThat(chromium.attribute("#kpis", "data-loaded")).isEqualTo("S001|2026-09-01|2026-09-30");
  }

  @Test
  @Order(3)
  void theLanguageSwitchesBetweenChineseAndEnglish() throws Exception {
    open("/#store=S001&from=2026-10-01&to=2026-10-30");
    assertThat(chromium.attribute("html", "lang")).isEqualTo("zh-CN");
    assertThat(chromium.byCss(".kpi[data-kpi=revenue] .kpi-name").getText()).isEqualTo("商品实收额");
    assertThat(chromium.byCss(".kpi[data-kpi=profit] .kpi-name").getText()).isEqualTo("订单实际利润");
    assertThat(chromium.byCss(".kpi[data-kpi=marketing_rate] .kpi-name").getText()).isEqualTo("营销成本率");
    assertThat(chromium.byCss("[data-part=trend] h2").getText()).isEqualTo("每日趋势");

    chromium.byCss("#lang-toggle").click();
    assertThat(chromium.attribute("html", "lang")).isEqualTo("en");
    assertThat(chromium.byCss(".kpi[data-kpi=revenue] .kpi-name").getText()).isEqualTo("Revenue");
    assertThat(chromium.byCss(".kpi[data-kpi=profit] .kpi-name").getText()).isEqualTo("Order profit");
    assertThat(chromium.byCss("[data-part=trend] h2").getText()).isEqualTo("Daily trend");
    assertThat(chromium.byCss("#monitor .monitor-overall strong").getText()).isEqualTo("System status");
    assertThat(chromium.byCss("#lang-toggle").getText()).isEqualTo("中文");
    assertThat(browser.getTitle()).isEqualTo("StoreDash store dashboard");
    assertKpisShow("S001", "2026-10-01", "2026-10-30");
    screenshot("dashboard-en.png");

    // The choice is remembered across a reload, and switching back restores Chinese.
    browser.navigate().refresh();
    chromium.waiting(Duration.ofSeconds(30)).until(d -> "ready".equals(chromium.attribute("body", "data-state")));
    assertThat(chromium.attribute("html", "lang")).isEqualTo("en");
    chromium.byCss("#lang-toggle").click();
    assertThat(chromium.byCss(".kpi[data-kpi=revenue] .kpi-name").getText()).isEqualTo("商品实收额");

    // Readable on a phone: one column, nothing wider than the screen.
    browser.manage().window().setSize(new Dimension(390, 2400));
    // Charts follow the window after a short debounce; then nothing may stick out.
    chromium.waiting(Duration.ofSeconds(5)).withMessage("the page to fit a phone's width").until(d -> ((Number) ((JavascriptExecutor) d)
      .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")).intValue() <= 0);
    assertThat(chromium.byCss(".kpi-grid").getCssValue("grid-template-columns").split(" ")).hasSize(2);
    screenshot("dashboard-phone.png");
    browser.manage().window().setSize(new Dimension(1400, 2600));
  }

  @Test
  @Order(4)
  void theMonitorPanelIsLiveAndTurnsRedWhileRedisIsDown() throws Exception {
    open("/");
    chromium.waiting(MONITOR_WAIT).withMessage("a first monitor snapshot").until(d -> chromium.attribute("#monitor", "data-updates") != null);
    int first = Integer.parseInt(chromium.attribute("#monitor", "data-updates"));
    chromium.waiting(MONITOR_WAIT).withMessage("the next snapshot, pushed by the server")
      .until(d -> Integer.parseInt(chromium.attribute("#monitor", "data-updates")) > first);
    assertThat(chromium.attribute("#monitor-redis", "data-status")).isEqualTo("green");
    chromium.byCss("#monitor-toggle").click();
    assertThat(chromium.byCss("#monitor-details").isDisplayed()).isTrue();
    assertThat(chromium.byCss("#monitor-details-list").getText()).contains("Redis 7.", "PostgreSQL");

    EmbeddedRedisServer redis = TestStorage.embeddedRedis();
    Assumptions.assumeTrue(redis != null, "REDIS_URL names an external Redis, which this test cannot stop");
    long stopped = System.nanoTime();
    redis.stop();
    try {
      chromium.waiting(MONITOR_WAIT).withMessage("the Redis item to turn red")
        .until(d -> "red".equals(chromium.attribute("#monitor-redis", "data-status")));
      chromium.waiting(MONITOR_WAIT).withMessage("the monitor panel to turn red")
        .until(d -> "red".equals(chromium.attribute("#monitor", "data-status")));
      System.out.printf("monitor panel red %.1f s after Redis stopped%n", (System.nanoTime() - stopped) / 1e9);
      assertThat(chromium.byCss("#monitor-redis .monitor-value").getText()).isEqualTo("已断开");
      // The dashboard keeps answering without Redis.
      new Select(chromium.byCss("#store")).selectByValue("S003");
      assertKpisShow("S003", END.minusDays(29).toString(), END.toString());
      screenshot("dashboard-redis-down.png");
    } finally {
      redis.startProcess();
    }
    long restarted = System.nanoTime();
    chromium.waiting(MONITOR_WAIT).withMessage("the Redis item to turn green again")
      .until(d -> "green".equals(chromium.attribute("#monitor-redis", "data-status")));
    chromium.waiting(MONITOR_WAIT).withMessage("the monitor panel to leave red")
      .until(d -> !"red".equals(chromium.attribute("#monitor", "data-status")));
    System.out.printf("monitor panel out of red %.1f s after Redis restarted%n", (System.nanoTime() - restarted) / 1e9);
  }

  @Test
  @Order(5)
  void withoutMonitorServiceThePageSaysSoAndTheRestKeepsWorking() throws Exception {
    open("/");
    node.vertx().undeploy(monitorDeployment).await();
    chromium.waiting(MONITOR_WAIT).withMessage("the monitor panel to say monitor-service is unavailable")
      .until(d -> chromium.byCss("#monitor-message").getText().contains("监控服务不可用"));
    assertThat(chromium.byCss("#monitor-message").getText()).contains("monitor-service");
    assertThat(chromium.attribute("#monitor", "data-status")).isEqualTo("unknown");
    // No figure of the last snapshot is shown as if it were current.
    assertThat(chromium.byCss("#monitor-cpu .monitor-value").getText()).isEqualTo("—");

    new Select(chromium.byCss("#store")).selectByValue("S004");
    assertKpisShow("S004", END.minusDays(29).toString(), END.toString());
    assertNoPanelIsBlank();
    screenshot("dashboard-monitor-down.png");
  }
}
