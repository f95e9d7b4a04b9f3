package io.cta.cli;

import static io.cta.cli.Fixtures.EXECUTION_ID;
import static io.cta.cli.Fixtures.SCENARIO_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The look-and-act commands against a stand-in api: what they send and what they print. */
class CommandsTest {

  @TempDir Path home;
  private FakeApi api;

  @BeforeEach
  void start() throws Exception {
    api = new FakeApi();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Fixtures.Captured cli(String stdin) {
    return new Fixtures.Captured(
        Map.of("CTA_API_URL", api.url(), "CTA_TOKEN", "t0k"), home, stdin, false);
  }

  @Test
  void givenTheCommands_whenCompletionIsGenerated_thenTheScriptCompletesEachOfThem() {
    Fixtures.Captured c = cli("");

    assertEquals(0, c.run("generate-completion"), c.err());

    assertTrue(c.out().contains("complete -F _complete_cta"), "a bash completion function");
    for (String command :
        List.of("run", "report", "apply", "executions", "logs", "machines", "context")) {
      assertTrue(c.out().contains(" " + command), command + " completes");
    }
  }

  @Test
  void givenAValueOnStandardInput_whenASecretIsSetThatDoesNotExist_thenItIsCreatedAndNeverShown() {
    api.on(
        "PUT /api/v1/secrets/db-pass",
        404,
        "{\"status\":404,\"title\":\"Not Found\",\"detail\":\"no secret 'db-pass'\"}");
    api.on(
        "POST /api/v1/secrets",
        201,
        "{\"name\":\"db-pass\",\"createdAt\":\"2026-12-04T17:00:00Z\",\"updatedAt\":\"2026-12-04T17:00:00Z\"}");
    Fixtures.Captured c = cli("p4ss w0rd\n");

    assertEquals(0, c.run("secrets", "set", "db-pass"), c.err());

    assertEquals(
        "{\"name\":\"db-pass\",\"value\":\"p4ss w0rd\"}", api.requests.get(1).body(), "no newline");
    assertFalse((c.out() + c.err()).contains("p4ss"), c.out() + c.err());
    assertEquals(2, c.run("secrets", "set", "db-pass", "extra-value-argument"));
  }

  @Test
  void givenLabels_whenAMachineIsLabelled_thenThePatchAssignsAndRemovesThem() {
    api.on("PATCH /api/v1/machines/lab-01", 200, "{\"name\":\"lab-01\",\"status\":\"online\"}");
    Fixtures.Captured c = cli("");

    assertEquals(0, c.run("machines", "label", "lab-01", "os=linux", "gpu-", "--group", "web"));

    assertEquals(
        "{\"properties\":{\"os\":\"linux\",\"gpu\":null},\"groups\":[\"web\"]}",
        api.requests.get(0).body());
    assertEquals(2, cli("").run("machines", "label", "lab-01", "nonsense"));
  }

  @Test
  void givenATokenCreated_whenPrintedAsATable_thenStandardOutputHoldsTheSecretAlone() {
    api.on(
        "POST /api/v1/tokens",
        201,
        "{\"id\":\"6650f4c1a1b2c3d4e5f60099\",\"name\":\"ci\",\"role\":\"operator\",\"token\":\"cta_new_secret\"}");
    Fixtures.Captured c = cli("");

    assertEquals(0, c.run("tokens", "create", "ci", "--role", "operator"));

    assertEquals("cta_new_secret\n", c.out());
    assertTrue(c.err().contains("6650f4c1a1b2c3d4e5f60099"), c.err());
  }

  @Test
  void givenResultsAndExecutions_whenRead_thenJsonlIsOneItemPerLineAndTablesHaveTheirColumns() {
    api.on(
        "GET /api/v1/executions/" + EXECUTION_ID + "/results?status=failed",
        200,
        "{\"items\":[{\"testId\":\"a\",\"status\":\"failed\"},{\"testId\":\"b\",\"status\":\"failed\"}],"
            + "\"page\":0,\"size\":500,\"total\":2}");
    api.on(
        "GET /api/v1/scenarios?name=nightly&size=500&page=0", 200, Fixtures.scenarios(SCENARIO_ID));
    api.on(
        "GET /api/v1/executions?scenarioId="
            + SCENARIO_ID
            + "&page=0&size=20&sort=requestedAt%2Cdesc",
        200,
        "{\"items\":["
            + Fixtures.execution("finished", "ok", 2, 0, 0)
            + "],\"page\":0,\"size\":20,\"total\":41}");
    Fixtures.Captured results = cli("");
    Fixtures.Captured list = cli("");

    assertEquals(0, results.run("results", EXECUTION_ID, "--status", "failed", "-o", "jsonl"));
    assertEquals(0, list.run("executions", "list", "--scenario", "nightly"));

    assertEquals(
        List.of(
            "{\"testId\":\"a\",\"status\":\"failed\"}", "{\"testId\":\"b\",\"status\":\"failed\"}"),
        results.out().lines().toList());
    List<String> rows = list.out().lines().toList();
    assertEquals(3, rows.size(), list.out());
    assertTrue(rows.get(0).startsWith("ID  "), list.out());
    assertTrue(
        rows.get(1).matches(EXECUTION_ID + " +7 +nightly +finished +ok +2 +0 +0 +0 *"), list.out());
    assertEquals("(1 of 41; --page and --size show more)", rows.get(2));
  }

  @Test
  void givenLogsOfSeveralTests_whenReadForOne_thenOnlyItsTextIsPrinted() {
    api.on(
        "GET /api/v1/executions/" + EXECUTION_ID + "/logs",
        200,
        "{\"items\":[{\"testId\":\"a\",\"machine\":\"m\",\"seq\":1,\"text\":\"from a\"},"
            + "{\"testId\":\"b\",\"machine\":\"m\",\"seq\":2,\"text\":\"from b\\n\"}],\"page\":0,\"size\":2,\"total\":2}");
    Fixtures.Captured c = cli("");

    assertEquals(0, c.run("logs", EXECUTION_ID, "--test", "b"));

    assertEquals("from b\n", c.out());
  }

  @Test
  void givenAScheduleTriggerRefusedByTheConcurrencyLimit_whenTriggered_thenItExits6() {
    api.on("GET /api/v1/scenarios/" + SCENARIO_ID, 200, "{\"id\":\"" + SCENARIO_ID + "\"}");
    api.on(
        "POST /api/v1/scenarios/" + SCENARIO_ID + "/schedule/trigger",
        409,
        "{\"status\":409,\"title\":\"Conflict\",\"detail\":\"concurrency limit reached\"}");
    Fixtures.Captured c = cli("");

    assertEquals(6, c.run("schedules", "trigger", SCENARIO_ID));
    assertTrue(c.err().contains("concurrency limit reached"), c.err());
  }
}
