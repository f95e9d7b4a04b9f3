package io.cta.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.TestStatus;
import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.activities.events.AgentEvent;
import io.temporal.client.ActivityCanceledException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineExecutorTest {

  @TempDir Path work;

  private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicBoolean canceled = new AtomicBoolean();
  private final CommandLineExecutor executor = new CommandLineExecutor();

  private TestOutcome run(StageSpec... stages) throws InterruptedException {
    TestSpec test = new TestSpec("t1", "t1", "commandLine", List.of(), List.of(stages));
    TestRun run =
        new TestRun(
            "e1",
            1,
            test,
            "lab-01",
            work,
            events::add,
            () -> {
              if (canceled.get()) {
                throw new ActivityCanceledException();
              }
            },
            null,
            ResultFiles.NONE);
    return run.finish(executor.run(run));
  }

  private static StageSpec stage(String run, boolean mandatory, long timeoutMs) {
    return new StageSpec("s", run, null, null, Map.of(), mandatory, timeoutMs);
  }

  private AgentEvent result() {
    return events.stream()
        .filter(e -> e.type().equals(AgentEvent.RESULT))
        .findFirst()
        .orElseThrow();
  }

  private String output() {
    return events.stream()
        .filter(e -> e.type().equals(AgentEvent.LOG))
        .map(AgentEvent::text)
        .collect(Collectors.joining());
  }

  @Test
  void givenAStageWithEnvAndCwd_whenRun_thenEnvIsMergedOverTheAgentsAndCwdIsInTheWorkDir()
      throws Exception {
    StageSpec stage =
        new StageSpec(
            "check",
            "[ \"$FOO\" = bar ] && [ -n \"$PATH\" ] && [ \"$CTA_TEST_ID\" = t1 ] && pwd",
            null,
            "sub",
            Map.of("FOO", "bar"),
            true,
            10_000);

    TestOutcome outcome = run(stage);

    assertEquals(TestStatus.ok, outcome.status());
    assertEquals(1, outcome.resultCount());
    assertTrue(output().contains(work.resolve("sub").toString()), output());
    assertEquals("ok", result().status());
  }

  @Test
  void givenAFailingMandatoryStage_whenRun_thenTheTestFailsAndLaterStagesDoNotRun()
      throws Exception {
    TestOutcome outcome =
        run(stage("echo broken >&2; exit 3", true, 10_000), stage("touch later", true, 10_000));

    assertEquals(TestStatus.failed, outcome.status());
    assertTrue(result().message().contains("exited with 3: broken"), result().message());
    assertFalse(Files.exists(work.resolve("later")));
  }

  @Test
  void givenAFailingOptionalStage_whenRun_thenTheTestGoesOnAndPasses() throws Exception {
    TestOutcome outcome = run(stage("exit 1", false, 10_000), stage("touch later", true, 10_000));

    assertEquals(TestStatus.ok, outcome.status());
    assertTrue(result().message().contains("not mandatory"), result().message());
    assertTrue(Files.exists(work.resolve("later")));
  }

  @Test
  void givenAStageThatOverrunsItsTimeout_whenRun_thenItFailsAndItsChildProcessIsKilled()
      throws Exception {
    TestOutcome outcome = run(stage("sleep 60 & echo $! > child.pid; wait", true, 1_000));

    assertEquals(TestStatus.failed, outcome.status());
    assertTrue(result().message().contains("timed out after 1.0 s"), result().message());
    assertChildDead();
  }

  @Test
  void givenARunningStage_whenCanceled_thenTheStopCommandRunsAndTheTreeIsKilled() throws Exception {
    StageSpec stage =
        new StageSpec(
            "s",
            "sleep 60 & echo $! > child.pid; wait",
            "touch stopped",
            null,
            Map.of(),
            true,
            60_000);
    Thread canceler =
        new Thread(
            () -> {
              try {
                while (!Files.exists(work.resolve("child.pid"))) {
                  Thread.sleep(20);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              canceled.set(true);
            });
    canceler.start();

    assertThrows(ActivityCanceledException.class, () -> run(stage));

    assertTrue(Files.exists(work.resolve("stopped")), "the stop command ran");
    assertChildDead();
  }

  @Test
  void givenAStagePrinting100MbWithoutANewline_whenRun_thenTheLineIsShippedCutWhileItStreams()
      throws Exception {
    // The stage keeps its output open after the 100 MB: a reader holding whole lines ships nothing.
    StageSpec stage = stage("head -c 100000000 /dev/zero | tr '\\0' a; sleep 60", true, 60_000);
    AtomicBoolean shippedWhileRunning = new AtomicBoolean();
    Thread canceler =
        new Thread(
            () -> {
              long deadline = System.currentTimeMillis() + 30_000;
              try {
                while (System.currentTimeMillis() < deadline) {
                  if (output().contains(" [line cut at 16384 characters]")) {
                    shippedWhileRunning.set(true);
                    break;
                  }
                  Thread.sleep(50);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              canceled.set(true);
            });
    canceler.start();

    assertThrows(ActivityCanceledException.class, () -> run(stage));
    canceler.join();

    assertTrue(shippedWhileRunning.get(), "the cut line was shipped while the stage ran");
    String line = output().lines().findFirst().orElseThrow();
    assertEquals("a".repeat(16384) + " [line cut at 16384 characters]", line);
    assertTrue(output().length() < 64 * 1024, "shipped " + output().length() + " characters");
  }

  private void assertChildDead() throws Exception {
    long pid = Long.parseLong(Files.readString(work.resolve("child.pid")).trim());
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "child " + pid + " still alive");
  }
}
