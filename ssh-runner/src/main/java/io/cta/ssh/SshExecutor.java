package io.cta.ssh;

import io.cta.activities.agent.StageSpec;
import io.cta.agent.run.TestExecutor;
import io.cta.agent.run.TestRun;
import io.cta.testrunner.result.Verdict;
import io.cta.testrunner.stage.Stages;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.sshd.client.session.ClientSession;

/**
 * Runs a {@code commandLine} test on an SSH machine in place of the agent's local executor
 * (docs/agentless.md): its stages in order as {@link Stages} says, each over the machine's reused
 * session ({@link RemoteStages}), in a directory of its own under the runner's base directory on
 * the host. What is around the executor (states, results, masking, secrets) is the agent's {@link
 * TestRun}. After the stages, the test's JUnit reports are fetched over SFTP ({@link
 * RemoteReports}) into the runner's copy of the test's directory, where {@code TestRun} reads them
 * by the agent's rules.
 */
public final class SshExecutor implements TestExecutor {

  private final String machine;
  private final Supplier<SshTarget> target;
  private final SshSessions sessions;
  private final String baseDir;
  private final Duration killGrace;

  /**
   * @param target the machine's current connection, credential resolved
   * @param baseDir where tests run on the host (relative: under the user's home)
   * @param killGrace between SIGTERM and SIGKILL when a stage is stopped
   */
  public SshExecutor(
      String machine,
      Supplier<SshTarget> target,
      SshSessions sessions,
      String baseDir,
      Duration killGrace) {
    this.machine = machine;
    this.target = target;
    this.sessions = sessions;
    this.baseDir = baseDir;
    this.killGrace = killGrace;
  }

  @Override
  public String type() {
    return "commandLine";
  }

  @Override
  public Verdict run(TestRun run) throws InterruptedException {
    ClientSession session;
    try {
      session = sessions.session(machine, target.get());
    } catch (SshFailure e) {
      return Verdict.failed(
          "machine '" + machine + "' could not be reached over SSH: " + e.getMessage());
    }
    String workDir = workDir(run);
    RemoteStages stages =
        new RemoteStages(session, workDir, run.masker(), run::log, run::heartbeat, killGrace);
    Verdict verdict =
        Stages.runInOrder(
            run.test().stages(),
            (stage, stageName) -> {
              Map<String, String> env = new LinkedHashMap<>();
              Stages.mergeEnvironment(env, run.stageEnvironment(stage), run.environment());
              return stages.run(stage, stageName, env);
            });
    if (!run.test().reports().isEmpty()) {
      fetchReports(session, workDir, run);
    }
    return verdict;
  }

  /** A report that cannot be fetched counts as missing, as an unreadable one on an agent. */
  private static void fetchReports(ClientSession session, String workDir, TestRun run) {
    List<StageSpec> stages = run.test().stages();
    String remoteTestDir =
        stages.isEmpty() ? workDir : RemoteShell.directory(workDir, stages.get(0));
    try {
      Files.createDirectories(run.testDir());
      RemoteReports.fetch(
          session, remoteTestDir, run.test().reports(), run.testDir(), run::heartbeat);
    } catch (IOException e) {
      run.log(
          "reports", "stderr", "[CTA: reports not fetched over SFTP: " + e.getMessage() + "]\n");
    }
  }

  /**
   * The test's directory on the host: per execution, test and attempt, so that concurrent tests and
   * retries stay apart. The run id keeps names safe whatever the test id holds.
   */
  private String workDir(TestRun run) {
    return baseDir + "/" + run.executionId() + "/" + run.runId() + "-" + run.attempt();
  }
}
