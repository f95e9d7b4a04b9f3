package io.cta.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.TestStatus;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import io.cta.agent.run.ResultFiles;
import io.cta.agent.run.TestOutcome;
import io.cta.agent.run.TestRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code commandLine} test run by the agent's {@link TestRun} with the SSH executor on MINA's
 * server: stages in order with CTA's variables, the verdict through the agent's result rules, and
 * one session reused by consecutive tests.
 */
class SshExecutorTest extends OnMinaServer {

  @TempDir Path local;
  @TempDir Path remote;
  final List<AgentEvent> events = new CopyOnWriteArrayList<>();

  private TestOutcome run(SshExecutor executor, String testId, StageSpec... stages)
      throws Exception {
    return run(executor, new TestSpec(testId, testId, "commandLine", List.of(), List.of(stages)));
  }

  private TestOutcome run(SshExecutor executor, TestSpec test) throws Exception {
    TestRun run =
        new TestRun(
            "e1", 1, test, "appliance-1", local, events::add, () -> {}, null, ResultFiles.NONE);
    return run.finish(executor.run(run));
  }

  private String output() {
    return events.stream()
        .filter(e -> e.type().equals(AgentEvent.LOG))
        .map(AgentEvent::text)
        .collect(Collectors.joining());
  }

  @Test
  void givenTwoTests_whenRunOverSsh_thenTheyPassOrFailByTheAgentsRulesOverOneSession()
      throws Exception {
    SshTarget target = target();
    try (SshSessions sessions = new SshSessions(connector)) {
      SshExecutor executor =
          new SshExecutor(
              "appliance-1", () -> target, sessions, remote.toString(), Duration.ofMillis(500));

      TestOutcome passed =
          run(
              executor,
              "t1",
              new StageSpec(
                  "prepare",
                  "echo \"$CTA_TEST_ID/$GREETING\" > out.txt",
                  null,
                  null,
                  Map.of("GREETING", "hi"),
                  true,
                  30_000),
              new StageSpec("check", "cat out.txt", null, null, Map.of(), true, 30_000));
      var first = sessions.session("appliance-1", target);
      TestOutcome failed =
          run(
              executor,
              "t2",
              new StageSpec("fail", "echo nope; exit 4", null, null, Map.of(), true, 30_000));

      assertEquals(TestStatus.ok, passed.status(), output());
      assertTrue(output().contains("t1/hi"), output());
      assertEquals(TestStatus.failed, failed.status());
      assertSame(first, sessions.session("appliance-1", target), "the session is reused");
    }
  }

  @Test
  void givenJUnitReportsOnTheHost_whenTheTestEnds_thenTheyAreFetchedAndCountedByTheAgentsRules()
      throws Exception {
    String report =
        "<testsuite name='s' tests='2'><testcase classname='c' name='ok'/>"
            + "<testcase classname='c' name='bad'><failure message='boom'/></testcase></testsuite>";
    StageSpec write =
        new StageSpec(
            "write",
            "mkdir -p target/r && printf '%s' \"$REPORT\" > target/r/TEST-a.xml",
            null,
            "project",
            Map.of("REPORT", report),
            true,
            30_000);
    TestSpec test =
        new TestSpec("t3", "t3", "commandLine", List.of("target/r/*.xml"), List.of(write));
    try (SshSessions sessions = new SshSessions(connector)) {
      SshExecutor executor =
          new SshExecutor(
              "appliance-1", () -> target(), sessions, remote.toString(), Duration.ofMillis(500));

      TestOutcome outcome = run(executor, test);

      assertEquals(TestStatus.failed, outcome.status(), output());
      assertEquals(2, outcome.resultCount(), "one result per case of the fetched report");
      assertTrue(
          local.resolve("project/target/r/TEST-a.xml").toFile().isFile(),
          "fetched into the runner's copy of the test directory");
    }
  }
}
