package io.cta.testrunner.stage;

import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.testrunner.result.Verdict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the stages of a {@code commandLine} test mean, whoever launches their processes (the agent
 * on its own machine, or a runner over SSH): they run in order, a failed mandatory stage stops the
 * test and fails its verdict, a failed optional one is noted and the test goes on; where each runs,
 * with which environment, and how a failure reads (docs/agent.md, "Test types").
 *
 * <p>A stage that overruns its {@code timeoutMs}, or whose test is canceled, is stopped: its {@code
 * stop} command runs first (when it has one and the stage still runs), for at most {@link
 * #STOP_TIMEOUT_MILLIS}, then the stage's whole process tree is killed.
 */
public final class Stages {

  /** How long a stage's stop command may run before it is killed too. */
  public static final long STOP_TIMEOUT_MILLIS = 30_000;

  /** Variables of the runner's own environment a test's processes never get: its credentials. */
  public static final Set<String> NOT_INHERITED = Set.of("CTA_AGENT_TOKEN");

  private Stages() {}

  /** Runs one stage to its end; answers null when it passed, else why it failed. */
  @FunctionalInterface
  public interface Runner {
    String run(StageSpec stage, String stageName) throws InterruptedException;
  }

  /** Runs the stages in order with the runner, and says how the test's own run ended. */
  public static Verdict runInOrder(List<StageSpec> stages, Runner runner)
      throws InterruptedException {
    StringBuilder notes = new StringBuilder();
    for (StageSpec stage : stages) {
      String problem = runner.run(stage, name(stage));
      if (problem != null) {
        if (stage.mandatory()) {
          return Verdict.failed(problem);
        }
        notes.append(notes.length() == 0 ? "" : "; ").append(problem).append(" (not mandatory)");
      }
    }
    return Verdict.passed(notes.length() > 0 ? notes.toString() : "passed");
  }

  /** The stage's name in output and messages. */
  public static String name(StageSpec stage) {
    return stage.name() == null ? "stage" : stage.name();
  }

  /**
   * Where the stage runs: its {@code cwd} resolved against the work directory, or that directory.
   */
  public static Path workingDir(Path workDir, StageSpec stage) {
    String cwd = stage.cwd();
    return cwd == null || cwd.isBlank() ? workDir : workDir.resolve(cwd);
  }

  /**
   * The test's working directory: where its first stage runs, or the work directory. Report globs
   * and the files results reference are relative to it, and neither may leave it.
   */
  public static Path testDir(Path workDir, TestSpec test) {
    return test.stages().isEmpty() ? workDir : workingDir(workDir, test.stages().get(0));
  }

  /** The command line that runs a stage's {@code run} or {@code stop} text in the system shell. */
  public static List<String> shellCommand(String command, boolean windows) {
    return windows ? List.of("cmd.exe", "/c", command) : List.of("/bin/sh", "-c", command);
  }

  /** Whether the stage has a stop command to run before its tree is killed. */
  public static boolean hasStop(StageSpec stage) {
    return stage.stop() != null && !stage.stop().isBlank();
  }

  /**
   * The variables CTA sets for every test's processes, whatever runs them; a runner adds the URLs
   * of its results endpoint.
   */
  public static Map<String, String> ctaVariables(String executionId, String testId, int attempt) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CTA_EXECUTION_ID", executionId);
    env.put("CTA_TEST_ID", testId);
    env.put("CTA_ATTEMPT", String.valueOf(attempt));
    return env;
  }

  /**
   * Turns the runner's environment into a stage's: without {@link #NOT_INHERITED}, the stage's own
   * variables over it, and CTA's variables over both.
   *
   * @param inherited the runner's environment, changed in place (a {@link
   *     ProcessBuilder#environment()})
   * @param stage the stage's variables, secrets already resolved
   * @param cta CTA's variables for the test
   */
  public static void mergeEnvironment(
      Map<String, String> inherited, Map<String, String> stage, Map<String, String> cta) {
    inherited.keySet().removeAll(NOT_INHERITED);
    inherited.putAll(stage);
    inherited.putAll(cta);
  }

  /** Why a stage failed when its process could not be started. */
  public static String couldNotStart(String stageName, String reason) {
    return "stage '" + stageName + "' could not start: " + reason;
  }

  /** Why a stage failed when it overran its timeout. */
  public static String timedOut(String stageName, long timeoutMs) {
    return "stage '" + stageName + "' timed out after " + timeoutMs / 1000.0 + " s";
  }

  /**
   * Why a stage failed when it exited non-zero.
   *
   * @param lastLines the last lines of its output ({@link OutputTail#text()}), masked
   */
  public static String exited(String stageName, int exit, String lastLines) {
    return "stage '"
        + stageName
        + "' exited with "
        + exit
        + (lastLines.isBlank() ? "" : ": " + lastLines);
  }
}
