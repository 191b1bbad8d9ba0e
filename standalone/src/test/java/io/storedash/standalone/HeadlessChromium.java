package io.storedash.standalone;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's Chromium, headless, through the system chromedriver, for the browser tests (DashboardIT, SignInIT): the
 * driver's path is given, so Selenium Manager never looks for, or downloads, anything. A missing browser fails the
 * tests, unless {@code -Dstoredash.browser.skip=true} says a developer chose to skip them.
 */
final class HeadlessChromium implements AutoCloseable {

  /** Only a developer's explicit choice skips the browser tests; a missing browser fails them. */
  static final boolean SKIPPED = Boolean.getBoolean("storedash.browser.skip");

  final ChromeDriver driver;
  private final Path userDataDir;

  private HeadlessChromium(ChromeDriver driver, Path userDataDir) {
    this.driver = driver;
    this.userDataDir = userDataDir;
  }

  static HeadlessChromium start() throws IOException {
    Path driver = Path.of(System.getProperty("storedash.chromedriver", "/usr/bin/chromedriver"));
    Path chromium = binary();
    if (!Files.isExecutable(driver) || chromium == null) {
      throw new IllegalStateException("the browser tests need Chromium and its driver (" + driver + "): "
        + "apt-get install -y chromium chromium-driver, or skip them with -Dstoredash.browser.skip=true");
    }
    Path userDataDir = Files.createTempDirectory("storedash-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--no-first-run",
      "--user-data-dir=" + userDataDir, "--window-size=1400,2600", "--lang=zh-CN");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build();
    ChromeDriver browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return new HeadlessChromium(browser, userDataDir);
  }

  private static Path binary() {
    for (String candidate : List.of(System.getProperty("storedash.chromium", ""), "/usr/lib/chromium/chromium",
      "/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (!candidate.isEmpty() && Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    return null;
  }

  /** A wait on the page that looks again every 100 ms. */
  WebDriverWait waiting(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout);
    wait.pollingEvery(Duration.ofMillis(100));
    return wait;
  }

  WebElement byCss(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Read in one script, so that a reload in between (sign-in and sign-out reload the page) cannot leave a stale element. */
  String attribute(String css, String name) {
    return (String) driver.executeScript(
      "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
  }

  /** Where the browser tests put their screenshots. */
  static Path screenshots() throws IOException {
    Path dir = Path.of(System.getProperty("storedash.root", ".."), "standalone", "target", "screenshots");
    Files.createDirectories(dir);
    return dir;
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    try (var files = Files.walk(userDataDir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }
}
