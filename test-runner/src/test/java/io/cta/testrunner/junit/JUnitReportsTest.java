package io.cta.testrunner.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.TestStatus;
import io.cta.testrunner.result.CaseResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads report files as the common runners write them (samples under {@code
 * src/test/resources/junit}) and the cases where there is no readable report.
 */
class JUnitReportsTest {

  @TempDir Path work;
  @TempDir Path outside;

  private final long testStart = System.currentTimeMillis() - 1000;

  /** Copies a sample into the working directory, written now as if by the test. */
  private Path sample(String resource, String target) throws IOException, URISyntaxException {
    Path to = work.resolve(target);
    Files.createDirectories(to.getParent());
    Files.copy(Path.of(getClass().getResource("/junit/" + resource).toURI()), to);
    return to;
  }

  private List<CaseResult> read(String... globs) {
    return JUnitReports.read(work, List.of(globs), testStart, () -> {});
  }

  private static Map<String, CaseResult> byCase(List<CaseResult> results) {
    Map<String, CaseResult> byCase = new LinkedHashMap<>();
    results.forEach(r -> byCase.put(r.caseName(), r));
    assertEquals(results.size(), byCase.size(), "case names are unique: " + results);
    return byCase;
  }

  private static Map<TestStatus, Integer> counts(List<CaseResult> results) {
    Map<TestStatus, Integer> counts = new TreeMap<>();
    results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
    return counts;
  }

  @Test
  void givenSurefireReports_whenRead_thenEachCaseHasItsStatusMessageDurationAndOutput()
      throws Exception {
    sample(
        "surefire/TEST-com.example.cart.CartServiceTest.xml",
        "target/surefire-reports/TEST-com.example.cart.CartServiceTest.xml");

    List<CaseResult> results = read("target/surefire-reports/TEST-*.xml");

    assertEquals(
        Map.of(TestStatus.ok, 2, TestStatus.failed, 2, TestStatus.inconclusive, 1),
        counts(results));
    Map<String, CaseResult> cases = byCase(results);
    CaseResult passed = cases.get("com.example.cart.CartServiceTest.addsAnItem");
    assertEquals("passed", passed.message());
    assertEquals(21L, passed.durationMs());
    assertNull(passed.description());
    assertEquals(Map.of(), passed.custom(), "the suite's system properties are not custom data");
    CaseResult failure = cases.get("com.example.cart.CartServiceTest.totalsWithTax");
    assertEquals(TestStatus.failed, failure.status());
    assertEquals("expected: <107.00> but was: <106.99>", failure.message());
    assertEquals(34L, failure.durationMs());
    assertTrue(
        failure
            .description()
            .startsWith(
                "failure org.opentest4j.AssertionFailedError\n"
                    + "org.opentest4j.AssertionFailedError: expected: <107.00> but was: <106.99>\n"
                    + "\tat org.junit.jupiter.api.AssertionFailureBuilder.build"),
        failure.description());
    assertTrue(failure.description().contains("CartServiceTest.java:48)"));
    assertTrue(
        failure
            .description()
            .endsWith(
                "--- system-out ---\n10:15:02.118 [main] INFO  com.example.cart.CartService - cart"
                    + " 42: 3 items\n10:15:02.119 [main] DEBUG com.example.cart.TaxTable - rate FR"
                    + " = 0.07\n10:15:02.120 [main] DEBUG com.example.cart.TaxTable - rounding"
                    + " HALF_DOWN"),
        failure.description());
    CaseResult error = cases.get("com.example.cart.CartServiceTest.checksOutWithPaymentProvider");
    assertEquals(TestStatus.failed, error.status());
    assertEquals("no payment confirmation within PT20M", error.message());
    assertEquals(1_203_302L, error.durationMs(), "Surefire writes 1,203.302 s");
    assertTrue(error.description().startsWith("error java.util.concurrent.TimeoutException\n"));
    assertTrue(
        error
            .description()
            .endsWith(
                "--- system-err ---\nWARN: payment sandbox answered 202, polling for confirmation"));
    CaseResult skipped = cases.get("com.example.cart.CartServiceTest.removesAnItem");
    assertEquals(TestStatus.inconclusive, skipped.status());
    assertEquals(
        "skipped: public void com.example.cart.CartServiceTest.removesAnItem() is @Disabled",
        skipped.message());
  }

  @Test
  void givenSurefireReruns_whenRead_thenFlakyCasesPassSayingSoAndAlwaysFailingOnesFail()
      throws Exception {
    sample(
        "surefire/TEST-com.example.cart.PricingTest.xml",
        "target/surefire-reports/TEST-com.example.cart.PricingTest.xml");

    Map<String, CaseResult> cases = byCase(read("target/surefire-reports/*.xml"));

    assertEquals(4, cases.size());
    assertEquals("passed", cases.get("com.example.cart.PricingTest.appliesCoupon").message());
    CaseResult flaky = cases.get("com.example.cart.PricingTest.discountsBulkOrders");
    assertEquals(TestStatus.ok, flaky.status());
    assertEquals("passed after 1 failed run: expected: <90> but was: <100>", flaky.message());
    assertTrue(flaky.description().startsWith("flaky run org.opentest4j.AssertionFailedError\n"));
    assertTrue(flaky.description().contains("PricingTest.java:33)"), flaky.description());
    assertFalse(
        flaky.description().contains("cache miss"), "a rerun's output is not the case's output");
    CaseResult twice = cases.get("com.example.cart.PricingTest.convertsCurrency");
    assertEquals(TestStatus.ok, twice.status());
    assertEquals("passed after 2 failed runs: Read timed out", twice.message());
    CaseResult broken = cases.get("com.example.cart.PricingTest.roundsHalfEven");
    assertEquals(TestStatus.failed, broken.status());
    assertEquals("expected: <2.34> but was: <2.35> (and in 2 reruns)", broken.message());
    assertFalse(broken.description().contains("HALF_UP"), broken.description());
  }

  @Test
  void givenAPytestReport_whenRead_thenDuplicateCaseNamesAreKeptApartAndPropertiesAreCustomData()
      throws Exception {
    sample("pytest/junit.xml", "build/test-results/junit.xml");

    List<CaseResult> results = read("build/test-results/junit.xml");

    assertEquals(8, results.size(), "7 tests, one with a failure and a teardown error");
    assertEquals(
        Map.of(TestStatus.ok, 2, TestStatus.failed, 4, TestStatus.inconclusive, 2),
        counts(results));
    Map<String, CaseResult> cases = byCase(results);
    CaseResult failed = cases.get("tests.test_db.test_migration");
    assertEquals(TestStatus.failed, failed.status());
    assertEquals("sqlite3.OperationalError: no such table: orders", failed.message());
    CaseResult teardown = cases.get("tests.test_db.test_migration #2");
    assertEquals(TestStatus.failed, teardown.status());
    assertEquals(
        "failed on teardown with \"PermissionError: [Errno 13] Permission denied:"
            + " '/tmp/shop.db'\"",
        teardown.message());
    CaseResult guest = cases.get("tests.test_api.test_login[guest]");
    assertEquals(
        "AssertionError: assert 403 == 200\n +  where 403 = <Response [403]>.status_code",
        guest.message());
    assertEquals(Map.of("browser", "chromium", "ticket", "SHOP-1234"), guest.custom());
    assertTrue(guest.description().contains("tests/test_api.py:21: AssertionError"));
    assertTrue(guest.description().contains("POST /login role=guest -> 403"));
    assertEquals(151L, guest.durationMs());
    assertEquals(TestStatus.ok, cases.get("tests.test_api.test_login[admin]").status());
    assertEquals(
        "skipped: needs the sandbox account",
        cases.get("tests.test_payments.test_refund").message());
    assertEquals(
        "skipped: bug SHOP-77", cases.get("tests.test_payments.test_partial_refund").message());
    assertEquals(
        "failed on setup with \"ConnectionRefusedError: [Errno 111] Connection refused\"",
        cases.get("tests.test_search.test_autocomplete").message());
  }

  @Test
  void givenGradleJestAndPhpUnitReports_whenRead_thenEveryCaseAtAnyDepthIsAResult()
      throws Exception {
    sample(
        "gradle/TEST-com.example.greeter.GreeterTest.xml",
        "api/build/test-results/test/TEST-com.example.greeter.GreeterTest.xml");
    sample("jest/junit.xml", "web/reports/junit.xml");
    sample("phpunit/junit.xml", "php/junit.xml");

    List<CaseResult> gradle = read("*/build/test-results/**/*.xml");
    List<CaseResult> jest = read("web/reports/junit.xml");
    List<CaseResult> phpUnit = read("php/*.xml");

    assertEquals(
        Map.of(TestStatus.ok, 3, TestStatus.failed, 1, TestStatus.inconclusive, 1), counts(gradle));
    Map<String, CaseResult> greeter = byCase(gradle);
    assertEquals(
        TestStatus.ok, greeter.get("com.example.greeter.GreeterTest.[2] fr, Bonjour").status());
    assertEquals(
        "skipped: no reason given",
        greeter.get("com.example.greeter.GreeterTest.greetsInKlingon()").message());
    CaseResult blank = greeter.get("com.example.greeter.GreeterTest.rejectsBlankNames()");
    assertEquals(21L, blank.durationMs());
    assertFalse(
        blank.description().contains("Greeter initialised"),
        "Gradle's suite output belongs to no case");

    assertEquals(
        Map.of(TestStatus.ok, 4, TestStatus.failed, 1, TestStatus.inconclusive, 1), counts(jest));
    Map<String, CaseResult> checkout = byCase(jest);
    assertEquals(TestStatus.ok, checkout.get("checkout form shows an error").status());
    CaseResult second = checkout.get("checkout form shows an error #2");
    assertEquals(TestStatus.failed, second.status());
    assertEquals("Error: expect(element).toHaveTextContent()", second.message());
    assertTrue(second.description().contains("checkout.test.js:58:37"), second.description());
    assertEquals(52L, second.durationMs());

    assertEquals(
        Map.of(TestStatus.ok, 2, TestStatus.failed, 1, TestStatus.inconclusive, 1),
        counts(phpUnit));
    CaseResult fifty =
        byCase(phpUnit).get("App.Tests.CouponTest.testPercentOff with data set \"fifty\"");
    assertEquals(TestStatus.failed, fifty.status());
    assertEquals(
        "App\\Tests\\CouponTest::testPercentOff with data set \"fifty\" (50, 100.0, 50.0)",
        fifty.message());
  }

  @Test
  void givenNoMatchingOrOnlyOldReports_whenRead_thenOneInconclusiveResultSaysSo() throws Exception {
    Path old = sample("gradle/TEST-com.example.greeter.GreeterTest.xml", "old/TEST-a.xml");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3600)));

    List<CaseResult> missing = read("target/surefire-reports/*.xml");
    List<CaseResult> stale = read("old/*.xml");

    assertEquals(
        List.of(
            CaseResult.of(
                "target/surefire-reports/*.xml",
                TestStatus.inconclusive,
                "no report matches 'target/surefire-reports/*.xml'")),
        missing);
    assertEquals(
        List.of(
            CaseResult.of(
                "old/*.xml",
                TestStatus.inconclusive,
                "no report matching 'old/*.xml' was written during this test (1 older file"
                    + " ignored)")),
        stale);
  }

  @Test
  void givenUnreadableReports_whenRead_thenEachIsOneInconclusiveResultAndTheOthersStillCount()
      throws Exception {
    sample("bad/truncated.xml", "reports/TEST-truncated.xml");
    sample("bad/not-junit.xml", "reports/TEST-pom.xml");
    sample("gradle/TEST-com.example.greeter.GreeterTest.xml", "reports/TEST-greeter.xml");
    Files.writeString(work.resolve("reports/TEST-empty.xml"), "");

    List<CaseResult> results = read("reports/TEST-*.xml");

    assertEquals(8, results.size(), results.toString());
    Map<String, CaseResult> cases = byCase(results);
    for (String file : List.of("TEST-truncated.xml", "TEST-pom.xml", "TEST-empty.xml")) {
      CaseResult unreadable = cases.get("reports/" + file);
      assertEquals(TestStatus.inconclusive, unreadable.status());
      assertTrue(
          unreadable.message().startsWith("report 'reports/" + file + "' is unreadable: "),
          unreadable.message());
    }
    assertTrue(cases.get("reports/TEST-pom.xml").message().contains("not a JUnit report"));
  }

  @Test
  void givenAReportWithAnExternalEntity_whenRead_thenTheEntityIsNotResolved() throws Exception {
    Path secret = Files.writeString(outside.resolve("secret.txt"), "s3cr3t-value");
    Files.writeString(
        work.resolve("evil.xml"),
        "<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite [<!ENTITY leak SYSTEM \""
            + secret.toUri()
            + "\">]>\n<testsuite name=\"evil\"><testcase name=\"leaks\" classname=\"evil\">"
            + "<failure message=\"&leak;\">&leak;</failure></testcase></testsuite>");

    List<CaseResult> results = read("evil.xml");

    assertEquals(1, results.size());
    assertEquals(TestStatus.inconclusive, results.get(0).status());
    assertTrue(results.get(0).message().startsWith("report 'evil.xml' is unreadable"));
    assertFalse(results.toString().contains("s3cr3t"), results.toString());
  }

  @Test
  void givenGlobsOrLinksLeadingOutside_whenRead_thenNothingOutsideTheWorkDirIsRead()
      throws Exception {
    Path report = outside.resolve("TEST-outside.xml");
    Files.copy(
        Path.of(
            getClass()
                .getResource("/junit/gradle/TEST-com.example.greeter.GreeterTest.xml")
                .toURI()),
        report);
    Files.createDirectories(work.resolve("reports"));
    Files.createSymbolicLink(work.resolve("reports/TEST-link.xml"), report);
    Files.createSymbolicLink(work.resolve("linked"), outside);

    List<CaseResult> dotDot = read("../" + outside.getFileName() + "/*.xml");
    List<CaseResult> absolute = read(outside + "/*.xml");
    List<CaseResult> link = read("reports/*.xml");
    List<CaseResult> linkedDir = read("linked/*.xml");
    List<CaseResult> everything = read("**/*.xml");

    for (List<CaseResult> refused : List.of(dotDot, absolute)) {
      assertEquals(1, refused.size());
      assertTrue(
          refused.get(0).message().endsWith("is outside the test's working directory"),
          refused.toString());
    }
    assertEquals(1, link.size());
    assertEquals(
        "report 'reports/TEST-link.xml' is unreadable: it leads outside the test's working"
            + " directory",
        link.get(0).message());
    assertEquals("no report matches 'linked/*.xml'", linkedDir.get(0).message());
    assertTrue(
        everything.stream().noneMatch(r -> r.status() == TestStatus.ok), everything.toString());
  }

  @Test
  void givenOverlappingGlobs_whenRead_thenDoubleStarMatchesNoDirectoryAndEachFileIsReadOnce()
      throws Exception {
    sample("jest/junit.xml", "junit.xml");
    sample("phpunit/junit.xml", "a/b/junit.xml");
    Files.writeString(
        work.resolve("a/empty.xml"),
        "<testsuites><testsuite name=\"none\" tests=\"0\"/></testsuites>");

    List<CaseResult> results = read("**/junit.xml", "a/b/*.xml", "a/*.xml");

    assertEquals(6 + 4 + 1, results.size(), results.toString());
    assertEquals(
        CaseResult.of(
            "a/*.xml", TestStatus.inconclusive, "report 'a/*.xml' has no test case (1 file)"),
        results.get(results.size() - 1),
        "a/b/junit.xml is read once; a/*.xml matches only the empty report");
    assertEquals(
        "App.Tests.CouponTest.testExpiredCouponIsRejected",
        results.get(0).caseName(),
        "files are read in path order: a/b/junit.xml before junit.xml");
  }

  @Test
  void givenMoreCasesThanTheLimit_whenRead_thenTheFirstAreResultsAndOneInconclusiveSaysSo()
      throws Exception {
    for (String file : List.of("a", "b", "c")) {
      StringBuilder xml = new StringBuilder("<testsuite name=\"" + file + "\">");
      for (int i = 0; i < 6000; i++) {
        xml.append("<testcase classname=\"").append(file).append("\" name=\"t").append(i);
        xml.append("\" time=\"0.001\"/>");
      }
      Files.writeString(work.resolve("TEST-" + file + ".xml"), xml.append("</testsuite>"));
    }

    List<CaseResult> results = read("TEST-*.xml");

    assertEquals(JUnitReports.MAX_CASES + 1, results.size());
    assertEquals("b.t3999", results.get(JUnitReports.MAX_CASES - 1).caseName());
    assertEquals(
        CaseResult.of(
            "reports",
            TestStatus.inconclusive,
            "more than 10000 test cases: the rest were not read"),
        results.get(JUnitReports.MAX_CASES));
  }

  /**
   * A report written by pytest 9.0.3 itself ({@code pytest --junitxml} over {@code
   * test_shop.py.txt}, next to it): a pass, an assertion failure, a skip, a parametrized pair with
   * a recorded property, a teardown error and a missing fixture.
   */
  @Test
  void givenAReportPytestWrote_whenRead_thenEachCaseHasItsStatus() throws Exception {
    sample("pytest/pytest-9.0.3-generated.xml", "reports/pytest.xml");

    List<CaseResult> results = read("reports/*.xml");

    assertEquals(7, results.size());
    assertEquals(
        Map.of(TestStatus.ok, 2, TestStatus.failed, 4, TestStatus.inconclusive, 1),
        counts(results));
    Map<String, CaseResult> cases = byCase(results);
    assertEquals(TestStatus.failed, cases.get("tests.test_shop.test_login[guest]").status());
    assertEquals(
        Map.of("browser", "chromium"), cases.get("tests.test_shop.test_login[guest]").custom());
    assertTrue(
        cases
            .get("tests.test_shop.test_discount_is_applied")
            .message()
            .contains("ten percent off"));
    assertEquals(TestStatus.failed, cases.get("tests.test_shop.test_migration").status());
    assertEquals(TestStatus.inconclusive, cases.get("tests.test_shop.test_payment").status());
  }

  @Test
  void givenUploadedReports_whenNamedAsOneTest_thenDuplicatesAcrossReportsGetOrdinals()
      throws Exception {
    String report =
        "<testsuite><testcase classname=\"a.B\" name=\"c\"/><testcase classname=\"a.B\""
            + " name=\"c\"><failure message=\"no\"/></testcase></testsuite>";
    List<JUnitXml.Case> cases = new java.util.ArrayList<>();
    for (int upload = 0; upload < 2; upload++) {
      cases.addAll(
          JUnitXml.parse(
              new java.io.ByteArrayInputStream(
                  report.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
              JUnitReports.MAX_CASES));
    }

    List<CaseResult> results = JUnitReports.results(cases);

    assertEquals(
        List.of("a.B.c", "a.B.c #2", "a.B.c #3", "a.B.c #4"),
        results.stream().map(CaseResult::caseName).toList());
    assertEquals(TestStatus.failed, results.get(1).status());
    assertEquals("no", results.get(1).message());
  }
}
