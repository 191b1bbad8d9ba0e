package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
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
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jobs of issue 19 done on the dashboard page in a real browser (headless Chromium), against the real standalone
 * stack with demo data up to {@link #END}: the retail-calendar presets with a fixed clock, comparing stores, the orders
 * search, a refresh by itself after an import, an empty range, an unknown store in a link, the phone layout at 390 px,
 * the export links, the view in the address with Back, the store manager's monitor line, and axe-core on the main
 * views. One browser and one stack for the class. Screenshots land in {@code docs/screenshots}.
 *
 * <p>The page's clock is fixed by {@code ?today=} (docs/DESIGN.md §13.4).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PageJobsIT {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  /** A Wednesday after the data's last day: the presets count from the newest day with data, a Saturday. */
  private static final String CLOCK = "?today=2026-11-04";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ADMIN_PASSWORD = "page-jobs-it admin password";
  private static final String MANAGER_PASSWORD = "page-jobs-it manager password";
  private static final String AXE = "/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";

  private static Node node;
  private static String base;
  private static HeadlessChromium chromium;
  private static WebDriver browser;
  private static Path screenshots;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static Session admin;
  private static final boolean SKIPPED = HeadlessChromium.SKIPPED;
  /** axe-core's serious and critical violations per view, printed at the end. */
  private static final Map<String, String> axeCounts = new LinkedHashMap<>();

  /** A signed-in user: the session cookie and its CSRF token. */
  private record Session(String cookie, String csrf) {
    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", Sessions.COOKIE + "=" + cookie);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    if (SKIPPED) {
      return;
    }
    chromium = HeadlessChromium.start();
    browser = chromium.driver;
    StoreDashConfig config = TestStorage.config(Map.of("HEARTBEAT_INTERVAL", "1s"));
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config, new DemoOptions(4, 400, 100, 5, END)))
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    base = "http://127.0.0.1:" + config.httpPort();
    Users.ensureAdmin(node.vertx(), config, ADMIN_PASSWORD).await();
    admin = signIn(Users.FIRST_ADMIN, ADMIN_PASSWORD);
    screenshots = Path.of(System.getProperty("storedash.root", ".."), "docs", "screenshots");
    Files.createDirectories(screenshots);
  }

  @BeforeEach
  void notSkipped() {
    Assumptions.assumeFalse(SKIPPED, "browser tests skipped by -Dstoredash.browser.skip=true");
    browser.manage().window().setSize(new Dimension(1400, 1000));
  }

  @AfterAll
  static void stop() throws IOException {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.shutdown().await();
    }
    axeCounts.forEach((view, counts) -> System.out.println("axe-core " + view + ": " + counts));
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private static Session signIn(String user, String password) throws IOException, InterruptedException {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", password).encode()))
      .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    String setCookie = answer.headers().allValues("Set-Cookie").stream()
      .filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst().orElseThrow();
    return new Session(setCookie.substring(Sessions.COOKIE.length() + 1, setCookie.indexOf(';')),
      new JsonObject(answer.body()).getString("csrf_token"));
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(admin.request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject api(String path) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static Object script(String js, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(js, args);
  }

  /** Opens the page as {@code who}, in Chinese unless the address says otherwise, and waits for its first render. */
  private static void open(Session who, String address) {
    browser.get(base + "/favicon.svg");
    browser.manage().deleteAllCookies();
    browser.manage().addCookie(new Cookie.Builder(Sessions.COOKIE, who.cookie()).path("/").isHttpOnly(true).sameSite("Lax").build());
    script("window.localStorage.removeItem('storedash.lang');");
    browser.get(base + "/" + CLOCK + address);
    chromium.waiting(WAIT).withMessage("the page's first render").until(d -> "ready".equals(chromium.attribute("body", "data-state")));
  }

  private static void waitLoaded(String css, String expected) {
    chromium.waiting(WAIT).withMessage(css + " showing " + expected).until(d -> expected.equals(chromium.attribute(css, "data-loaded")));
  }

  private static void screenshot(String name) throws IOException, InterruptedException {
    // Charts animate for 300 ms after they get data: let them settle so the picture shows what a person sees.
    Thread.sleep(800);
    File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String hashParam(String name) {
    String hash = (String) script("return window.location.hash.substring(1);");
    for (String pair : hash.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /**
   * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is; returns the violations by impact and fails on
   * any serious or critical one, naming it.
   */
  @SuppressWarnings("unchecked")
  private static void axe(String view) throws IOException {
    try (InputStream in = PageJobsIT.class.getResourceAsStream(AXE)) {
      assertThat(in).as("axe-core from its WebJar").isNotNull();
      script(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    // axe-core takes a few seconds over the whole page, longer on a busy machine than the driver's usual 10 s.
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(90));
    Map<String, Object> result = (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
      "const done = arguments[arguments.length - 1];"
        + "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })"
        + ".then(r => done({ violations: r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,"
        + " target: String(v.nodes[0].target) })), passes: r.passes.length }))"
        + ".catch(e => done({ error: String(e) }));");
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    assertThat(result.get("error")).as("axe-core ran").isNull();
    List<Map<String, Object>> violations = (List<Map<String, Object>>) result.get("violations");
    Map<String, Integer> byImpact = new LinkedHashMap<>(Map.of("critical", 0, "serious", 0, "moderate", 0, "minor", 0));
    List<String> blocking = new ArrayList<>();
    for (Map<String, Object> v : violations) {
      String impact = String.valueOf(v.get("impact"));
      byImpact.merge(impact, 1, Integer::sum);
      if (impact.equals("serious") || impact.equals("critical")) {
        blocking.add(v.get("id") + " (" + impact + ", " + v.get("nodes") + " nodes, first " + v.get("target") + ")");
      }
    }
    axeCounts.put(view, "critical " + byImpact.get("critical") + ", serious " + byImpact.get("serious") + ", moderate "
      + byImpact.get("moderate") + ", minor " + byImpact.get("minor") + "; rules passed " + result.get("passes"));
    assertThat(blocking).as("serious or critical axe-core violations on " + view).isEmpty();
  }

  // ---- tests --------------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void presetsFollowTheRetailCalendarFromTheNewestDayWithData() throws Exception {
    open(admin, "");
    // The clock says Wednesday 2026-11-04; the newest day with data is Saturday 2026-10-31, which counts as today.
    waitLoaded("#kpis", "all|2026-10-02|2026-10-31");
    assertThat(chromium.byCss("#anchor-day").getText()).contains("2026-10-31");
    Map<String, String[]> expected = new LinkedHashMap<>();
    expected.put("today", new String[] {"2026-10-31", "2026-10-31"});
    expected.put("yesterday", new String[] {"2026-10-30", "2026-10-30"});
    expected.put("this_week", new String[] {"2026-10-26", "2026-10-31"});
    expected.put("last_week", new String[] {"2026-10-19", "2026-10-25"});
    expected.put("this_month", new String[] {"2026-10-01", "2026-10-31"});
    expected.put("last_month", new String[] {"2026-09-01", "2026-09-30"});
    expected.put("days7", new String[] {"2026-10-25", "2026-10-31"});
    expected.put("days90", new String[] {"2026-08-03", "2026-10-31"});
    for (Map.Entry<String, String[]> preset : expected.entrySet()) {
      chromium.byCss("button[data-preset=" + preset.getKey() + "]").click();
      waitLoaded("#kpis", "all|" + preset.getValue()[0] + "|" + preset.getValue()[1]);
      assertThat(chromium.attribute("button[data-preset=" + preset.getKey() + "]", "aria-pressed")).isEqualTo("true");
      assertThat(hashParam("preset")).isEqualTo(preset.getKey());
    }

    // 环比 on every card, with the previous value printed; a ratio's change in percentage points.
    chromium.byCss("button[data-preset=last_week]").click();
    waitLoaded("#kpis", "all|2026-10-19|2026-10-25");
    JsonObject overview = api("/api/v1/stores/all/overview?from=2026-10-19&to=2026-10-25");
    BigDecimal points = new BigDecimal(overview.getJsonObject("change").getJsonObject("profit_margin").getValue("points").toString());
    WebElement margin = chromium.byCss(".kpi[data-kpi=profit_margin]");
    assertThat(margin.getDomAttribute("data-change-kind")).isEqualTo("points");
    assertThat(margin.findElement(By.cssSelector(".kpi-change")).getText())
      .contains(String.format("%.2f个百分点", points.abs()))
      .contains("上期 " + String.format("%.1f%%", overview.getJsonObject("previous").getDouble("profit_margin") * 100));
    for (WebElement card : browser.findElements(By.cssSelector(".kpi"))) {
      assertThat(card.findElement(By.cssSelector(".kpi-change")).getText()).as(card.getDomAttribute("data-kpi"))
        .containsAnyOf("上期", "上期无数据");
    }
    // The trend has a text summary and an accessible name; the previous period's line when the API gives one.
    assertThat(chromium.attribute("[data-part=trend] .chart", "aria-label")).isNotBlank();
    assertThat(chromium.byCss("[data-part=trend] .chart-summary").getText()).contains("7 天商品实收额合计");
    JsonObject trend = api("/api/v1/stores/all/trend?from=2026-10-19&to=2026-10-25");
    assertThat(chromium.attribute("[data-part=trend] .chart", "data-previous")).isEqualTo(String.valueOf(trend.containsKey("previous")));
    screenshot("page-presets-zh.png");
    // Every chart has a name and a printed summary; one h1 and a skip link; the ranking is one tab stop.
    chromium.waiting(WAIT).until(d -> "ready".equals(chromium.attribute("[data-part=ranking]", "data-state")));
    for (WebElement chart : browser.findElements(By.cssSelector("[data-part] .chart"))) {
      if (chart.isDisplayed()) {
        assertThat(chart.getDomAttribute("aria-label")).isNotBlank();
        assertThat(browser.findElement(By.id(chart.getDomAttribute("aria-describedby"))).getText()).isNotBlank();
      }
    }
    assertThat(browser.findElements(By.tagName("h1"))).hasSize(1);
    assertThat(chromium.attribute("a.skip-link", "href")).isEqualTo("#sales");
    assertThat(script("return document.querySelectorAll('[data-part=ranking] [tabindex=\"0\"]').length;")).isEqualTo(1L);
    assertThat(browser.findElements(By.cssSelector("[data-part=ranking] tbody tr")).size()).isGreaterThan(1);
    axe("the chain in Chinese");

    // With a clock inside the data, today is the clock's: this week is Monday to Wednesday.
    browser.get(base + "/?today=2026-10-28#store=all&preset=this_week");
    chromium.waiting(WAIT).until(d -> "ready".equals(chromium.attribute("body", "data-state")));
    waitLoaded("#kpis", "all|2026-10-26|2026-10-28");
  }

  @Test
  @Order(2)
  void compareThreeStoresSideBySide() throws Exception {
    open(admin, "#store=all&preset=days30");
    chromium.byCss("#compare-picker summary").click();
    for (String store : List.of("S001", "S002", "S003")) {
      chromium.byCss("#compare-stores input[value=" + store + "]").click();
    }
    waitLoaded("#compare", "S001,S002,S003|2026-10-02|2026-10-31");
    chromium.byCss("#compare-picker summary").click();
    List<WebElement> cards = browser.findElements(By.cssSelector(".compare-card"));
    assertThat(cards).hasSize(3);
    for (WebElement card : cards) {
      String store = card.getDomAttribute("data-store");
      JsonObject kpis = api("/api/v1/stores/" + store + "/overview?from=2026-10-02&to=2026-10-31").getJsonObject("kpis");
      assertThat(new BigDecimal(card.findElement(By.cssSelector("dd[data-kpi=revenue]")).getDomAttribute("data-value")))
        .as("revenue of " + store).isEqualByComparingTo(new BigDecimal(kpis.getValue("revenue").toString()));
    }
    assertThat(chromium.attribute("#compare .chart", "data-series")).isEqualTo("3");
    assertThat(chromium.byCss("#chart-compare-summary").getText()).contains("S001", "S002", "S003");
    assertThat(hashParam("cmp")).isEqualTo("S001,S002,S003");
    screenshot("page-compare.png");
  }

  @Test
  @Order(3)
  void theChainIsFilteredByCity() throws Exception {
    open(admin, "#store=all&preset=days30");
    waitLoaded("[data-part=ranking]", "all|2026-10-02|2026-10-31");
    assertThat(chromium.byCss("#city-control").isDisplayed()).as("the demo's stores span cities").isTrue();
    String city = new Select(chromium.byCss("#city")).getOptions().get(1).getDomAttribute("value");
    new Select(chromium.byCss("#city")).selectByValue(city);
    String ranking = "/api/v1/ranking?from=2026-10-02&to=2026-10-31&city="
      + URLEncoder.encode(city, StandardCharsets.UTF_8) + "&metric=revenue&page=1&size=100";
    assertThat(get(ranking).statusCode()).as("the gateway filters by city").isEqualTo(200);
    chromium.waiting(WAIT).until(d -> ranking.equals(chromium.attribute("[data-part=ranking]", "data-request"))
      && "ready".equals(chromium.attribute("[data-part=ranking]", "data-state")));
    List<String> inCity = api("/api/v1/stores").getJsonArray("stores").stream().map(JsonObject.class::cast)
      .filter(st -> city.equals(st.getString("city"))).map(st -> st.getString("code")).toList();
    List<WebElement> ranked = browser.findElements(By.cssSelector("[data-part=ranking] tbody tr"));
    assertThat(ranked).as("the city's stores, every one of them").hasSize(inCity.size());
    for (WebElement row : ranked) {
      assertThat(row.getDomAttribute("data-store")).isIn(inCity);
    }
    // The chain's money-losing products follow the city too, and the panel shows the API's rows.
    String losing = "/api/v1/stores/all/losing-products?from=2026-10-02&to=2026-10-31&city="
      + URLEncoder.encode(city, StandardCharsets.UTF_8);
    int losingTotal = api(losing).getInteger("total");
    chromium.waiting(WAIT).until(d -> "ready".equals(chromium.attribute("[data-part=losing]", "data-state"))
      && String.valueOf(chromium.attribute("[data-part=losing]", "data-request")).contains("city="));
    // Its first page: at most the page's 50 (app.js LOSING_PAGE_SIZE) of the API's total.
    assertThat(browser.findElements(By.cssSelector("[data-part=losing] tbody tr[data-sku]")))
      .hasSize(Math.min(losingTotal, 50));
    assertThat(hashParam("city")).isEqualTo(city);
    assertThat(browser.findElements(By.cssSelector("[data-part][data-state=error]"))).isEmpty();
  }

  @Test
  @Order(4)
  void ordersAreSearchedByIdAndYesterdayIsOneClick() throws Exception {
    open(admin, "#store=S001&preset=days30");
    waitLoaded("[data-part=orders]", "S001|2026-10-02|2026-10-31");
    JsonArray lines = api("/api/v1/stores/S001/orders?from=2026-10-02&to=2026-10-31&page=1&size=50").getJsonArray("lines");
    String orderId = lines.getJsonObject(0).getString("order_id");

    chromium.byCss("#search-q").sendKeys(orderId);
    chromium.byCss("#orders-search button[type=submit]").click();
    String asked = "/api/v1/stores/S001/orders?from=2026-10-02&to=2026-10-31&q=" + orderId + "&page=1&size=50";
    chromium.waiting(WAIT).until(d -> !"loading".equals(chromium.attribute("[data-part=orders]", "data-state")));
    // The gateway searches: every row shown is of that order, and all of its lines are there.
    assertThat(chromium.attribute("[data-part=orders]", "data-request")).isEqualTo(asked);
    int orderLines = api(asked).getInteger("total");
    List<WebElement> found = browser.findElements(By.cssSelector("[data-part=orders] tbody tr"));
    assertThat(found).hasSize(orderLines);
    for (WebElement row : found) {
      assertThat(row.getDomAttribute("data-order")).contains(orderId);
    }
    assertThat(hashParam("q")).isEqualTo(orderId);

    chromium.byCss("#search-clear").click();
    chromium.byCss("#search-yesterday").click();
    chromium.waiting(WAIT).until(d -> String.valueOf(chromium.attribute("[data-part=orders]", "data-request"))
      .startsWith("/api/v1/stores/S001/orders?from=2026-10-31&to=2026-10-31"));
    waitLoaded("[data-part=orders]", "S001|2026-10-31|2026-10-31");
    for (WebElement time : browser.findElements(By.cssSelector("[data-part=orders] tbody tr td:nth-child(2)"))) {
      assertThat(time.getText()).startsWith("2026-10-31");
    }
    assertThat(hashParam("day")).isEqualTo("2026-10-31");
    screenshot("page-orders-search.png");
  }

  @Test
  @Order(5)
  void exportLinksCarryTheViewsParameters() throws Exception {
    open(admin, "#store=S001&preset=days7&sort=gross_profit");
    waitLoaded("[data-part=products]", "S001|2026-10-25|2026-10-31");
    Map<String, String> expected = Map.of(
      "overview", "/api/v1/stores/S001/overview?from=2026-10-25&to=2026-10-31&lang=zh&format=",
      "products", "/api/v1/stores/S001/products?from=2026-10-25&to=2026-10-31&sort=gross_profit&lang=zh&format=",
      "orders", "/api/v1/stores/S001/orders?from=2026-10-25&to=2026-10-31&lang=zh&format=",
      "diagnosis", "/api/v1/stores/S001/diagnosis?from=2026-10-25&to=2026-10-31&lang=zh&format=",
      "ranking", "/api/v1/ranking?from=2026-10-25&to=2026-10-31&metric=revenue&lang=zh&format=");
    for (Map.Entry<String, String> part : expected.entrySet()) {
      chromium.waiting(WAIT).until(d -> "ready".equals(chromium.attribute("[data-part=" + part.getKey() + "]", "data-state")));
      for (String format : List.of("xlsx", "csv")) {
        String href = chromium.attribute("[data-part=" + part.getKey() + "] .export a[data-format=" + format + "]", "href");
        assertThat(href).as(part.getKey() + " " + format).isEqualTo(part.getValue() + format);
        assertThat(chromium.byCss("[data-part=" + part.getKey() + "] .export a[data-format=" + format + "]").isDisplayed()).isTrue();
      }
    }
    // Where the gateway exports, the link is a download of the file.
    HttpResponse<String> file = get(expected.get("products") + "csv");
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
    int products = api("/api/v1/stores/S001/products?from=2026-10-25&to=2026-10-31").getInteger("total");
    assertThat(file.body().split("\r\n")).as("a header line and every product").hasSize(products + 1);
    screenshot("page-export-links.png");
  }

  @Test
  @Order(6)
  void anEmptyRangeIsOneBannerSayingWhatTheDataCovers() throws Exception {
    open(admin, "#store=all&from=2025-01-01&to=2025-01-31");
    chromium.waiting(WAIT).until(d -> "true".equals(chromium.attribute("body", "data-empty-range")));
    assertThat(chromium.byCss("#empty-banner").getText()).contains("所选范围内没有数据").contains("2026-10-31");
    chromium.waiting(WAIT).until(d -> browser.findElements(By.cssSelector("[data-part][data-state=loading]")).isEmpty());
    for (WebElement chart : browser.findElements(By.cssSelector("[data-part] .chart"))) {
      assertThat(chart.isDisplayed()).as("no zero charts or donuts").isFalse();
    }
    assertThat(browser.findElements(By.cssSelector("[data-part=ranking] tbody tr"))).as("no ¥0.00 ranking").isEmpty();
    assertThat(chromium.byCss("#kpis").isDisplayed()).isFalse();
    screenshot("page-empty-range.png");
  }

  @Test
  @Order(7)
  void anUnknownStoreInALinkIsSaidOnceInThePagesLanguage() throws Exception {
    open(admin, "#store=S999&preset=days30");
    assertThat(chromium.byCss("#stores-message").getText()).contains("S999").contains("不存在");
    waitLoaded("#kpis", "all|2026-10-02|2026-10-31");
    assertThat(browser.findElements(By.cssSelector("[data-part][data-state=error]"))).as("no panel fails on it").isEmpty();
    assertThat(hashParam("store")).isEqualTo("all");
    screenshot("page-unknown-store.png");

    open(admin, "#store=S999&preset=days30&lang=en");
    assertThat(chromium.byCss("#stores-message").getText()).contains("S999").contains("does not exist");
    assertThat(chromium.attribute("html", "lang")).isEqualTo("en");
  }

  @Test
  @Order(8)
  void theAddressHoldsTheViewAndBackStepsThroughIt() throws Exception {
    open(admin, "#store=all&preset=days30");
    waitLoaded("#kpis", "all|2026-10-02|2026-10-31");
    new Select(chromium.byCss("#store")).selectByValue("S002");
    waitLoaded("#kpis", "S002|2026-10-02|2026-10-31");
    chromium.byCss("button[data-preset=last_month]").click();
    waitLoaded("#kpis", "S002|2026-09-01|2026-09-30");
    new Select(chromium.byCss("#rank-metric")).selectByValue("profit");
    chromium.waiting(WAIT).until(d -> "profit".equals(hashParam("metric")));
    chromium.byCss("#lang-toggle").click();
    assertThat(hashParam("lang")).isEqualTo("en");
    String bookmark = browser.getCurrentUrl();

    browser.navigate().back();
    chromium.waiting(WAIT).until(d -> "zh-CN".equals(chromium.attribute("html", "lang")));
    browser.navigate().back();
    chromium.waiting(WAIT).until(d -> "revenue".equals(chromium.byCss("#rank-metric").getDomProperty("value")));
    browser.navigate().back();
    waitLoaded("#kpis", "S002|2026-10-02|2026-10-31");
    browser.navigate().back();
    waitLoaded("#kpis", "all|2026-10-02|2026-10-31");
    assertThat(chromium.byCss("#store").getDomProperty("value")).isEqualTo("all");

    // The bookmark gives the same view back.
    browser.get(bookmark);
    browser.navigate().refresh();
    chromium.waiting(WAIT).until(d -> "ready".equals(chromium.attribute("body", "data-state")));
    waitLoaded("#kpis", "S002|2026-09-01|2026-09-30");
    assertThat(chromium.byCss("#rank-metric").getDomProperty("value")).isEqualTo("profit");
    assertThat(chromium.attribute("html", "lang")).isEqualTo("en");
    axe("a store in English");
    screenshot("page-store-en.png");
  }

  @Test
  @Order(9)
  void onAPhoneTheFilterBarStaysAndWideTablesAreCards() throws Exception {
    browser.manage().window().setSize(new Dimension(390, 844));
    open(admin, "#store=S001&preset=days7");
    waitLoaded("[data-part=orders]", "S001|2026-10-25|2026-10-31");
    chromium.waiting(Duration.ofSeconds(5)).withMessage("nothing wider than the phone").until(d -> ((Number) script(
      "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")).intValue() <= 0);
    screenshot("page-phone-top.png");
    assertThat(chromium.byCss("#monitor-fixed").isDisplayed()).as("the monitor folded").isFalse();
    // Scrolled far down, the filter bar is still at the top of the screen.
    script("document.querySelector('[data-part=orders]').scrollIntoView();");
    chromium.waiting(Duration.ofSeconds(5)).until(d -> ((Number) script(
      "return document.getElementById('controls').getBoundingClientRect().top;")).doubleValue() == 0);
    // Compact: the store and the presets take at most a seventh of the screen; the dates fold out under 更多.
    double bar = ((Number) script("return document.getElementById('controls').getBoundingClientRect().height;")).doubleValue();
    System.out.printf("phone filter bar: %.0f px of 844%n", bar);
    assertThat(bar).isLessThanOrEqualTo(844 / 7.0);
    assertThat(chromium.byCss("#from").isDisplayed()).isFalse();
    chromium.byCss("#filter-toggle").click();
    assertThat(chromium.byCss("#from").isDisplayed()).isTrue();
    chromium.byCss("#filter-toggle").click();
    for (String part : List.of("orders", "diagnosis")) {
      assertThat(script("const td = document.querySelector('[data-part=" + part + "] tbody td');"
        + " return td ? getComputedStyle(td).display : null;")).as(part + " as cards").isEqualTo("flex");
      assertThat(script("const table = document.querySelector('[data-part=" + part + "] table');"
        + " return table.getBoundingClientRect().width <= document.documentElement.clientWidth;")).as(part + " fits").isEqualTo(true);
    }
    screenshot("page-phone-orders.png");
    axe("the phone");
  }

  @Test
  @Order(10)
  void aStoreManagerReadsTheMonitorInOnePlainLine() throws Exception {
    HttpResponse<String> created = http.send(admin.request("/api/v1/admin/users")
      .header("Content-Type", "application/json").header("X-CSRF-Token", admin.csrf())
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "manager1").put("password", MANAGER_PASSWORD)
        .put("role", "manager").put("stores", new JsonArray().add("S001")).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
    Session manager = signIn("manager1", MANAGER_PASSWORD);
    open(manager, "#preset=days30");
    chromium.waiting(WAIT).until(d -> "plain".equals(chromium.attribute("#monitor", "data-form")));
    chromium.waiting(WAIT).until(d -> !chromium.byCss("#monitor-plain").getText().equals("暂时无法获取系统状态"));
    assertThat(chromium.byCss("#monitor-plain").getText()).isEqualTo("系统运行正常");
    assertThat(chromium.byCss("#monitor-fixed").isDisplayed()).isFalse();
    assertThat(chromium.byCss("#monitor-toggle").isDisplayed()).isFalse();
    // Redis down while the data service is up reads as the cache, not as a fault (the page's own mapping).
    Object line = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
      + "import('/js/monitor.js').then(m => done(m.plainLine({ status: 'red', services: { redis: 'red',"
      + " 'query-service': 'green', postgresql: 'green' } })));");
    assertThat(line).isEqualTo(List.of("yellow", "缓存暂不可用，数据正常"));
    // Only the status changes are announced: the live region holds one line, written once.
    assertThat(chromium.byCss("#monitor-announce").getText()).isEqualTo("系统运行正常");
    assertThat(chromium.attribute("#monitor", "aria-live")).isNull();
    // The manager's own store only; the losing products of the chain are for the chain view.
    assertThat(browser.findElements(By.cssSelector("#store option"))).hasSize(2);
    screenshot("page-manager.png");
  }

  @Test
  @Order(11)
  void afterAnImportThePageRefreshesByItself() throws Exception {
    open(admin, "#store=S001&preset=days30");
    waitLoaded("#kpis", "S001|2026-10-02|2026-10-31");
    assertThat(chromium.attribute("#freshness-text", "data-newest")).startsWith("2026-10-31");
    String name = api("/api/v1/stores").getJsonArray("stores").stream().map(JsonObject.class::cast)
      .filter(s -> "S001".equals(s.getString("code"))).findFirst().orElseThrow().getString("name");
    String csv = "order_id,store_code,store_name,channel,ordered_at,sku,product_name,category,quantity,unit_price,"
      + "list_price,unit_cost,delivery_cost,platform_fee,discount,customer_delivery_fee,packaging_fee\n"
      + "PAGE-IT-1,S001," + name + ",meituan,2026-11-01 12:30:00,PIT1,测试商品,饮料,2,9.90,9.90,4.00,3.00,1.50,0,0,0\n";
    HttpResponse<String> imported = http.send(admin.request("/api/v1/imports").header("Content-Type", "text/csv")
      .header("X-CSRF-Token", admin.csrf()).POST(HttpRequest.BodyPublishers.ofString(csv)).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    // Nobody touches the page: the stream says the data changed, and the page moves to the new newest day.
    chromium.waiting(WAIT).withMessage("the page to hear of the import").until(d -> chromium.attribute("body", "data-data-version") != null);
    waitLoaded("#kpis", "S001|2026-10-03|2026-11-01");
    chromium.waiting(WAIT).until(d -> String.valueOf(chromium.attribute("#freshness-text", "data-newest")).startsWith("2026-11-01"));
    assertThat(chromium.byCss("#freshness-text").getText()).startsWith("数据截至 2026-11-01");
    screenshot("page-after-import.png");
  }
}
