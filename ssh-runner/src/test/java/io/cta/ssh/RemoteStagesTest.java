package io.cta.ssh;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.agent.StageSpec;
import io.cta.testrunner.mask.Masker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stages over SSH on MINA's server running real processes: variables, working directory, masked
 * output, exit statuses, and a cancel or a timeout ending the stage's whole process group, checked
 * over a second connection.
 */
class RemoteStagesTest extends OnMinaServer {

  /** Thrown by the heartbeat, as Temporal's cancel is. */
  static final class Canceled extends RuntimeException {}

  @TempDir Path work;
  ClientSession session;
  final StringBuffer logged = new StringBuffer();
  final AtomicBoolean cancel = new AtomicBoolean();

  @BeforeEach
  void open() throws Exception {
    session = connector.open(target()).session();
  }

  @AfterEach
  void close() throws Exception {
    session.close();
  }

  private RemoteStages stages(Masker masker) {
    return new RemoteStages(
        session,
        work.toString(),
        masker,
        (stage, stream, text) -> logged.append(stream).append('|').append(text),
        () -> {
          if (cancel.get()) {
            throw new Canceled();
          }
        },
        Duration.ofMillis(500));
  }

  private static StageSpec stage(String run, String stop, String cwd, long timeoutMs) {
    return new StageSpec("main", run, stop, cwd, Map.of(), true, timeoutMs);
  }

  @Test
  void givenAStage_whenRun_thenItHasItsVariablesAndDirectoryAndItsSecretsAreMasked()
      throws Exception {
    RemoteStages stages = stages(Masker.of(List.of("token-Zq9")));
    Map<String, String> env = Map.of("GREETING", "it's \"quoted\" $HOME", "API_TOKEN", "token-Zq9");

    String passed =
        stages.run(
            stage("echo \"$GREETING\"; pwd; echo \"$API_TOKEN\" >&2", null, "sub", 30_000),
            "main",
            env);
    String failed = stages.run(stage("echo last words; exit 3", null, null, 30_000), "main", env);

    assertNull(passed, logged.toString());
    String out = logged.toString();
    assertTrue(out.contains("stdout|it's \"quoted\" $HOME"), out);
    assertTrue(out.contains(work.resolve("sub") + "\n"), out);
    assertTrue(out.contains("stderr|***"), out);
    assertFalse(out.contains("token-Zq9"), out);
    assertTrue(failed.contains("exit") && failed.contains("3"), failed);
    assertTrue(failed.contains("last words"), failed);
    assertTrue(
        stages
            .run(stage("true", null, null, 1000), "bad", Map.of("NOT-A-NAME", "x"))
            .contains("could not start"));
  }

  @Test
  void givenARunningStage_whenCanceled_thenItsStopRunsAndItsWholeGroupIsGone() throws Exception {
    RemoteStages stages = stages(Masker.NONE);
    StageSpec stage =
        stage("sleep 300 & sleep 300 & echo started; wait", "touch stopped", null, 600_000);

    CompletableFuture<String> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stages.run(stage, "main", Map.of());
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    awaitStarted(stages);
    long group = stages.lastGroup();
    assertTrue(alive(group), "the stage runs");
    cancel.set(true);

    Throwable thrown =
        assertThrows(Exception.class, () -> running.get(30, TimeUnit.SECONDS)).getCause();
    assertTrue(thrown instanceof Canceled, String.valueOf(thrown));
    assertTrue(Files.exists(work.resolve("stopped")), "the stop command ran first");
    assertFalse(alive(group), "no process of the group is left: " + logged);
    assertTrue(logged.toString().contains("process group " + group + " ended"), logged.toString());
  }

  @Test
  void givenAStageOverItsTimeout_whenItRuns_thenItFailsAndItsWholeGroupIsGone() throws Exception {
    RemoteStages stages = stages(Masker.NONE);

    String problem =
        stages.run(
            stage("sleep 300 & sleep 300 & echo started; wait", null, null, 1500),
            "main",
            Map.of());

    assertTrue(problem.contains("timed out"), problem);
    assertFalse(alive(stages.lastGroup()), "no process of the group is left: " + logged);
  }

  private void awaitStarted(RemoteStages stages) throws InterruptedException {
    long until = System.currentTimeMillis() + 20_000;
    while (!logged.toString().contains("started") && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
    assertTrue(logged.toString().contains("started"), "the stage started: " + logged);
    assertTrue(stages.lastGroup() > 0);
  }

  /** Asked over a connection of its own, as the runner checks. */
  private boolean alive(long group) throws Exception {
    try (ClientSession other = connector.open(target()).session()) {
      return stages(Masker.NONE).withSession(other).groupAlive(group);
    }
  }
}
