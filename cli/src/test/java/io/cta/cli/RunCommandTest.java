package io.cta.cli;

import static io.cta.cli.Fixtures.EXECUTION_ID;
import static io.cta.cli.Fixtures.SCENARIO_ID;
import static io.cta.cli.Fixtures.execution;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code cta run} against a stand-in api: lookups, waiting, output, JUnit and exit codes. */
class RunCommandTest {

  private static final String BY_NAME = "GET /api/v1/scenarios?name=nightly&size=500&page=0";
  private static final String RUN = "POST /api/v1/scenarios/" + SCENARIO_ID + "/run";
  private static final String GET = "GET /api/v1/executions/" + EXECUTION_ID;

  @TempDir Path home;
  private FakeApi api;

  @BeforeEach
  void start() throws Exception {
    api = new FakeApi().on(BY_NAME, 200, Fixtures.scenarios(SCENARIO_ID));
    api.on(RUN, 201, execution("pending", null, 0, 0, 0));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Fixtures.Captured cli() {
    return new Fixtures.Captured(
        Map.of("CTA_API_URL", api.url(), "CTA_TOKEN", "t0k"), home, "", false);
  }

  private int endsAs(String state, String result) {
    api.on(GET, 200, execution("running", null, 1, 0, 0), execution(state, result, 2, 0, 0));
    return cli().run("run", "nightly", "--wait", "--no-live");
  }

  @Test
  void givenEachEnd_whenWaited_thenTheExitCodeFollowsStateThenResult() throws Exception {
    assertEquals(0, endsAs("finished", "ok"));
    stop();
    start();
    assertEquals(1, endsAs("finished", "failed"));
    stop();
    start();
    assertEquals(3, endsAs("finished", "inconclusive"));
    stop();
    start();
    assertEquals(5, endsAs("canceled", "failed"));
  }

  @Test
  void givenNoTerminal_whenWaited_thenProgressIsOneLinePerChangeAndJsonlIsOneLine()
      throws Exception {
    api.on(
        GET,
        200,
        execution("pending", null, 0, 0, 0),
        execution("running", null, 0, 0, 0),
        execution("running", null, 0, 0, 0),
        execution("running", null, 1, 0, 0),
        execution("finished", "partial", 1, 0, 1));
    api.on("GET /api/v1/executions/" + EXECUTION_ID + "/junit", 200, "<testsuites/>");
    Fixtures.Captured c = cli();
    Path junit = home.resolve("reports/junit.xml");

    int code =
        c.run("run", "nightly", "--wait", "--no-live", "-o", "jsonl", "--junit", junit.toString());

    assertEquals(3, code, c.err());
    String prefix = "execution " + EXECUTION_ID + " #7 ";
    assertEquals(
        List.of(
            prefix + "pending ok=0 failed=0 partial=0 inconclusive=0",
            prefix + "running ok=0 failed=0 partial=0 inconclusive=0",
            prefix + "running ok=1 failed=0 partial=0 inconclusive=0",
            prefix + "finished ok=1 failed=0 partial=1 inconclusive=0 result=partial"),
        c.errLines());
    List<String> out = c.out().lines().toList();
    assertEquals(1, out.size(), c.out());
    JsonNode printed = JsonMapper.builder().build().readTree(out.get(0));
    assertEquals("finished", printed.get("state").asString());
    assertEquals("<testsuites/>", Files.readString(junit));
  }

  @Test
  void givenTheWebSocketRefused_whenWaited_thenItSaysSoPollsAndStillEnds() {
    api.on(GET, 200, execution("running", null, 0, 0, 0), execution("finished", "ok", 1, 0, 0));
    Fixtures.Captured c = cli();

    assertEquals(0, c.run("run", "nightly", "--wait"));

    assertTrue(c.errLines().get(0).startsWith("cta: live updates unavailable ("), c.err());
    assertTrue(c.errLines().get(0).endsWith("); polling"), c.err());
    assertEquals(1, api.count("POST", "/api/v1/ws/tickets"));
  }

  @Test
  void givenATerminal_whenWaited_thenOneLineIsRedrawnInPlace() {
    api.on(GET, 200, execution("running", null, 0, 0, 0), execution("finished", "ok", 1, 0, 0));
    Fixtures.Captured c =
        new Fixtures.Captured(Map.of("CTA_API_URL", api.url(), "CTA_TOKEN", "t0k"), home, "", true);

    assertEquals(0, c.run("run", "nightly", "--wait", "--no-live"));

    // Drawn, then replaced in place by the last line: a terminal shows that line only.
    List<String> screen = Screen.lines(c.err.toByteArray());
    assertEquals(2, screen.size(), Screen.visible(c.err()));
    assertTrue(screen.get(0).startsWith("execution "), Screen.visible(c.err()));
    assertTrue(screen.get(0).endsWith("result=ok"), Screen.visible(c.err()));
    assertEquals("", screen.get(1));
    assertTrue(c.err().contains(" running ok=0 "), "the running line was drawn: " + c.err());
  }

  @Test
  void givenAClientTimeout_whenItPasses_thenTheExecutionIsCanceledAndItExits5() {
    api.on(GET, 200, execution("running", null, 0, 0, 0));
    api.on(
        "POST /api/v1/executions/" + EXECUTION_ID + "/cancel",
        202,
        execution("running", null, 0, 0, 0));
    Fixtures.Captured c = cli();

    int code = c.run("run", "nightly", "--wait", "--no-live", "--timeout", "1s");

    assertEquals(5, code);
    assertEquals(1, api.count("POST", "/api/v1/executions/" + EXECUTION_ID + "/cancel"));
    assertTrue(c.err().contains("canceled it"), c.err());
  }

  @Test
  void givenNoCancel_whenTheClientTimeoutPasses_thenItExits5AndLeavesItRunning() {
    api.on(GET, 200, execution("running", null, 0, 0, 0));
    Fixtures.Captured c = cli();

    int code = c.run("run", "nightly", "--wait", "--no-live", "--timeout", "1s", "--no-cancel");

    assertEquals(5, code);
    assertEquals(0, api.count("POST", "/api/v1/executions/" + EXECUTION_ID + "/cancel"));
  }

  @Test
  void givenANameHeldByTwoScenarios_whenRun_thenItExits2ListingTheirIds() throws Exception {
    stop();
    api =
        new FakeApi()
            .on(
                BY_NAME,
                200,
                Fixtures.scenarios("6650f4c1a1b2c3d4e5f6aaaa", "6650f4c1a1b2c3d4e5f6bbbb"));
    Fixtures.Captured c = cli();

    assertEquals(2, c.run("run", "nightly"));

    assertTrue(c.err().contains("6650f4c1a1b2c3d4e5f6aaaa, 6650f4c1a1b2c3d4e5f6bbbb"), c.err());
    assertEquals(0, api.count("POST", "/api/v1/scenarios/"));
  }

  @Test
  void givenAnUnknownScenarioOrTheConcurrencyLimit_whenRun_thenItExits6() throws Exception {
    api.on("GET /api/v1/scenarios?name=weekly&size=500&page=0", 200, Fixtures.scenarios());
    Fixtures.Captured unknown = cli();
    assertEquals(6, unknown.run("run", "weekly"));
    assertTrue(unknown.err().contains("no scenario with the id or name 'weekly'"), unknown.err());

    stop();
    api =
        new FakeApi()
            .on(BY_NAME, 200, Fixtures.scenarios(SCENARIO_ID))
            .on(
                RUN,
                409,
                "{\"status\":409,\"title\":\"Conflict\",\"detail\":\"concurrency limit of 1 reached\"}");
    Fixtures.Captured full = cli();
    assertEquals(6, full.run("run", "nightly"));
    assertTrue(full.err().contains("concurrency limit of 1 reached"), full.err());
  }

  @Test
  void givenARefusedRequest_whenRun_thenItExits2NamingTheField() throws Exception {
    stop();
    try (FakeApi refusing =
        new FakeApi()
            .on(BY_NAME, 200, Fixtures.scenarios(SCENARIO_ID))
            .on(
                RUN,
                400,
                "{\"status\":400,\"title\":\"Bad Request\",\"detail\":\"priority: must be less than or equal to 100\"}")) {
      api = refusing;
      Fixtures.Captured c = cli();

      assertEquals(2, c.run("run", "nightly", "--priority", "101"));
      assertTrue(c.err().contains("priority: must be less than or equal to 100"), c.err());
    }
  }

  @Test
  void givenWrongArguments_whenParsed_thenItExits2() {
    assertEquals(2, cli().run("run"));
    assertEquals(2, cli().run("run", "x", "--timeout", "soon"));
    assertEquals(2, cli().run("run", "x", "--progress", "fancy"));
    assertEquals(2, cli().run("run", "x", "--junit", "j.xml"));
    assertEquals(2, cli().run("nonsense"));
    assertEquals(0, api.requests.size());
  }

  @Test
  void givenNoWait_whenRun_thenItPrintsTheStartedExecutionAndExits0() {
    Fixtures.Captured c = cli();

    assertEquals(0, c.run("run", "nightly", "--reason", "CI build 12", "--priority", "5"));

    assertTrue(c.out().contains(EXECUTION_ID), c.out());
    String sent =
        api.requests.stream()
            .filter(r -> r.method().equals("POST"))
            .findFirst()
            .orElseThrow()
            .body();
    assertTrue(
        sent.contains("\"priority\":5") && sent.contains("\"reason\":\"CI build 12\""), sent);
  }

  @Test
  void givenAnIdTheApiDoesNotKnow_whenRun_thenItTriesItAsANameAndExits6() {
    String unknown = SCENARIO_ID.replace("0001", "0009");
    api.on("GET /api/v1/scenarios?name=" + unknown + "&size=500&page=0", 200, Fixtures.scenarios());
    Fixtures.Captured c = cli();

    assertEquals(6, c.run("run", unknown));

    assertEquals(1, api.count("GET", "/api/v1/scenarios/" + unknown));
    assertTrue(c.err().contains("no scenario with the id or name"), c.err());
  }
}
