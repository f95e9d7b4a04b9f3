package io.cta.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven through Debian's chromedriver (both installed by {@code .ci/run}; never
 * a downloaded browser), one fresh profile per instance, against the stack's api: the console as a
 * user sees it (docs/ui.md).
 */
final class ConsoleBrowser implements AutoCloseable {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  /** Screenshots for docs/ui.md land here; copied into docs/images by hand when pages change. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final String baseUrl;
  private final Path profile;

  private ConsoleBrowser(ChromeDriver driver, String baseUrl, Path profile) {
    this.driver = driver;
    this.baseUrl = baseUrl;
    this.profile = profile;
  }

  static ConsoleBrowser open(String baseUrl) throws IOException {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
      throw new IllegalStateException(
          "the browser tests need Debian's chromium and chromium-driver (.ci/run installs them:"
              + " apt-get install -y chromium chromium-driver)");
    }
    Path profile = Files.createTempDirectory("cta-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    return new ConsoleBrowser(new ChromeDriver(service, options), baseUrl, profile);
  }

  /** Opens a page URL directly, as a new tab would, and signs in on the form it shows. */
  void signInAt(String path, String token) {
    driver.get(baseUrl + path);
    WebElement field = await(d -> d.findElement(By.id("token")));
    field.sendKeys(token);
    driver.findElement(By.xpath("//button[normalize-space()='Sign in']")).click();
    await(d -> d.findElement(By.cssSelector("[data-testid=who]")));
  }

  void go(String path) {
    driver.get(baseUrl + path);
  }

  String currentPath() {
    return java.net.URI.create(driver.getCurrentUrl()).getPath();
  }

  /** Waits for a condition to answer non-null and non-false, up to a minute. */
  <T> T await(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(60))
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  List<WebElement> all(By by) {
    return driver.findElements(by);
  }

  WebElement one(By by) {
    return driver.findElement(by);
  }

  Object script(String javascript) {
    return driver.executeScript(javascript);
  }

  String sessionToken() {
    return (String) driver.executeScript("return sessionStorage.getItem('cta.token')");
  }

  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(
          shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // A temp directory left behind is harmless.
    }
  }
}
