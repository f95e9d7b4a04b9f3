package io.cta.agent.run;

/**
 * Runs one type of test ({@code TestSpec.type}). Implementations report results and output through
 * the {@link TestRun} and return a summary; to add a test type, add an implementation and register
 * it in {@code AgentMain}.
 */
public interface TestExecutor {

  /** The test type this executor runs, e.g. {@code commandLine}. */
  String type();

  /**
   * Runs the test. Must call {@link TestRun#heartbeat()} at least every second while it runs: a
   * cancel arrives as the exception that call throws, after which the executor stops what runs and
   * rethrows.
   */
  TestOutcome run(TestRun run) throws InterruptedException;
}
