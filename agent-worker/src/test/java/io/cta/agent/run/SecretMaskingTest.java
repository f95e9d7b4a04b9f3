package io.cta.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.TestStatus;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import io.cta.agent.local.LocalResultsServer;
import io.cta.agent.secret.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test's secrets reach its processes resolved, and every way a stage can print or report them
 * leaves the agent masked: output (also a value split across reads and lines), the failure message,
 * results posted to the local endpoint and JUnit reports.
 */
class SecretMaskingTest {

  private static final String CANARY = "c4n4ry-8f3e1d0a-v4lu3";

  /** A multi-line value (a key file): printed line by line, it reaches the agent in two reads. */
  private static final String KEY = "BEGIN-k3y-part-one\nk3y-part-two-END";

  @TempDir Path work;

  private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
  private LocalResultsServer local;

  @BeforeEach
  void start() throws Exception {
    local = LocalResultsServer.start(0);
  }

  @AfterEach
  void stop() {
    local.close();
  }

  private TestOutcome run(List<String> reports, Map<String, String> env, String command)
      throws InterruptedException {
    TestRun run =
        new TestRun(
            "e1",
            1,
            new TestSpec(
                "t1",
                "t1",
                "commandLine",
                reports,
                List.of(new StageSpec("s", command, null, null, env, true, 20_000))),
            "lab-01",
            work,
            events::add,
            () -> {},
            local.url(),
            ResultFiles.NONE,
            Secrets.of(Map.of("PW", CANARY, "KEY", KEY)));
    local.open(run);
    try {
      return run.finish(new CommandLineExecutor().run(run));
    } finally {
      local.close(run);
    }
  }

  private String output() {
    return events.stream()
        .filter(e -> e.type().equals(AgentEvent.LOG))
        .map(AgentEvent::text)
        .collect(Collectors.joining());
  }

  private void assertNoSecretIn(Object where) {
    String text = String.valueOf(where);
    for (String part : List.of(CANARY, "8f3e1d0a", "k3y-part-one", "k3y-part-two")) {
      assertFalse(text.contains(part), "'" + part + "' in " + text);
    }
  }

  @Test
  void givenReferencesInsideLongerValues_whenTheStageRuns_thenItGetsTheValuesResolved()
      throws Exception {
    run(
        List.of(),
        Map.of("PW", "${secret:PW}", "URL", "db://app:${secret:PW}@db/x?k=${secret:KEY}"),
        "printf '%s' \"$PW\" > pw.txt; printf '%s' \"$URL\" > url.txt");

    assertEquals(CANARY, Files.readString(work.resolve("pw.txt")));
    assertEquals(
        "db://app:" + CANARY + "@db/x?k=" + KEY, Files.readString(work.resolve("url.txt")));
  }

  @Test
  void givenAStagePrintingItsSecretsInSeveralWays_whenRun_thenNothingItSendsHoldsThem()
      throws Exception {
    String report =
        "mkdir -p out && printf '<testsuite name=\"s\" tests=\"1\"><testcase name=\"c\""
            + " classname=\"s\"><skipped message=\"expected %s\">because %s</skipped>"
            + "<system-out>out %s</system-out><system-err>err %s</system-err></testcase>"
            + "</testsuite>' \"$PW\" \"$PW\" \"$PW\" \"$PW\" > out/TEST-s.xml";
    String post =
        "curl -sf -H 'Content-Type: application/json' -d \"{\\\"case\\\":\\\"case $PW\\\","
            + "\\\"status\\\":\\\"ok\\\",\\\"message\\\":\\\"m $PW\\\",\\\"description\\\":"
            + "\\\"d $PW\\\",\\\"custom\\\":{\\\"k $PW\\\":\\\"v $PW\\\"}}\" \"$CTA_RESULTS_URL\""
            + " > posted.json";
    String command =
        String.join(
            "; ",
            "echo \"$PW\"",
            "echo \"the password is $PW, keep it\"",
            "printf 'split %s' \"$(echo \"$PW\" | cut -c1-9)\"",
            "sleep 0.7",
            "printf '%s end\\n' \"$(echo \"$PW\" | cut -c10-)\"",
            "echo \"to stderr $PW\" >&2",
            "printf '%s\\n' \"$KEY\" | head -1",
            "sleep 0.7",
            "printf '%s\\n' \"$KEY\" | tail -n 1",
            report,
            post,
            "echo \"failing with $PW\" >&2",
            "exit 1");

    TestOutcome outcome =
        run(List.of("out/*.xml"), Map.of("PW", "${secret:PW}", "KEY", "${secret:KEY}"), command);

    assertEquals(TestStatus.failed, outcome.status());
    assertTrue(Files.exists(work.resolve("posted.json")), "the local endpoint took the result");
    events.forEach(this::assertNoSecretIn);
    String output = output();
    assertTrue(output.contains("***\n"), output);
    assertTrue(output.contains("the password is ***, keep it\n"), output);
    assertTrue(output.contains("split *** end\n"), output);
    assertTrue(output.contains("to stderr ***\n"), output);
    assertTrue(output.contains("\n***\n"), "the key file's two lines as one mask: " + output);
    List<AgentEvent> results =
        events.stream().filter(e -> e.type().equals(AgentEvent.RESULT)).toList();
    AgentEvent posted =
        results.stream().filter(e -> e.caseName().equals("case ***")).findFirst().orElseThrow();
    assertEquals("m ***", posted.message());
    assertEquals("d ***", posted.description());
    assertEquals(Map.of("k ***", "v ***"), posted.custom());
    AgentEvent junit =
        results.stream()
            .filter(e -> e.caseName().equals("s.c"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(results.toString()));
    assertTrue(junit.message().contains("expected ***"), junit.message());
    assertTrue(junit.description().contains("out ***"), junit.description());
    AgentEvent test =
        results.stream().filter(e -> e.caseName().equals("")).reduce((a, b) -> b).orElseThrow();
    assertTrue(test.message().contains("failing with ***"), test.message());
  }
}
