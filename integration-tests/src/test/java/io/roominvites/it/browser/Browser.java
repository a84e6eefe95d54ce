package io.roominvites.it.browser;

import io.roominvites.json.Json;
import io.roominvites.testing.NpmPackage;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One headless Chromium (Debian's {@code chromium}, driven by its {@code chromedriver}; never a downloaded browser),
 * with a fresh profile: a separate device as far as the pages can tell. Where Chromium is not installed, a test
 * that asks for one is SKIPPED with the reason ({@code scripts/browser-setup.sh} installs it as root).
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String AXE_VERSION = "4.14.1";
    private static String axeSource;

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A new browser with its own profile, {@code width} pixels wide, in {@code timeZone}. */
    static Browser open(int width, String timeZone) {
        Path chromium = firstExisting(System.getProperty("chromium.binary"), "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path driverBinary = firstExisting(System.getProperty("chromedriver.binary"), "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Assumptions.assumeTrue(chromium != null && driverBinary != null,
                "Browser tests skipped: Debian's chromium and chromium-driver are not installed here"
                        + " (scripts/browser-setup.sh installs them when run as root: apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + ",1000", "--lang=en-US", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--hide-scrollbars", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", timeZone));
        if (width < 600) { // a phone: headless windows don't go below 500 px, so the viewport is emulated
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", 844, "deviceScaleFactor", 1, "mobile", true));
        }
        return new Browser(driver);
    }

    static Browser open() {
        return open(1100, "America/New_York");
    }

    private static Path firstExisting(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank() && Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    void get(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    String text(String css) {
        return find(css).getText();
    }

    /** Waits up to {@code seconds} for the condition. */
    <T> T await(int seconds, ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class) // the pages replace their content as they go
                .until(condition);
    }

    /** Waits until the element's text contains {@code text}; answers the element's whole text. */
    String awaitText(String css, String text, int seconds) {
        return await(seconds, d -> {
            var found = d.findElements(By.cssSelector(css));
            String now = found.isEmpty() ? null : found.get(0).getText();
            return now != null && now.contains(text) ? now : null;
        });
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The element that has the keyboard focus: its id. */
    String focusedId() {
        return (String) js("return document.activeElement && document.activeElement.id");
    }

    /** Saves a PNG of the page as it is under target/screenshots/{name}.png; answers the file. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A screenshot of the whole page, beyond the window's height. */
    Path fullScreenshot(String name) {
        js("window.scrollTo(0, 0)");
        long width = ((Number) js("return document.documentElement.clientWidth")).longValue();
        long height = ((Number) js("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, java.util.Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs axe-core (npm, pinned in testing/axe) inside the page and answers the serious and critical violations,
     * each as "id (impact): help: targets".
     */
    @SuppressWarnings("unchecked")
    List<String> seriousAccessibilityViolations() {
        js(axe());
        String json = (String) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {resultTypes: ['violations']})"
                        + ".then(r => done(JSON.stringify({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                        + " nodes: v.nodes.map(n => n.target.join(' '))}))})))"
                        + ".catch(e => done(JSON.stringify({error: String(e)})));");
        Map<String, Object> result;
        try {
            result = Json.parseObject(json);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("axe answered " + json, e);
        }
        assertEquals(null, result.get("error"), "axe-core failed to run");
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) result.get("violations")) {
            Map<String, Object> v = (Map<String, Object>) o;
            if ("serious".equals(v.get("impact")) || "critical".equals(v.get("impact"))) {
                out.add(v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + ": " + v.get("nodes"));
            }
        }
        return out;
    }

    private static synchronized String axe() {
        if (axeSource == null) {
            Path dir = NpmPackage.findUp("testing/axe");
            if (dir == null) {
                throw new IllegalStateException("testing/axe/package.json not found walking up from " + System.getProperty("user.dir"));
            }
            NpmPackage.ensureInstalled(dir, "axe-core", AXE_VERSION, NpmPackage.defaultNpm());
            try {
                axeSource = Files.readString(dir.resolve("node_modules/axe-core/axe.min.js"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return axeSource;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
