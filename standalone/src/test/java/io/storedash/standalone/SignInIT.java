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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in, in a real browser against the real standalone stack: the form comes first; hq, a manager of two stores
 * and a viewer of one city each see exactly their stores in the picker, and the {@code all} figures are those of that
 * set; ops sees the monitor only; signing out, and a session that ends under the page (its cookie gone, or signed out
 * from elsewhere), bring the form back; the user admin panel creates and disables a user; a state-changing request
 * without the CSRF header is refused. Users are created through the API with the ADMIN_TOKEN, as an operator would.
 * Screenshots land in {@code standalone/target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignInIT {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  private static final String ADMIN_TOKEN = "sign-in-it-admin-token-0123456789";
  private static final String PASSWORD = "correct horse battery";
  private static final String COOKIE = "storedash_session";

  private static Node node;
  private static StoreDashConfig config;
  private static String base;
  private static HeadlessChromium chromium;
  private static ChromeDriver browser;
  private static Path screenshots;
  private static final HttpClient http = HttpClient.newHttpClient();
  /** The city of the viewer, and the stores in it. */
  private static String viewerCity;
  private static List<String> viewerStores;

  @BeforeAll
  static void start() throws Exception {
    if (HeadlessChromium.SKIPPED) {
      return;
    }
    chromium = HeadlessChromium.start();
    browser = chromium.driver;
    config = TestStorage.config(Map.of("HEARTBEAT_INTERVAL", "1s", "ADMIN_TOKEN", ADMIN_TOKEN));
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config, new DemoOptions(4, 400, 100, 5, END)))
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    base = "http://127.0.0.1:" + config.httpPort();
    screenshots = HeadlessChromium.screenshots();

    JsonArray stores = asAdmin("GET", "/api/v1/stores", null, 200).getJsonArray("stores");
    viewerCity = stores.getJsonObject(stores.size() - 1).getString("city");
    viewerStores = new ArrayList<>();
    for (int i = 0; i < stores.size(); i++) {
      if (viewerCity.equals(stores.getJsonObject(i).getString("city"))) {
        viewerStores.add(stores.getJsonObject(i).getString("code"));
      }
    }
    createUser("boss", "hq", List.of(), List.of());
    createUser("mgr", "manager", List.of("S001", "S002"), List.of());
    createUser("viewer", "viewer", List.of(), List.of(viewerCity));
    createUser("night-ops", "ops", List.of(), List.of());
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

  // ---- tests --------------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void theFormComesFirstAndSaysWhatWentWrong() throws Exception {
    openSignedOut();
    assertThat(chromium.byCss("#signin").isDisplayed()).isTrue();
    assertThat(chromium.byCss("#sales").isDisplayed()).isFalse();
    assertThat(browser.switchTo().activeElement().getDomAttribute("id")).as("focus on the first field").isEqualTo("signin-user");
    assertThat(chromium.byCss("label[for=signin-user]").getText()).isEqualTo("用户名");
    assertThat(chromium.byCss("label[for=signin-password]").getText()).isEqualTo("密码");
    assertThat(chromium.byCss("#signin-error").getDomAttribute("role")).isEqualTo("alert");
    screenshot("sign-in-zh.png", 720);

    fillSignIn("boss", "not the password");
    chromium.waiting(Duration.ofSeconds(10)).until(d -> !chromium.byCss("#signin-error").getText().isEmpty());
    assertThat(chromium.byCss("#signin-error").getText()).isEqualTo("wrong user name or password");
    assertThat(chromium.attribute("body", "data-auth")).isEqualTo("signed-out");

    chromium.byCss("#lang-toggle").click();
    assertThat(chromium.byCss("label[for=signin-user]").getText()).isEqualTo("User name");
    assertThat(chromium.byCss("#signin-submit").getText()).isEqualTo("Sign in");
    screenshot("sign-in-en.png", 720);
    chromium.byCss("#lang-toggle").click();
  }

  @Test
  @Order(2)
  void hqSeesEveryStoreAndTheUsers() throws Exception {
    signIn("boss");
    assertThat(chromium.byCss("#who").getText()).isEqualTo("boss · 总部");
    assertThat(pickerStores()).containsExactly("S001", "S002", "S003", "S004");
    assertThat(chromium.byCss("#store option[value=all]").getText()).isEqualTo("全部门店");
    assertAllKpisAre("boss");
    chromium.byCss("[data-view=manage]").click();
    for (String panel : List.of("import-panel", "channels-panel", "users-panel", "tokens-panel")) {
      assertThat(chromium.byCss("#" + panel).isDisplayed()).as(panel).isTrue();
    }
    chromium.waiting(Duration.ofSeconds(10)).until(d -> !d.findElements(By.cssSelector("#users-body tr[data-user=mgr]")).isEmpty());
    signOut();
  }

  @Test
  @Order(3)
  void aManagerOfTwoStoresSeesThoseTwoAndTheirSum() throws Exception {
    signIn("mgr");
    assertThat(chromium.byCss("#who").getText()).isEqualTo("mgr · 店长");
    assertThat(pickerStores()).containsExactly("S001", "S002");
    JsonObject all = assertAllKpisAre("mgr");
    // `all` is the two stores together: their orders and revenue add up to its own.
    JsonObject s1 = asAdmin("GET", "/api/v1/stores/S001/overview?from=" + all.getString("from") + "&to=" + all.getString("to"), null, 200);
    JsonObject s2 = asAdmin("GET", "/api/v1/stores/S002/overview?from=" + all.getString("from") + "&to=" + all.getString("to"), null, 200);
    assertThat(all.getJsonObject("kpis").getLong("orders"))
      .isEqualTo(s1.getJsonObject("kpis").getLong("orders") + s2.getJsonObject("kpis").getLong("orders"));
    assertThat(new BigDecimal(all.getJsonObject("kpis").getValue("revenue").toString())).isEqualByComparingTo(
      new BigDecimal(s1.getJsonObject("kpis").getValue("revenue").toString())
        .add(new BigDecimal(s2.getJsonObject("kpis").getValue("revenue").toString())));

    chromium.byCss("#lang-toggle").click();
    assertThat(chromium.byCss("#store option[value=all]").getText()).isEqualTo("All my stores");
    assertThat(chromium.byCss("#who").getText()).isEqualTo("mgr · Store manager");
    chromium.byCss("#lang-toggle").click();

    chromium.byCss("[data-view=manage]").click();
    assertThat(chromium.byCss("#import-panel").isDisplayed()).isTrue();
    assertThat(chromium.byCss("#users-panel").isDisplayed()).isFalse();
    assertThat(chromium.byCss("#channels-panel").isDisplayed()).isFalse();
    signOut();
  }

  @Test
  @Order(4)
  void aViewerOfOneCitySeesItsStores() throws Exception {
    signIn("viewer");
    assertThat(chromium.byCss("#who").getText()).isEqualTo("viewer · 只读");
    assertThat(pickerStores()).containsExactlyInAnyOrderElementsOf(viewerStores);
    JsonObject all = assertAllKpisAre("viewer");
    long orders = 0;
    for (String store : viewerStores) {
      orders += asAdmin("GET", "/api/v1/stores/" + store + "/overview?from=" + all.getString("from") + "&to=" + all.getString("to"),
        null, 200).getJsonObject("kpis").getLong("orders");
    }
    assertThat(all.getJsonObject("kpis").getLong("orders")).as("orders of " + viewerCity).isEqualTo(orders);
    chromium.byCss("[data-view=manage]").click();
    assertThat(chromium.byCss("#import-panel").isDisplayed()).isFalse();
    assertThat(chromium.byCss("#tokens-panel").isDisplayed()).isTrue();
    signOut();
  }

  @Test
  @Order(5)
  void opsSeesTheMonitorOnlyAndAsksForNoSalesFigures() throws Exception {
    signIn("night-ops");
    assertThat(chromium.byCss("#who").getText()).isEqualTo("night-ops · 运维");
    assertThat(chromium.byCss("#monitor").isDisplayed()).isTrue();
    assertThat(chromium.byCss("#sales").isDisplayed()).isFalse();
    assertThat(chromium.byCss("#controls").isDisplayed()).isFalse();
    chromium.waiting(Duration.ofSeconds(30)).withMessage("a monitor snapshot").until(d -> chromium.attribute("#monitor", "data-updates") != null);
    assertThat(chromium.attribute("#monitor", "data-form")).as("ops gets the monitor's details").isEqualTo("full");
    Object salesCalls = ((JavascriptExecutor) browser).executeScript("return performance.getEntriesByType('resource')"
      + ".filter(e => /\\/api\\/v1\\/(stores|ranking)/.test(e.name)).length;");
    assertThat(((Number) salesCalls).intValue()).as("requests for sales figures").isZero();
    signOut();
  }

  @Test
  @Order(6)
  void signingOutEndsTheSessionOnTheServerToo() throws Exception {
    signIn("mgr");
    String cookie = browser.manage().getCookieNamed(COOKIE).getValue();
    signOut();
    assertThat(chromium.byCss("#signin-notice").isDisplayed()).as("no 'session ended' after one's own sign-out").isFalse();
    HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
      .header("Cookie", COOKIE + "=" + cookie).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(7)
  void aSessionThatEndsUnderThePageBringsTheFormBack() throws Exception {
    // The cookie goes (it expired): the next thing the user does finds the form, saying why.
    signIn("mgr");
    browser.manage().deleteCookieNamed(COOKIE);
    new Select(chromium.byCss("#store")).selectByValue("S002");
    waitForForm();
    assertThat(chromium.byCss("#signin-notice").getText()).isEqualTo("会话已结束（超时或已在别处退出），请重新登录。");
    assertThat(chromium.byCss("#dashboard-view").isDisplayed()).isFalse();
    assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("signin-user");
    screenshot("sign-in-session-ended.png", 720);

    // Signed out from elsewhere (another tab, through the API): the same.
    signIn("mgr");
    Cookie cookie = browser.manage().getCookieNamed(COOKIE);
    HttpRequest.Builder elsewhere = HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
      .header("Cookie", COOKIE + "=" + cookie.getValue());
    String csrf = new JsonObject(http.send(elsewhere.copy().GET().build(), HttpResponse.BodyHandlers.ofString()).body())
      .getString("csrf_token");
    assertThat(http.send(elsewhere.copy().DELETE().header("X-CSRF-Token", csrf).build(), HttpResponse.BodyHandlers.ofString())
      .statusCode()).isEqualTo(204);
    chromium.byCss("button[data-preset='days7']").click();
    waitForForm();
    assertThat(chromium.byCss("#signin-notice").isDisplayed()).isTrue();
  }

  @Test
  @Order(8)
  void theUserAdminPanelCreatesAndDisablesAUser() throws Exception {
    signIn("boss");
    chromium.byCss("[data-view=manage]").click();
    chromium.waiting(Duration.ofSeconds(10)).until(d -> !d.findElements(By.cssSelector("#users-body tr[data-user=boss]")).isEmpty());
    chromium.byCss("#user-name").sendKeys("clerk");
    chromium.byCss("#user-password").sendKeys("short");
    chromium.byCss("#user-submit").click();
    chromium.waiting(Duration.ofSeconds(10)).withMessage("the 400 about the password")
      .until(d -> chromium.byCss("#users-error").getText().contains("10"));

    chromium.byCss("#user-password").clear();
    chromium.byCss("#user-password").sendKeys(PASSWORD);
    new Select(chromium.byCss("#user-role")).selectByValue("viewer");
    chromium.byCss("#user-stores").sendKeys("S003");
    chromium.byCss("#user-submit").click();
    chromium.waiting(Duration.ofSeconds(10)).until(d -> !d.findElements(By.cssSelector("#users-body tr[data-user=clerk]")).isEmpty());
    JsonObject clerk = asAdmin("GET", "/api/v1/admin/users/clerk", null, 200);
    assertThat(clerk.getString("role")).isEqualTo("viewer");
    assertThat(clerk.getJsonArray("stores")).containsExactly("S003");
    assertThat(clerk.containsKey("password_hash")).isFalse();
    screenshot("user-admin.png", 1500);

    chromium.byCss("#users-body tr[data-user=clerk] .user-toggle").click();
    chromium.waiting(Duration.ofSeconds(10)).until(d -> "true".equals(chromium.attribute("#users-body tr[data-user=clerk]", "data-disabled")));
    assertThat(asAdmin("GET", "/api/v1/admin/users/clerk", null, 200).getBoolean("disabled")).isTrue();
    signOut();
    fillSignIn("clerk", PASSWORD);
    chromium.waiting(Duration.ofSeconds(10)).until(d -> !chromium.byCss("#signin-error").getText().isEmpty());
    assertThat(chromium.attribute("body", "data-auth")).isEqualTo("signed-out");
  }

  @Test
  @Order(9)
  void aStateChangingRequestWithoutTheCsrfHeaderIsRefused() throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).build();
    HttpResponse<String> signedIn = client.send(json("POST", "/api/v1/session",
      new JsonObject().put("username", "boss").put("password", PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(200);
    String csrf = new JsonObject(signedIn.body()).getString("csrf_token");
    JsonObject user = new JsonObject().put("username", "forged").put("password", PASSWORD).put("role", "hq")
      .put("stores", new JsonArray()).put("cities", new JsonArray());

    HttpResponse<String> forged = client.send(json("POST", "/api/v1/admin/users", user).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(forged.body()).getString("detail")).contains("CSRF");
    assertThat(client.send(json("DELETE", "/api/v1/session", null).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
      .isEqualTo(403);
    assertThat(client.send(json("POST", "/api/v1/admin/users", user).header("X-CSRF-Token", "wrong").build(),
      HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

    assertThat(client.send(json("POST", "/api/v1/admin/users", user).header("X-CSRF-Token", csrf).build(),
      HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
    asAdmin("DELETE", "/api/v1/admin/users/forged", null, 204);
  }

  // ---- helpers ------------------------------------------------------------------------------------------------------

  private static HttpRequest.Builder json(String method, String path, JsonObject body) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
  }

  private static JsonObject asAdmin(String method, String path, JsonObject body, int status) throws Exception {
    HttpResponse<String> response = http.send(json(method, path, body).header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
    return response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
  }

  /** The answer a signed-in user gets: signs in through the API, with a session of its own. */
  private static JsonObject asUser(String user, String path) throws Exception {
    HttpResponse<String> response = http.send(SignedIn.as(http, base, user, PASSWORD).request(path).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " as " + user + ": " + response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static void createUser(String name, String role, List<String> stores, List<String> cities) throws Exception {
    asAdmin("POST", "/api/v1/admin/users", new JsonObject().put("username", name).put("password", PASSWORD).put("role", role)
      .put("stores", new JsonArray(stores)).put("cities", new JsonArray(cities)), 201);
  }

  /** Opens the page in Chinese with nobody signed in, and waits for the form. */
  private static void openSignedOut() {
    browser.get(base + "/favicon.svg");
    browser.manage().deleteAllCookies();
    ((JavascriptExecutor) browser).executeScript("window.localStorage.removeItem('storedash.lang');");
    browser.get(base + "/");
    waitForForm();
  }

  private static void waitForForm() {
    chromium.waiting(Duration.ofSeconds(15)).withMessage("the sign-in form").until(d -> Boolean.TRUE.equals(browser.executeScript(
      "return document.body.dataset.auth === 'signed-out' && !document.getElementById('signin').hidden;")));
  }

  private static void fillSignIn(String user, String password) {
    chromium.byCss("#signin-user").clear();
    chromium.byCss("#signin-user").sendKeys(user);
    chromium.byCss("#signin-password").clear();
    chromium.byCss("#signin-password").sendKeys(password);
    chromium.byCss("#signin-submit").click();
  }

  private static void signIn(String user) {
    if (!"signed-out".equals(chromium.attribute("body", "data-auth"))) {
      openSignedOut();
    }
    fillSignIn(user, PASSWORD);
    chromium.waiting(Duration.ofSeconds(30)).withMessage(user + " signed in and the page ready")
      .until(d -> "signed-in".equals(chromium.attribute("body", "data-auth")) && "ready".equals(chromium.attribute("body", "data-state")));
  }

  private static void signOut() {
    chromium.byCss("#sign-out").click();
    waitForForm();
  }

  private static List<String> pickerStores() {
    chromium.waiting(Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#store option")).size() > 1);
    List<String> codes = new ArrayList<>();
    for (WebElement option : browser.findElements(By.cssSelector("#store option"))) {
      codes.add(option.getDomAttribute("value"));
    }
    assertThat(codes.get(0)).isEqualTo("all");
    return new ArrayList<>(new TreeSet<>(codes.subList(1, codes.size())));
  }

  /** Waits until the page shows `all`, then checks its order and revenue cards against what the API answers this user. */
  private static JsonObject assertAllKpisAre(String user) throws Exception {
    JsonObject overview = asUser(user, "/api/v1/stores/all/overview");
    String expected = "all|" + overview.getString("from") + "|" + overview.getString("to");
    chromium.waiting(Duration.ofSeconds(15)).withMessage("KPI cards for " + expected)
      .until(d -> expected.equals(chromium.attribute("#kpis", "data-loaded")));
    JsonObject kpis = overview.getJsonObject("kpis");
    assertThat(kpis.getLong("orders")).isPositive();
    assertThat(chromium.attribute(".kpi[data-kpi=orders]", "data-value")).isEqualTo(String.valueOf(kpis.getLong("orders")));
    assertThat(new BigDecimal(chromium.attribute(".kpi[data-kpi=revenue]", "data-value")))
      .isEqualByComparingTo(new BigDecimal(kpis.getValue("revenue").toString()));
    return overview;
  }

  /** A picture of the top of the page, this tall (the window is made so for it, then put back). */
  private static void screenshot(String name, int height) throws IOException, InterruptedException {
    Dimension size = browser.manage().window().getSize();
    browser.manage().window().setSize(new Dimension(1280, height));
    try {
      Thread.sleep(500);
      File shot = browser.getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      browser.manage().window().setSize(size);
    }
  }
}
