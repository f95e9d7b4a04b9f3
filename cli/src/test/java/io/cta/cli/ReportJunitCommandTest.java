package io.cta.cli;

import static io.cta.cli.Fixtures.SCENARIO_ID;
import static io.cta.cli.Fixtures.execution;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cta report junit} against a stand-in api: the upload, the lookup and exit codes. */
class ReportJunitCommandTest {

  private static final String BY_NAME = "GET /api/v1/scenarios?name=nightly&size=500&page=0";
  private static final String IMPORT = "POST /api/v1/scenarios/" + SCENARIO_ID + "/imports";

  @TempDir Path home;
  private FakeApi api;
  private Path first;
  private Path second;

  @BeforeEach
  void start() throws Exception {
    api = new FakeApi().on(BY_NAME, 200, Fixtures.scenarios(SCENARIO_ID));
    first = Files.writeString(home.resolve("TEST-a.xml"), "<testsuite><testcase name=\"a\"/>");
    second = Files.writeString(home.resolve("TEST-b.xml"), "<testsuite><testcase name=\"b\"/>");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Fixtures.Captured cli() {
    return new Fixtures.Captured(
        Map.of("CTA_API_URL", api.url(), "CTA_TOKEN", "t0k"), home, "", false);
  }

  @Test
  void givenTwoReports_whenUploaded_thenOneMultipartRequestCarriesBothAndTheExitCodeIsTheResult() {
    api.on(IMPORT + "?machine=ci-7", 201, execution("finished", "failed", 2, 1, 0));
    Fixtures.Captured c = cli();

    int code =
        c.run(
            "report",
            "junit",
            first.toString(),
            second.toString(),
            "--scenario",
            "nightly",
            "--machine",
            "ci-7");

    assertEquals(1, code, c.err());
    FakeApi.Request upload =
        api.requests.stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
    assertTrue(upload.body().contains("name=\"report\"; filename=\"TEST-a.xml\""), upload.body());
    assertTrue(upload.body().contains("<testcase name=\"a\"/>"), upload.body());
    assertTrue(upload.body().contains("name=\"report\"; filename=\"TEST-b.xml\""), upload.body());
    assertTrue(upload.body().contains("<testcase name=\"b\"/>"), upload.body());
    assertTrue(c.out().contains("finished"), c.out());
  }

  @Test
  void givenALostAnswer_whenUploaded_thenItRetriesWithTheSameKeyAndANewRunGetsANewOne() {
    api.on(IMPORT, 503, "{\"status\":503,\"title\":\"Service Unavailable\"}")
        .on(IMPORT, 201, execution("finished", "ok", 2, 0, 0));

    assertEquals(0, cli().run("report", "junit", first.toString(), "--scenario", "nightly"));
    assertEquals(0, cli().run("report", "junit", first.toString(), "--scenario", "nightly"));

    List<String> keys =
        api.requests.stream()
            .filter(r -> r.method().equals("POST"))
            .map(FakeApi.Request::idempotencyKey)
            .toList();
    assertEquals(3, keys.size(), "one retry, then one request: " + keys);
    assertEquals(keys.get(0), keys.get(1), "a retry sends its key again");
    assertNotEquals(keys.get(1), keys.get(2), "each invocation has its own");
    keys.forEach(key -> java.util.UUID.fromString(key));
  }

  @Test
  void givenAllOk_whenUploaded_thenItExitsZero() {
    api.on(IMPORT, 201, execution("finished", "ok", 2, 0, 0));
    assertEquals(0, cli().run("report", "junit", first.toString(), "--scenario", "nightly"));
  }

  @Test
  void givenRefusals_whenUploaded_thenEachExitsWithItsCode() {
    api.on(IMPORT, 400, "{\"status\":400,\"title\":\"Bad Request\",\"detail\":\"not JUnit\"}");
    Fixtures.Captured refused = cli();
    assertEquals(2, refused.run("report", "junit", first.toString(), "--scenario", "nightly"));
    assertTrue(refused.err().contains("not JUnit"), refused.err());

    assertEquals(
        2, cli().run("report", "junit", home.resolve("missing.xml").toString(), "--scenario", "x"));
    assertEquals(2, cli().run("report", "junit", first.toString()));
    assertEquals(2, cli().run("report"), "a missing subcommand is a usage error");
    api.on("GET /api/v1/scenarios?name=weekly&size=500&page=0", 200, Fixtures.scenarios());
    assertEquals(6, cli().run("report", "junit", first.toString(), "--scenario", "weekly"));
    assertEquals(1, api.count("POST", "/api/v1/scenarios/"), "only the refused upload was sent");
  }
}
